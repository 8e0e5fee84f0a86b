"""Plantões gain `scheduled_end_at`: an early end staff confirmed for a moment still ahead
(SPEC §4, "a time after now schedules the end"). The plantão keeps running until then, and time
ends it early at that moment.

A nullable column added to `plantoes`: every row is kept, and none has a scheduled end. Both
databases add a nullable column in place, so SQLite does not copy the table. The downgrade
refuses while an open plantão still waits on its scheduled end, which revision 0006 could not
hold.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from consultoria.db.types import UTCDateTime

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "scheduled_end_at"
OPEN_STATES = "'requested', 'confirmed', 'in_progress'"


def upgrade() -> None:
    op.add_column("plantoes", sa.Column(COLUMN, UTCDateTime(), nullable=True))


def downgrade() -> None:
    waiting = op.get_bind().scalar(
        sa.text(
            f"SELECT count(*) FROM plantoes WHERE {COLUMN} IS NOT NULL "
            f"AND state IN ({OPEN_STATES})"
        )
    )
    if waiting:
        raise RuntimeError("plantões wait on a scheduled end: revision 0006 cannot hold them")
    op.drop_column("plantoes", COLUMN)
