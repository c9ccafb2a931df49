"""What customers talk about: enriched feedback of a window, counted by aspect."""

from __future__ import annotations

from datetime import timedelta

import pytest

from manyi.enrichment.service import enrich_pending
from manyi.ingestion.feedback import FeedbackIn, record_feedback
from manyi.reporting.home import home_page
from manyi.reporting.themes import feedback_themes
from manyi.stats.metrics import wilson_interval
from manyi.storage.database import Database
from manyi.storage.types import utcnow

RECENT = ["送货太慢了，等了三天", "送货很快，师傅很专业", "价格太贵了", "价格实惠，服务周到"]


def test_counts_aspects_and_sentiment_of_the_window(db: Database) -> None:
    now = utcnow()
    record_feedback(db, [FeedbackIn(text=t, occurred_at=now - timedelta(days=2)) for t in RECENT])
    # outside the window, and a duplicate of a recent one: neither is counted
    record_feedback(
        db, [FeedbackIn(text="价格太贵了，太贵了", occurred_at=now - timedelta(days=40))]
    )
    record_feedback(db, [FeedbackIn(text=RECENT[2], occurred_at=now - timedelta(days=1))])
    before = feedback_themes(db, now=now)
    assert (before.analysed, before.pending, before.aspects) == (0, 4, [])
    enrich_pending(db)
    themes = feedback_themes(db, now=now)
    assert (themes.analysed, themes.pending) == (4, 0)
    assert themes.sentiment == {"negative": 2, "neutral": 0, "positive": 2}
    by_code = {a.code: a for a in themes.aspects}
    price = by_code["price"]
    assert (price.mentions, price.positive, price.neutral, price.negative) == (2, 1, 0, 1)
    assert (price.name_zh, price.name_en, price.dimension) == (
        "价格与性价比",
        "price and value",
        None,
    )
    assert price.negative_share == 0.5
    assert price.negative_ci == pytest.approx(wilson_interval(1, 2))
    delivery = by_code["delivery"]
    assert (delivery.mentions, delivery.negative, delivery.dimension) == (2, 1, "reliability")
    # most mentioned first; ties by code
    assert [a.mentions for a in themes.aspects] == sorted(
        (a.mentions for a in themes.aspects), reverse=True
    )
    assert [a.code for a in feedback_themes(db, now=now, top=2).aspects] == ["delivery", "price"]


def test_open_answers_count_and_home_page_has_both(db: Database) -> None:
    from factories import good_answers, make_survey
    from manyi.ingestion.responses import ResponseIn, record_response

    survey = make_survey(db)
    record_response(db, survey.id, ResponseIn(answers=good_answers(nps=3, comment="价格太贵了")))
    enrich_pending(db)
    page = home_page(db)
    assert [s.id for s in page.surveys] == [survey.id]
    assert page.themes.analysed == 1
    assert [(a.code, a.negative) for a in page.themes.aspects] == [("price", 1)]


def test_malformed_stored_aspects_are_skipped(db: Database) -> None:
    from sqlalchemy import update

    from manyi.storage.tables import FeedbackItemRow

    (_, b, c) = record_feedback(db, [FeedbackIn(text=t) for t in ("价格太贵了", "x1", "x2")])
    enrich_pending(db)
    with db.session() as s:
        s.execute(
            update(FeedbackItemRow).where(FeedbackItemRow.id == b.id).values(aspects={"a": 1})
        )
        s.execute(
            update(FeedbackItemRow)
            .where(FeedbackItemRow.id == c.id)
            .values(aspects=["price", {"code": "price", "label": "weird"}, {"label": "negative"}])
        )
    themes = feedback_themes(db)
    assert themes.analysed == 3
    assert [(t.code, t.mentions) for t in themes.aspects] == [("price", 1)]


def test_theme_comments_newest_first_with_filter_and_pages(db: Database) -> None:
    from factories import good_answers, make_survey
    from manyi.ingestion.responses import ResponseIn, record_response
    from manyi.reporting.themes import theme_comments

    now = utcnow()
    slow, fast, old = "送货太慢了，等了三天", "送货很快，师傅很专业", "送货太慢了，等了一周"
    record_feedback(
        db,
        [
            FeedbackIn(text=slow, occurred_at=now - timedelta(days=2)),
            FeedbackIn(text=fast, occurred_at=now - timedelta(days=1)),
            FeedbackIn(text=old, occurred_at=now - timedelta(days=40)),
        ],
    )
    survey = make_survey(db)
    record_response(
        db, survey.id, ResponseIn(answers=good_answers(nps=2, comment="送货慢，没人管"))
    )
    enrich_pending(db)
    page = theme_comments(db, "delivery", now=now + timedelta(minutes=1))
    assert (page.name_zh, page.name_en, page.dimension) == (
        "物流配送",
        "delivery and logistics",
        "reliability",
    )
    assert page.counts == {"negative": 2, "neutral": 0, "positive": 1} and page.total == 3
    # newest first: the survey answer (submitted now), then yesterday's, then the day before
    assert [(c.source, c.text) for c in page.comments] == [
        ("answer", "送货慢，没人管"),
        ("feedback", fast),
        ("feedback", slow),
    ]
    first = page.comments[2]
    assert first.before + first.evidence + first.after == slow and "送货" in first.evidence
    assert (first.label, first.sentiment_label, first.detail) == ("negative", "negative", "other")
    assert page.comments[0].detail == "comment"  # the open question's code
    negative = theme_comments(db, "delivery", label="negative", now=now, per_page=1)
    assert (negative.total, negative.pages, negative.page) == (2, 2, 1)
    second = theme_comments(db, "delivery", label="negative", now=now, per_page=1, page=2)
    assert [c.text for c in second.comments] == [slow]
    beyond = theme_comments(db, "delivery", now=now, page=9)
    assert beyond.comments == [] and beyond.total == 3


