"""Plantões store `charged_minutes` (the total for all specialists, as the tariff engine's
`Quote.charged_minutes`), not `billed_minutes`; the hour bank and service record tables, never
used, are dropped.

The rename keeps every row. SQLite alters a table by copying it: `plantoes` keeps its
AUTOINCREMENT (references like P-0042 are never reused) and `plantao_events`, recreated, gets
its append-only triggers back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from consultoria.db import append_only

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOUR_BANK_MOVEMENTS = "hour_bank_movements"
PLANTAO_STATES = "'requested', 'confirmed', 'in_progress', 'completed', 'ended_early', 'cancelled'"


def _rename(old: str, new: str) -> None:
    """Rename the plantões' and their events' column `old` to `new`, constraint included."""
    if op.get_context().dialect.name != "sqlite":
        _rename_in_plantoes(old, new)
        op.alter_column("plantao_events", old, new_column_name=new, existing_type=sa.Integer())
        return
    # SQLite copies `plantoes` to alter it: dropping the old copy while events point to it
    # would count every event as an orphan until the transaction ends, so the events wait in
    # a plain table meanwhile.
    op.execute("CREATE TABLE _plantao_events_kept AS SELECT * FROM plantao_events")
    op.drop_table("plantao_events")
    _rename_in_plantoes(old, new)
    _create_plantao_events(new)
    op.execute("INSERT INTO plantao_events SELECT * FROM _plantao_events_kept")
    op.drop_table("_plantao_events_kept")
    for statement in append_only.triggers_ddl("sqlite", "plantao_events"):
        op.execute(statement)


def _rename_in_plantoes(old: str, new: str) -> None:
    with op.batch_alter_table("plantoes", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(op.f(f"ck_plantoes_{old}_not_negative"), type_="check")
        batch.alter_column(old, new_column_name=new, existing_type=sa.Integer())
        batch.create_check_constraint(op.f(f"ck_plantoes_{new}_not_negative"), f"{new} >= 0")


def _create_plantao_events(minutes_column: str) -> None:
    """The events table as revision 0001 made it, its minutes column named `minutes_column`."""
    table = "plantao_events"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plantao_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(), nullable=True),
        sa.Column("to_state", sa.String(), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(minutes_column, sa.Integer(), nullable=True),
        sa.Column("amount_due", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _check(table, "to_state", f"to_state IN ({PLANTAO_STATES})"),
        _check(table, "actor_role", "actor_role IN ('customer', 'staff', 'system')"),
        _fk(table, "plantao_id", "plantoes"),
        _fk(table, "actor_person_id", "persons"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plantao_events")),
    )
    op.create_index(op.f("ix_plantao_events_plantao_id"), table, ["plantao_id"])


def upgrade() -> None:
    _rename("billed_minutes", "charged_minutes")
    # Dropping a table drops its indexes and triggers with it.
    for table in (HOUR_BANK_MOVEMENTS, "service_records", "hour_bank_accounts"):
        op.drop_table(table)


def downgrade() -> None:
    _create_hour_bank_accounts()
    _create_service_records()
    _create_hour_bank_movements()
    _rename("charged_minutes", "billed_minutes")


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _created_at() -> sa.Column[Any]:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _create_hour_bank_accounts() -> None:
    op.create_table(
        "hour_bank_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("balance_minutes", sa.Integer(), nullable=False),
        _check("hour_bank_accounts", "balance_not_negative", "balance_minutes >= 0"),
        _fk("hour_bank_accounts", "person_id", "persons"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hour_bank_accounts")),
        sa.UniqueConstraint("person_id", name=op.f("uq_hour_bank_accounts_person_id")),
    )


def _create_service_records() -> None:
    table = "service_records"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(), nullable=False),
        sa.Column("ticket", sa.String(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("specialists", sa.Integer(), nullable=False),
        sa.Column("inconsistency", sa.String(), nullable=True),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("bill_to", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("billed_minutes", sa.Integer(), nullable=False),
        sa.Column("hour_bank_minutes", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("waived", sa.Boolean(), nullable=False),
        sa.Column("price_version_id", sa.Integer(), nullable=True),
        _created_at(),
        _check(table, "modality", "modality IN ('telefonica', 'suporte', 'tecnica')"),
        _check(table, "inconsistency", "inconsistency IN ('none', 'published', 'new')"),
        _check(table, "requested_by", "requested_by IN ('customer', 'consultant')"),
        _check(table, "bill_to", "bill_to IN ('customer', 'consultant_unit')"),
        _check(table, "minutes_not_negative", "minutes >= 0"),
        _check(table, "specialists_positive", "specialists >= 1"),
        _check(table, "billed_minutes_not_negative", "billed_minutes >= 0"),
        _check(table, "hour_bank_minutes_not_negative", "hour_bank_minutes >= 0"),
        _fk(table, "person_id", "persons"),
        _fk(table, "price_version_id", "price_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
    )
    op.create_index(
        op.f("ix_service_records_person_id_started_at"), table, ["person_id", "started_at"]
    )


def _create_hour_bank_movements() -> None:
    table = HOUR_BANK_MOVEMENTS
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("service_record_id", sa.Integer(), nullable=True),
        _created_at(),
        _check(table, "minutes_not_zero", "minutes <> 0"),
        _fk(table, "account_id", "hour_bank_accounts"),
        _fk(table, "service_record_id", "service_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hour_bank_movements")),
    )
    op.create_index(op.f("ix_hour_bank_movements_account_id"), table, ["account_id"])
    for statement in append_only.triggers_ddl(op.get_context().dialect.name, table):
        op.execute(statement)
