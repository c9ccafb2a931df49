"""The respondent form's timing signal and incentive codes (issue #10): a signed render
time that only this draft's page carries, too_fast and bot_suspect flags, codes that are
short, typable, unique per response and not guessable without the secret."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from manyi.surveys.quality import (
    incentive_code,
    render_stamp,
    stamp_time,
    timing_flags,
)

SECRET = "s" * 40
NOW = datetime(2026, 5, 1, 8, 0, 0)


def test_a_stamp_is_valid_only_for_its_draft_and_unchanged() -> None:
    stamp = render_stamp(SECRET, "token-a", NOW)
    assert stamp_time(SECRET, "token-a", stamp) is not None
    assert stamp_time(SECRET, "token-b", stamp) is None  # another draft's page
    assert stamp_time("other-secret" * 3, "token-a", stamp) is None
    seconds, signature = stamp.split(".")
    earlier = f"{int(seconds) - 60}.{signature}"  # a bot backdating the render time
    assert stamp_time(SECRET, "token-a", earlier) is None
    for bad in ("", "abc", "123", "123.", ".abc", "9" * 40 + ".x"):
        assert stamp_time(SECRET, "token-a", bad) is None


def test_timing_flags() -> None:
    stamp = render_stamp(SECRET, "tok", NOW)
    slow = timing_flags(
        SECRET, "tok", stamp, started_at=NOW, min_seconds=3, now=NOW + timedelta(seconds=40)
    )
    assert slow == ()
    fast = timing_flags(
        SECRET, "tok", stamp, started_at=NOW, min_seconds=3, now=NOW + timedelta(seconds=1)
    )
    assert fast == ("too_fast",)
    assert timing_flags(SECRET, "tok", None, started_at=NOW, min_seconds=3, now=NOW) == (
        "bot_suspect",
        "too_fast",
    )
    forged = timing_flags(
        SECRET, "tok", "1700000000.deadbeef", started_at=NOW, min_seconds=0, now=NOW
    )
    assert forged == ("bot_suspect",)  # 0 seconds: the timing check is off, not the stamp's


def test_incentive_codes_are_typable_unique_and_stable() -> None:
    codes = {incentive_code(SECRET, rid) for rid in range(1, 5001)}
    assert len(codes) == 5000
    code = incentive_code(SECRET, 42, "MY")
    assert re.fullmatch(r"MY-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", code)
    assert code == incentive_code(SECRET, 42, "MY")
    assert incentive_code(SECRET, 42) == code.removeprefix("MY-")
    # Knowing one response's code and id says nothing about the next one's.
    assert incentive_code(SECRET, 43) != incentive_code(SECRET, 42)
    assert incentive_code("another secret" * 3, 42) != incentive_code(SECRET, 42)
