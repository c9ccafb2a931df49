"""The closed loop (issue #12): alert rules, cases, notifications, improvement plans,
scorecards and mechanism health. Services over ``manyi.domain``, ``manyi.stats`` and
``manyi.storage``; the entry points call them."""
