"""personal data redacted at intake (raw text apart); narrow aspect_mentions table

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

Back-fills both: stored feedback texts and open answers are redacted (the original goes
to ``feedback_items.raw_text`` / ``responses.raw_answers`` when the redaction changed
it), and the aspects already stored as JSON become ``aspect_mentions`` rows. Downgrade
puts the raw texts back and drops the new table and columns.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
BATCH = 2000
LABELS = {'negative', 'neutral', 'positive'}
_CJK = re.compile(r'[\u3400-\u9fff]')

feedback = sa.table(
    'feedback_items',
    sa.column('id', ID), sa.column('text', sa.Text), sa.column('raw_text', sa.Text),
    sa.column('aspects', JSON), sa.column('occurred_at', sa.DateTime),
    sa.column('is_duplicate', sa.Boolean),
)
answers = sa.table(
    'answers',
    sa.column('id', ID), sa.column('response_id', ID), sa.column('survey_id', ID),
    sa.column('question', sa.String), sa.column('text', sa.Text), sa.column('value', sa.Float),
    sa.column('submitted_at', sa.DateTime),
)
responses = sa.table(
    'responses',
    sa.column('id', ID), sa.column('answers', JSON), sa.column('raw_answers', JSON),
)
enrichments = sa.table(
    'answer_enrichments',
    sa.column('answer_id', ID), sa.column('aspects', JSON),
)
mentions = sa.table(
    'aspect_mentions',
    sa.column('feedback_id', ID), sa.column('answer_id', ID), sa.column('survey_id', ID),
    sa.column('aspect', sa.String), sa.column('name', sa.String), sa.column('dimension', sa.String),
    sa.column('label', sa.String), sa.column('score', sa.Float), sa.column('evidence', sa.Text),
    sa.column('occurred_at', sa.DateTime), sa.column('counted', sa.Boolean),
)


def _redact(text: str) -> str:
    from manyi.text.pii import redact  # the same redaction intake applies from now on

    return redact(text, language='zh' if _CJK.search(text) else 'en')


def _redact_feedback(conn: Any) -> None:
    last = 0
    while True:
        rows = conn.execute(
            sa.select(feedback.c.id, feedback.c.text).where(feedback.c.id > last)
            .order_by(feedback.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        for fid, text in rows:
            redacted = _redact(text or '')
            if redacted != text:
                conn.execute(
                    feedback.update().where(feedback.c.id == fid)
                    .values(text=redacted, raw_text=text)
                )


def _redact_answers(conn: Any) -> None:
    last = 0
    while True:
        rows = conn.execute(
            sa.select(answers.c.id, answers.c.response_id, answers.c.question, answers.c.text)
            .where(answers.c.id > last, answers.c.text.is_not(None), answers.c.value.is_(None))
            .order_by(answers.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        for aid, rid, question, text in rows:
            redacted = _redact(text)
            if redacted == text:
                continue
            conn.execute(answers.update().where(answers.c.id == aid).values(text=redacted))
            stored, raw = conn.execute(
                sa.select(responses.c.answers, responses.c.raw_answers)
                .where(responses.c.id == rid)
            ).one()
            stored = dict(stored or {})
            raw = dict(raw or {})
            if stored.get(question) == text:
                stored[question] = redacted
            raw[question] = text
            conn.execute(
                responses.update().where(responses.c.id == rid)
                .values(answers=stored, raw_answers=raw)
            )


def _mention_rows(found: Any, **keys: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for m in found if isinstance(found, list) else []:
        if not isinstance(m, dict) or not m.get('code') or m.get('label') not in LABELS:
            continue
        code = str(m['code'])[:64]
        if code in seen:
            continue
        seen.add(code)
        score = m.get('score')
        out.append({
            **keys,
            'aspect': code,
            'name': str(m.get('name') or code)[:200],
            'dimension': str(m['dimension'])[:64] if m.get('dimension') else None,
            'label': m['label'],
            'score': float(score) if isinstance(score, int | float) else None,
            'evidence': str(m.get('evidence') or '') or None,
        })
    return out


def _backfill_mentions(conn: Any) -> None:
    last = 0
    while True:
        rows = conn.execute(
            sa.select(feedback.c.id, feedback.c.aspects, feedback.c.occurred_at, feedback.c.is_duplicate)
            .where(feedback.c.id > last, feedback.c.aspects.is_not(None))
            .order_by(feedback.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        batch = [
            r for fid, found, when, dup in rows
            for r in _mention_rows(found, feedback_id=fid, answer_id=None, survey_id=None,
                                   occurred_at=when, counted=not dup)
        ]
        if batch:
            conn.execute(mentions.insert(), batch)
    last = 0
    while True:
        rows = conn.execute(
            sa.select(enrichments.c.answer_id, enrichments.c.aspects, answers.c.submitted_at, answers.c.survey_id)
            .join(answers, answers.c.id == enrichments.c.answer_id)
            .where(enrichments.c.answer_id > last, enrichments.c.aspects.is_not(None))
            .order_by(enrichments.c.answer_id).limit(BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        batch = [
            r for aid, found, when, sid in rows
            for r in _mention_rows(found, feedback_id=None, answer_id=aid, survey_id=sid,
                                   occurred_at=when, counted=True)
        ]
        if batch:
            conn.execute(mentions.insert(), batch)


def upgrade() -> None:
    op.create_table('aspect_mentions',
    sa.Column('id', ID, nullable=False),
    sa.Column('feedback_id', ID, nullable=True),
    sa.Column('answer_id', ID, nullable=True),
    sa.Column('survey_id', ID, nullable=True),
    sa.Column('aspect', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('dimension', sa.String(length=64), nullable=True),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_aspect_mentions_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback_items.id'], name=op.f('fk_aspect_mentions_feedback_id_feedback_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aspect_mentions'))
    )
    with op.batch_alter_table('aspect_mentions', schema=None) as batch_op:
        batch_op.create_index('ix_aspect_mentions_aspect_time', ['aspect', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_aspect_mentions_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aspect_mentions_feedback_id'), ['feedback_id'], unique=False)
        batch_op.create_index('ix_aspect_mentions_time_aspect', ['counted', 'occurred_at', 'aspect', 'label'], unique=False)

    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw_text', sa.Text(), nullable=True))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw_answers', JSON, nullable=True))

    conn = op.get_bind()
    _redact_feedback(conn)
    _redact_answers(conn)
    _backfill_mentions(conn)


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        feedback.update().where(feedback.c.raw_text.is_not(None)).values(text=feedback.c.raw_text)
    )
    for rid, stored, raw in conn.execute(
        sa.select(responses.c.id, responses.c.answers, responses.c.raw_answers)
        .where(responses.c.raw_answers.is_not(None))
    ).all():
        raw = raw or {}
        conn.execute(responses.update().where(responses.c.id == rid)
                     .values(answers={**(stored or {}), **raw}))
        for question, text in raw.items():
            conn.execute(answers.update().where(answers.c.response_id == rid,
                                                answers.c.question == question,
                                                answers.c.value.is_(None))
                         .values(text=text))

    # Not batch mode: on SQLite it copies the table and drops the old one, and with foreign
    # keys on, dropping ``responses`` would cascade to every answer. SQLite >= 3.35 drops
    # a plain column in place.
    op.execute('ALTER TABLE responses DROP COLUMN raw_answers')
    op.execute('ALTER TABLE feedback_items DROP COLUMN raw_text')

    with op.batch_alter_table('aspect_mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_aspect_mentions_time_aspect')
        batch_op.drop_index(batch_op.f('ix_aspect_mentions_feedback_id'))
        batch_op.drop_index(batch_op.f('ix_aspect_mentions_answer_id'))
        batch_op.drop_index('ix_aspect_mentions_aspect_time')

    op.drop_table('aspect_mentions')
