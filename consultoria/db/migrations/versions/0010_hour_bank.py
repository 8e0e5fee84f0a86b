"""The customers' hour banks (SPEC §3.2): minutes bought, and the Consultoria Telefônica minutes
taken from them.

A new append-only table: nothing existing changes. The downgrade drops it only while it is
empty: dropping it then would lose minutes customers paid for. Revision 0010, after 0009.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from consultoria.db import append_only
from consultoria.db.types import MONEY, UTCDateTime

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "hour_bank_entries"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("ticket", sa.String(length=12), nullable=True),
        sa.Column("specialists", sa.Integer(), nullable=True),
        sa.Column("charged_minutes", sa.Integer(), nullable=True),
        sa.Column("amount", MONEY, nullable=True),
        sa.Column("price_version_id", sa.Integer(), nullable=True),
        sa.Column("service_day", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('credit', 'use')", name=op.f(f"ck_{TABLE}_kind")),
        sa.CheckConstraint("minutes >= 0", name=op.f(f"ck_{TABLE}_minutes_not_negative")),
        sa.CheckConstraint(
            "kind = 'use' OR minutes > 0", name=op.f(f"ck_{TABLE}_credit_positive")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f(f"fk_{TABLE}_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["price_version_id"],
            ["price_versions.id"],
            name=op.f(f"fk_{TABLE}_price_version_id_price_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(op.f(f"ix_{TABLE}_person_id"), TABLE, ["person_id"])
    for statement in append_only.triggers_ddl(op.get_context().dialect.name, TABLE):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().execute(sa.text(f"SELECT 1 FROM {TABLE} LIMIT 1")).first() is not None:
        raise RuntimeError(
            f"{TABLE} holds hour-bank movements customers paid for: the downgrade stops here "
            "rather than lose them"
        )
    op.drop_table(TABLE)
