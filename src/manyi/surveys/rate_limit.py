"""Rate limits on the public respondent form, per client address and per survey link.

Every request to ``/s/{id}`` (the form, its posts and personal invitation links) counts
once against its client address and once against the survey (all addresses together),
in a sliding window (the ``limits`` package). Over either limit the form answers 429
with Retry-After; nothing is read or written, so nothing already saved is lost.

The counts live in process memory by default, or in Redis when ``MANYI_REDIS_URL`` is
set (shared by every process). An address is never a key as it is: the key is an HMAC
of it with the app's secret, kept only as long as its window (the storage expires it),
and nothing of it reaches the database, so anonymous surveys store no address. When the
count store cannot be reached the form stays open (a respondent is never turned away
because Redis is down) and the failure is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from manyi.config import Settings
from manyi.errors import ManyiError

log = logging.getLogger(__name__)

KEY_PREFIX = "manyi-respond"


@dataclass
class TooManyRequests(ManyiError):
    """The respondent form was asked too often; retry after ``retry_after_s`` seconds."""

    status: int = 429
    retry_after_s: int = 1
    #: Which limit: "ip" (this address) or "link" (the survey, all addresses together).
    scope: str = "ip"


class RespondLimiter:
    """Counts respondent-form requests per client address and per survey.

    Parameters
    ----------
    per_ip, per_link
        Rates in the ``limits`` notation ("60/minute"); empty: no such limit.
    secret
        Keys the HMAC that stands for an address.
    storage_uri
        ``memory://`` (default) or a ``redis://`` URL.
    """

    def __init__(
        self, per_ip: str, per_link: str, secret: str, storage_uri: str = "memory://"
    ) -> None:
        self.storage_uri = storage_uri
        storage = storage_from_string(storage_uri, wrap_exceptions=True, key_prefix=KEY_PREFIX)
        if not isinstance(storage, Storage):  # e.g. an async:// storage
            raise ValueError(f"not a synchronous rate-limit storage: {storage_uri.split('://')[0]}")
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._secret = secret.encode()
        self._per_ip = _item(per_ip, "ip")
        self._per_link = _item(per_link, "link")

    @classmethod
    def from_settings(cls, settings: Settings) -> RespondLimiter:
        return cls(
            settings.respond_rate_per_ip,
            settings.respond_rate_per_link,
            settings.secret_key,
            settings.redis_url or "memory://",
        )

    def address_key(self, address: str) -> str:
        """What stands for a client address in the count store: never the address."""
        return hmac.new(self._secret, address.encode(), hashlib.sha256).hexdigest()[:32]

    def hit(self, address: str, survey_id: int) -> None:
        """Count one request; raise :class:`TooManyRequests` when a limit is exceeded."""
        checks = (
            (self._per_ip, self.address_key(address), "ip"),
            (self._per_link, str(survey_id), "link"),
        )
        for item, key, scope in checks:
            if item is None:
                continue
            try:
                allowed = self._limiter.hit(item, key)
                if allowed:
                    continue
                stats = self._limiter.get_window_stats(item, key)
            except StorageError:
                log.warning(
                    "the respondent rate limit's store (%s) cannot be reached; not limiting",
                    self.storage_uri.split("://")[0],
                )
                return
            wait = max(1, math.ceil(stats.reset_time - time.time()))
            raise TooManyRequests(
                "too many requests to this survey; try again shortly",
                retry_after_s=wait,
                scope=scope,
            )


def _item(rate: str, namespace: str) -> RateLimitItem | None:
    if not rate.strip():
        return None
    item = parse(rate)
    item.namespace = namespace
    return item
