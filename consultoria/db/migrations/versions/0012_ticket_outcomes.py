"""Staff record the outcome and the minutes of a Consultoria do Suporte ticket (SPEC §3.2, §5).

A new append-only table: each staff decision is a row that points to the accepted Suporte Term
of the ticket, with the outcome, the minutes once registered, who recorded it, from where and
when, and what the tariff engine made of it. Nothing existing changes. The downgrade drops the
table only while it is empty: dropping it then would lose what a ticket is billed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from consultoria.db import append_only

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "ticket_outcomes"
OUTCOMES = "'new_inconsistency', 'published', 'no_inconsistency'"


def _check(name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{TABLE}_{name}"))


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{TABLE}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("acceptance_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("staff_person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("price_version_id", sa.Integer(), nullable=True),
        sa.Column("billed_minutes", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        _check("outcome", f"outcome IN ({OUTCOMES})"),
        _check("minutes_positive", "minutes > 0"),
        _check("billed_minutes_at_least_minutes", "billed_minutes >= minutes"),
        _check("amount_not_negative", "amount >= 0"),
        _fk("acceptance_id", "term_acceptances"),
        _fk("staff_person_id", "persons"),
        _fk("price_version_id", "price_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(op.f(f"ix_{TABLE}_acceptance_id"), TABLE, ["acceptance_id"])
    for statement in append_only.triggers_ddl(op.get_context().dialect.name, TABLE):
        op.execute(statement)


def downgrade() -> None:
    recorded = op.get_bind().scalar(sa.text(f"SELECT count(*) FROM {TABLE}"))
    if recorded:
        raise RuntimeError(
            f"{recorded} ticket outcome(s) recorded: downgrading below 0012 would lose what "
            "those tickets are billed"
        )
    # Dropping the table drops its index and triggers with it.
    op.drop_table(TABLE)
