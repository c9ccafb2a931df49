"""Migration 0003 back-fills: texts stored before intake redacted them are redacted (the
original kept apart), and the aspects stored as JSON become aspect_mentions rows; the
downgrade puts the originals back."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import text

from manyi.storage.database import Database
from manyi.storage.migrate import downgrade, upgrade

NOW = datetime(2026, 12, 1, 8, 0, 0)
MENTION = {
    "code": "delivery",
    "name": "配送",
    "label": "negative",
    "score": -0.7,
    "evidence": "送货太慢",
}


def _old_rows(db: Database) -> None:
    """Rows as revision 0002 stored them: raw text, aspects only in JSON."""
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO feedback_items (id, kind, text, occurred_at, received_at, source, "
                "content_hash, is_duplicate, metadata, aspects, enriched_at) VALUES "
                "(1, 'complaint', '送货太慢，电话13812345678', :t, :t, 'api', 'h1', false, '{}', :a, :t), "
                "(2, 'complaint', '送货太慢', :t, :t, 'api', 'h2', true, '{}', :a, :t)"
            ),
            {"t": NOW, "a": json.dumps([MENTION, MENTION, {"code": "x", "label": "angry"}])},
        )
        conn.execute(
            text(
                "INSERT INTO surveys (id, title, status, current_version, created_at, updated_at) "
                "VALUES (1, 's', 'active', 1, :t, :t)"
            ),
            {"t": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO responses (id, survey_id, survey_version, submitted_at, received_at, "
                "answers, metadata, quality_flags, consent, source, content_hash) VALUES "
                "(1, 1, 1, :t, :t, :answers, '{}', '[]', false, 'api', 'r1')"
            ),
            {"t": NOW, "answers": json.dumps({"nps": 3, "c": "发到 li@example.com"})},
        )
        conn.execute(
            text(
                "INSERT INTO answers (id, response_id, survey_id, question, item, value, text, "
                "submitted_at) VALUES (1, 1, 1, 'nps', '', 3, NULL, :t), "
                "(2, 1, 1, 'c', '', NULL, '发到 li@example.com', :t)"
            ),
            {"t": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO answer_enrichments (answer_id, survey_id, question, aspects, "
                "enriched_at, enrichment_version) VALUES (2, 1, 'c', :a, :t, 'v')"
            ),
            {"t": NOW, "a": json.dumps([MENTION])},
        )


def _load(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def test_0003_redacts_stored_text_and_backfills_mentions(db: Database) -> None:
    downgrade(db, "0002")
    _old_rows(db)
    upgrade(db, "0003")
    with db.engine.connect() as conn:
        feedback = conn.execute(
            text("SELECT id, text, raw_text FROM feedback_items ORDER BY id")
        ).all()
        assert [tuple(r) for r in feedback] == [
            (1, "送货太慢，电话[手机号]", "送货太慢，电话13812345678"),
            (2, "送货太慢", None),
        ]
        answers, raw = conn.execute(text("SELECT answers, raw_answers FROM responses")).one()
        assert _load(answers) == {"nps": 3, "c": "发到 [邮箱]"}
        assert _load(raw) == {"c": "发到 li@example.com"}
        assert conn.execute(text("SELECT text FROM answers WHERE id = 2")).scalar() == "发到 [邮箱]"
        mentions = conn.execute(
            text(
                "SELECT feedback_id, answer_id, aspect, label, counted FROM aspect_mentions "
                "ORDER BY id"
            )
        ).all()
        # one row per aspect and text (the repeated mention once, the malformed one skipped);
        # the duplicate feedback item's mention is not counted
        assert [tuple(m) for m in mentions] == [
            (1, None, "delivery", "negative", True),
            (2, None, "delivery", "negative", False),
            (None, 2, "delivery", "negative", True),
        ]
    downgrade(db, "0002")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM feedback_items WHERE id = 1")).scalar() == (
            "送货太慢，电话13812345678"
        )
        assert conn.execute(text("SELECT text FROM answers WHERE id = 2")).scalar() == (
            "发到 li@example.com"
        )
    upgrade(db)
