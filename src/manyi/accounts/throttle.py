"""A rate limit on failed logins, per account and per client address.

Failed attempts are counted in a moving window (the ``limits`` package): after
``per_account`` failures for one e-mail address, or ``per_ip`` failures from one address,
within ``window_s`` seconds, :func:`log_in` refuses every further attempt, with the right
password too, until the oldest failure leaves the window. The refusal says the same
thing whether or not the account exists, and failures for unknown e-mail addresses count
like any other, so the limit tells an attacker nothing about which accounts exist.

The counts live in process memory by default (each server process counts on its own, and
a restart forgets them) or in Redis when ``MANYI_REDIS_URL`` is set, where every process
behind a load balancer shares them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from manyi.accounts.service import User, authenticate
from manyi.config import Settings
from manyi.errors import ManyiError, NotAuthenticated, StorageUnavailable
from manyi.storage.database import Database

KEY_PREFIX = "manyi-login"

_P = ParamSpec("_P")
_R = TypeVar("_R")


@dataclass
class TooManyAttempts(ManyiError):
    """Login refused because of too many recent failures; retry after ``retry_after_s``."""

    status: int = 429
    retry_after_s: int = 1


class LoginThrottle:
    """Counts failed logins per account and per client address.

    Parameters
    ----------
    per_account, per_ip
        Failures allowed in the window for one e-mail address and for one client address.
    window_s
        Length of the moving window, in seconds.
    storage_uri
        A ``limits`` storage: ``memory://`` (default) or a ``redis://`` URL.
    """

    def __init__(
        self, per_account: int, per_ip: int, window_s: int, storage_uri: str = "memory://"
    ) -> None:
        if per_account < 1 or per_ip < 1 or window_s < 1:
            raise ValueError("the login limits and their window must be at least 1")
        self.storage_uri = storage_uri
        storage = storage_from_string(storage_uri, wrap_exceptions=True, key_prefix=KEY_PREFIX)
        if not isinstance(storage, Storage):  # e.g. an async:// storage
            raise ValueError(f"not a synchronous rate-limit storage: {storage_uri.split('://')[0]}")
        self._limiter = MovingWindowRateLimiter(storage)
        self._account = RateLimitItemPerSecond(per_account, window_s, namespace="account")
        self._ip = RateLimitItemPerSecond(per_ip, window_s, namespace="ip")

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginThrottle:
        return cls(
            settings.login_failures_per_account,
            settings.login_failures_per_ip,
            settings.login_failure_window_s,
            settings.redis_url or "memory://",
        )

    def _checks(self, email: str, ip: str) -> tuple[tuple[RateLimitItem, str], ...]:
        return ((self._account, _account_key(email)), (self._ip, ip))

    def check(self, email: str, ip: str) -> None:
        """Raise :class:`TooManyAttempts` when the account or the address is locked."""
        waits = [
            self._seconds_left(item, key)
            for item, key in self._checks(email, ip)
            if not self._call(self._limiter.test, item, key)
        ]
        if waits:
            raise TooManyAttempts(
                "too many failed sign-ins; try again later", retry_after_s=max(waits)
            )

    def failed(self, email: str, ip: str) -> None:
        """Count one failed attempt against the account and the address."""
        for item, key in self._checks(email, ip):
            self._call(self._limiter.hit, item, key)

    def succeeded(self, email: str) -> None:
        """Forget the account's failures (not the address's: it may be guessing others)."""
        self._call(self._limiter.clear, self._account, _account_key(email))

    def _seconds_left(self, item: RateLimitItem, key: str) -> int:
        stats = self._call(self._limiter.get_window_stats, item, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def _call(self, method: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except StorageError as exc:
            raise StorageUnavailable(
                f"the login rate limit's store ({self.storage_uri.split('://')[0]}) "
                "cannot be reached"
            ) from exc


def _account_key(email: str) -> str:
    return email.strip().lower()


def log_in(db: Database, throttle: LoginThrottle, email: str, password: str, ip: str) -> User:
    """Check the password unless the account or address is locked; count a failure.

    Raises
    ------
    TooManyAttempts
        While the account or the address is locked (the password is not even checked).
    NotAuthenticated
        For a wrong e-mail address or password (one message for both).
    """
    throttle.check(email, ip)
    try:
        user = authenticate(db, email, password)
    except NotAuthenticated:
        throttle.failed(email, ip)
        raise
    throttle.succeeded(email)
    return user
