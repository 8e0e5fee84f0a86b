"""Consultoria Técnica appointments (SPEC §5): the appointment a customer requests after
accepting the Técnica Term, confirmed by staff with a slot, and its append-only history; an
answer to a Term can say which appointment it requested.

New tables, and a nullable `appointment_id` column added in place on `term_acceptances` on both
databases: every row is kept, and the append-only table keeps its triggers. The downgrade drops
them only while no appointment exists: dropping them then would lose what was requested.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from consultoria.db import append_only

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPOINTMENTS = "appointments"
EVENTS = "appointment_events"
ACCEPTANCES = "term_acceptances"
STATES = "'requested', 'confirmed', 'cancelled'"


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _instant(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _create_appointments() -> None:
    table = APPOINTMENTS
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("bill_to", sa.String(), nullable=False),
        sa.Column("bill_to_unit", sa.String(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("system", sa.String(), nullable=False),
        sa.Column("preferred_day", sa.Date(), nullable=False),
        sa.Column("period", sa.String(), nullable=True),
        sa.Column("preferred_time", sa.Time(), nullable=True),
        sa.Column("estimated_minutes", sa.Integer(), nullable=True),
        sa.Column("price_version_id", sa.Integer(), nullable=True),
        sa.Column("quoted_minutes", sa.Integer(), nullable=True),
        sa.Column("quoted_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("contact_phone", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        _instant("slot_start_at", nullable=True),
        _instant("slot_end_at", nullable=True),
        sa.Column("request_key", sa.String(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _instant("created_at"),
        _instant("updated_at"),
        _check(table, "state", f"state IN ({STATES})"),
        _check(table, "bill_to", "bill_to IN ('customer', 'consultant_unit')"),
        _check(table, "period_known", "period IN ('manha', 'tarde') OR period IS NULL"),
        _check(table, "period_or_time", "(period IS NULL) <> (preferred_time IS NULL)"),
        _check(table, "estimated_minutes_positive", "estimated_minutes > 0"),
        _check(
            table,
            "slot_order",
            "(slot_start_at IS NULL AND slot_end_at IS NULL) OR slot_end_at > slot_start_at",
        ),
        _fk(table, "person_id", "persons"),
        _fk(table, "price_version_id", "price_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("request_key", name=op.f(f"uq_{table}_request_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f(f"ix_{table}_person_id_preferred_day"), table, ["person_id", "preferred_day"])
    op.create_index(op.f(f"ix_{table}_state_preferred_day"), table, ["state", "preferred_day"])


def _create_events() -> None:
    table = EVENTS
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(), nullable=True),
        sa.Column("to_state", sa.String(), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        _instant("at"),
        sa.Column("note", sa.Text(), nullable=True),
        _check(table, "to_state", f"to_state IN ({STATES})"),
        _check(table, "actor_role", "actor_role IN ('customer', 'staff', 'system')"),
        _fk(table, "appointment_id", APPOINTMENTS),
        _fk(table, "actor_person_id", "persons"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_appointment_id"), table, ["appointment_id"])
    for statement in append_only.triggers_ddl(op.get_context().dialect.name, table):
        op.execute(statement)


def upgrade() -> None:
    _create_appointments()
    _create_events()
    op.execute(
        f"ALTER TABLE {ACCEPTANCES} ADD COLUMN appointment_id INTEGER "
        f"CONSTRAINT fk_{ACCEPTANCES}_appointment_id_{APPOINTMENTS} "
        f"REFERENCES {APPOINTMENTS} (id)"
    )


def downgrade() -> None:
    requested = op.get_bind().scalar(sa.text(f"SELECT count(*) FROM {APPOINTMENTS}"))
    if requested:
        raise RuntimeError(
            f"{requested} Consultoria Técnica appointment(s) recorded: downgrading below 0011 "
            "would lose them"
        )
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        # SQLite cannot drop a column a foreign key names: the table is copied without it, and
        # the copy gets the append-only triggers back.
        with op.batch_alter_table(ACCEPTANCES) as batch:
            batch.drop_column("appointment_id")
        for statement in append_only.triggers_ddl(dialect, ACCEPTANCES):
            op.execute(statement)
    else:
        op.drop_column(ACCEPTANCES, "appointment_id")
    # Dropping a table drops its indexes and triggers with it.
    op.drop_table(EVENTS)
    op.drop_table(APPOINTMENTS)
