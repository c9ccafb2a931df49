"""Rate limits of the respondent form per client address and per survey (issue #10), in
memory and, when MANYI_TEST_REDIS_URL is set, in Redis."""

from __future__ import annotations

import os
import uuid

import pytest

from manyi.config import Settings
from manyi.surveys.rate_limit import RespondLimiter, TooManyRequests

REDIS_URL = os.environ.get("MANYI_TEST_REDIS_URL")


def _over(limiter: RespondLimiter, address: str, survey_id: int) -> TooManyRequests | None:
    try:
        limiter.hit(address, survey_id)
    except TooManyRequests as exc:
        return exc
    return None


def _check_limits(storage: str) -> str:
    """Check the limits in ``storage``; the addresses' network prefix."""
    survey = uuid.uuid4().int % 10**9  # fresh keys in a shared Redis
    limiter = RespondLimiter("3/minute", "5/minute", "secret" * 6, storage)
    net = f"10.{survey % 250}.{survey // 250 % 250}"  # fresh addresses too
    address = f"{net}.1"
    assert [_over(limiter, address, survey) for _ in range(3)] == [None, None, None]
    refused = _over(limiter, address, survey)
    assert refused is not None and refused.status == 429 and refused.scope == "ip"
    assert 1 <= refused.retry_after_s <= 60
    # Another address still gets in, until the survey's own limit (all addresses) is hit.
    assert _over(limiter, f"{net}.2", survey) is None
    assert _over(limiter, f"{net}.3", survey) is None
    busy = _over(limiter, f"{net}.4", survey)
    assert busy is not None and busy.scope == "link"
    assert _over(limiter, f"{net}.4", survey + 1) is None  # another survey
    return net


def test_limits_in_memory() -> None:
    _check_limits("memory://")


@pytest.mark.skipif(not REDIS_URL, reason="MANYI_TEST_REDIS_URL is not set")
def test_limits_in_redis() -> None:
    assert REDIS_URL
    net = _check_limits(REDIS_URL)
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = [k.decode() for k in client.keys("manyi-respond*")]
    assert keys, "the counts are in Redis"
    assert not any(net in k for k in keys)  # no address, only its HMAC
    assert all(0 < int(client.ttl(k)) <= 120 for k in keys)  # they expire


def test_an_empty_rate_is_no_limit_and_the_address_is_hashed() -> None:
    limiter = RespondLimiter("", "", "secret" * 6)
    for _ in range(500):
        limiter.hit("192.0.2.1", 1)
    key = limiter.address_key("192.0.2.1")
    assert "192.0.2.1" not in key and len(key) == 32
    assert key != RespondLimiter("", "", "another" * 6).address_key("192.0.2.1")


def test_settings_refuse_a_malformed_rate() -> None:
    with pytest.raises(ValueError, match="respond_rate_per_ip"):
        Settings(respond_rate_per_ip="lots")
    assert Settings(respond_rate_per_link="100 per second").respond_rate_per_link


def test_an_unreachable_store_does_not_turn_respondents_away() -> None:
    limiter = RespondLimiter("1/minute", "1/minute", "secret" * 6, "redis://127.0.0.1:1/0")
    for _ in range(3):
        limiter.hit("192.0.2.1", 1)  # logged, not raised
