"""An answer to a Term can say which Support ticket it was for (SPEC §5: a Consultoria do
Suporte is accepted for a ticket number).

A nullable `ticket` column added in place on both databases: every row is kept, and the
append-only table keeps its triggers. A unique partial index lets a person accept a version of
the Term once for a ticket, even when the same "Aceito" arrives twice at once. The downgrade drops the column only while no answer
records a ticket: dropping it then would lose what those acceptances were for.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "term_acceptances"
INDEX = f"uq_{TABLE}_ticket_accepted"
ONCE = "accepted AND ticket IS NOT NULL"


def upgrade() -> None:
    op.execute(f"ALTER TABLE {TABLE} ADD COLUMN ticket VARCHAR(12)")
    op.create_index(
        INDEX,
        TABLE,
        ["person_id", "term_version_id", "ticket"],
        unique=True,
        sqlite_where=sa.text(ONCE),
        postgresql_where=sa.text(ONCE),
    )


def downgrade() -> None:
    recorded = op.get_bind().scalar(sa.text(f"SELECT count(*) FROM {TABLE} WHERE ticket IS NOT NULL"))
    if recorded:
        raise RuntimeError(
            f"{recorded} answer(s) to a Term record a Support ticket: downgrading below 0009 "
            "would lose what they were for"
        )
    op.drop_index(INDEX, TABLE)
    # In place on both databases (SQLite 3.35+): the table and its triggers stay.
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN ticket")