def test_theme_comments_bad_requests(db: Database) -> None:
    from manyi.errors import InvalidInput, NotFound
    from manyi.reporting.themes import theme_comments

    with pytest.raises(InvalidInput, match="label must be one of"):
        theme_comments(db, "price", label="angry")
    with pytest.raises(InvalidInput, match="start at 1"):
        theme_comments(db, "price", page=0)
    with pytest.raises(NotFound, match="no aspect 'nope'"):
        theme_comments(db, "nope")
    empty = theme_comments(db, "price")  # a default aspect nobody mentioned: an empty page
    assert (empty.total, empty.comments, empty.pages) == (0, [], 1)


def test_an_aspect_outside_the_default_taxonomy_keeps_its_stored_name(db: Database) -> None:
    # Regression: the home page used to fail on a stored aspect code it did not know.
    from manyi.reporting.themes import theme_comments
    from manyi.text.enrich import Enrichment

    mention = {"code": "parking", "name": "停车", "label": "negative", "evidence": "停车位太少了"}

    def own_taxonomy(texts: list[str]) -> list[Enrichment]:  # a user's own aspect list
        return [Enrichment("zh", "negative", -0.8, [mention], t) for t in texts]

    record_feedback(db, [FeedbackIn(text="停车位太少了")])
    enrich_pending(db, enricher=own_taxonomy, version="own")
    assert [(a.code, a.name_zh, a.negative) for a in feedback_themes(db).aspects] == [
        ("parking", "停车", 1)
    ]
    page = theme_comments(db, "parking")
    assert (page.name_en, page.total, page.comments[0].evidence) == ("停车", 1, "停车位太少了")


def test_negative_share_change_against_the_window_before(db: Database) -> None:
    from statsmodels.stats.multitest import multipletests

    from manyi.stats.metrics import two_proportion_z

    now = utcnow()
    slow = ["送货太慢了，等了三天", "送货太慢了，等了一周", "送货太慢，没人管"]
    fast = ["送货很快，师傅很专业", "送货很快，很满意"]
    # this window: 3 of 4 delivery mentions negative; the 30 days before: 1 of 3
    recent = [*slow, fast[0]]
    earlier = ["物流送货太慢了，差评", fast[1], "送货准时，包装完好"]
    record_feedback(
        db,
        [FeedbackIn(text=t, occurred_at=now - timedelta(days=3)) for t in recent]
        + [FeedbackIn(text=t, occurred_at=now - timedelta(days=45)) for t in earlier]
        + [FeedbackIn(text="价格太贵了", occurred_at=now - timedelta(days=1))]
        + [FeedbackIn(text="价格便宜，划算", occurred_at=now - timedelta(days=50))],
    )
    enrich_pending(db)
    themes = {a.code: a for a in feedback_themes(db, now=now).aspects}
    delivery = themes["delivery"]
    assert (delivery.mentions, delivery.negative) == (4, 3)
    assert (delivery.previous_mentions, delivery.previous_negative) == (3, 1)
    assert delivery.change == pytest.approx(3 / 4 - 1 / 3)
    assert delivery.change_p == pytest.approx(two_proportion_z(3, 4, 1, 3)[1])
    price = themes["price"]  # 1 of 1 negative now, 0 of 1 before
    assert (price.previous_mentions, price.change) == (1, 1.0)
    assert price.change_p == pytest.approx(two_proportion_z(1, 1, 0, 1)[1])
    # q: Benjamini–Hochberg over the p values of the listed aspects (statsmodels fdr_bh)
    tested = [a for a in themes.values() if a.change_p is not None]
    assert {"delivery", "price"} <= {a.code for a in tested}
    _, expected, _, _ = multipletests([a.change_p for a in tested], method="fdr_bh")
    assert [a.change_q for a in tested] == pytest.approx(list(expected))
    assurance = themes["assurance"]  # 师傅很专业: mentioned in this window only
    assert (assurance.change, assurance.change_p, assurance.change_q) == (None, None, None)
    # the window before the window before is not counted at all
    assert feedback_themes(db, now=now, days=10).aspects[0].previous_mentions == 0
