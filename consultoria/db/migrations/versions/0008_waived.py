"""Plantões gain `waived`: staff cancelled it for want of a specialist, so nothing is charged
(SPEC §4). Until now only the history's note said so, and "quanto deu o P-…" recomputed the
customer's cancellation rule for such a plantão.

A boolean added to `plantoes` in place (false by default): every row is kept. The plantões whose
cancellation the history records as "sem especialista disponível" are marked waived, so what
they cost reads the same before and after. The downgrade drops the column; the history keeps the
reason.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The note revision 0007's code wrote on a cancellation for want of a specialist.
NO_SPECIALIST_NOTE = "cancelado pela equipe: sem especialista disponível"

plantoes = sa.table("plantoes", sa.column("id"), sa.column("state"), sa.column("waived"))
events = sa.table(
    "plantao_events", sa.column("plantao_id"), sa.column("to_state"), sa.column("note")
)


def upgrade() -> None:
    op.add_column(
        "plantoes", sa.Column("waived", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    cancelled_without_specialist = sa.select(events.c.plantao_id).where(
        events.c.to_state == "cancelled", events.c.note == NO_SPECIALIST_NOTE
    )
    op.execute(
        plantoes.update()
        .where(plantoes.c.state == "cancelled", plantoes.c.id.in_(cancelled_without_specialist))
        .values(waived=sa.true())
    )


def downgrade() -> None:
    op.drop_column("plantoes", "waived")
