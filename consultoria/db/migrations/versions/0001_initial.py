"""Initial schema: people, staff roster, prices, hour bank, terms, plantões, services, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from consultoria.db import append_only

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MODALITIES = "'telefonica', 'plantao', 'suporte', 'tecnica'"
PLANTAO_STATES = "'requested', 'confirmed', 'in_progress', 'completed', 'ended_early', 'cancelled'"


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _instant(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _money(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Numeric(precision=12, scale=2), nullable=True)


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "persons",
        _id(),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("channel_user_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        _instant("created_at"),
        _check("persons", "role", "role IN ('customer', 'consultant', 'staff')"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint(
            "channel", "channel_user_id", name=op.f("uq_persons_channel_channel_user_id")
        ),
    )
    op.create_table(
        "staff_members",
        _id(),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("channel_user_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _instant("added_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_members")),
        sa.UniqueConstraint(
            "channel", "channel_user_id", name=op.f("uq_staff_members_channel_channel_user_id")
        ),
    )
    op.create_table(
        "price_versions",
        _id(),
        sa.Column("modality", sa.String(), nullable=False),
        _money("per_minute"),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("igpm_percent", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        _instant("created_at"),
        _check("price_versions", "modality", f"modality IN ({MODALITIES})"),
        _check("price_versions", "source", "source IN ('config', 'readjustment')"),
        _check("price_versions", "per_minute_positive", "per_minute > 0"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_versions")),
        sa.UniqueConstraint(
            "modality", "effective", name=op.f("uq_price_versions_modality_effective")
        ),
    )
    op.create_table(
        "hour_bank_accounts",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("balance_minutes", sa.Integer(), nullable=False),
        _check("hour_bank_accounts", "balance_not_negative", "balance_minutes >= 0"),
        _fk("hour_bank_accounts", "person_id", "persons"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hour_bank_accounts")),
        sa.UniqueConstraint("person_id", name=op.f("uq_hour_bank_accounts_person_id")),
    )
    op.create_table(
        "term_versions",
        _id(),
        sa.Column("modality", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        _instant("effective_at"),
        _check("term_versions", "modality", f"modality IN ({MODALITIES})"),
        _check("term_versions", "version_positive", "version >= 1"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_versions")),
        sa.UniqueConstraint("modality", "version", name=op.f("uq_term_versions_modality_version")),
    )
    op.create_table(
        "term_acceptances",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("modality", sa.String(), nullable=False),
        sa.Column("term_version_id", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("price_version_id", sa.Integer(), nullable=True),
        sa.Column("quote_json", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=True),
        _instant("created_at"),
        _check("term_acceptances", "role", "role IN ('customer', 'consultant')"),
        _check("term_acceptances", "modality", f"modality IN ({MODALITIES})"),
        _fk("term_acceptances", "person_id", "persons"),
        _fk("term_acceptances", "term_version_id", "term_versions"),
        _fk("term_acceptances", "price_version_id", "price_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_acceptances")),
    )
    op.create_index(
        op.f("ix_term_acceptances_person_id_term_version_id"),
        "term_acceptances",
        ["person_id", "term_version_id"],
    )
    op.create_table(
        "plantoes",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        _instant("start_at"),
        _instant("end_at"),
        sa.Column("specialists", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("contact_phone", sa.String(), nullable=False),
        sa.Column("specialist_name", sa.String(), nullable=True),
        sa.Column("request_key", sa.String(), nullable=True),
        sa.Column("price_version_id", sa.Integer(), nullable=True),
        sa.Column("quoted_minutes", sa.Integer(), nullable=False),
        _money("quoted_amount"),
        _instant("ended_at", nullable=True),
        sa.Column("billed_minutes", sa.Integer(), nullable=True),
        _money("amount_due"),
        sa.Column("version", sa.Integer(), nullable=False),
        _instant("created_at"),
        _instant("updated_at"),
        _check("plantoes", "state", f"state IN ({PLANTAO_STATES})"),
        _check("plantoes", "specialists_range", "specialists BETWEEN 1 AND 99"),
        _check("plantoes", "window_order", "end_at > start_at"),
        _check("plantoes", "quoted_minutes_not_negative", "quoted_minutes >= 0"),
        _check("plantoes", "billed_minutes_not_negative", "billed_minutes >= 0"),
        _fk("plantoes", "person_id", "persons"),
        _fk("plantoes", "price_version_id", "price_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plantoes")),
        sa.UniqueConstraint("request_key", name=op.f("uq_plantoes_request_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_plantoes_state_start_at"), "plantoes", ["state", "start_at"])
    op.create_index(op.f("ix_plantoes_person_id_start_at"), "plantoes", ["person_id", "start_at"])
    op.create_index(op.f("ix_plantoes_start_at"), "plantoes", ["start_at"])
    op.create_table(
        "plantao_events",
        _id(),
        sa.Column("plantao_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(), nullable=True),
        sa.Column("to_state", sa.String(), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        _instant("at"),
        sa.Column("billed_minutes", sa.Integer(), nullable=True),
        _money("amount_due"),
        sa.Column("note", sa.Text(), nullable=True),
        _check("plantao_events", "to_state", f"to_state IN ({PLANTAO_STATES})"),
        _check("plantao_events", "actor_role", "actor_role IN ('customer', 'staff', 'system')"),
        _fk("plantao_events", "plantao_id", "plantoes"),
        _fk("plantao_events", "actor_person_id", "persons"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plantao_events")),
    )
    op.create_index(op.f("ix_plantao_events_plantao_id"), "plantao_events", ["plantao_id"])
    op.create_table(
        "service_records",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(), nullable=False),
        sa.Column("ticket", sa.String(), nullable=True),
        _instant("started_at"),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("specialists", sa.Integer(), nullable=False),
        sa.Column("inconsistency", sa.String(), nullable=True),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("bill_to", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("billed_minutes", sa.Integer(), nullable=False),
        sa.Column("hour_bank_minutes", sa.Integer(), nullable=False),
        _money("amount"),
        sa.Column("waived", sa.Boolean(), nullable=False),
        sa.Column("price_version_id", sa.Integer(), nullable=True),
        _instant("created_at"),
        _check("service_records", "modality", "modality IN ('telefonica', 'suporte', 'tecnica')"),
        _check("service_records", "inconsistency", "inconsistency IN ('none', 'published', 'new')"),
        _check("service_records", "requested_by", "requested_by IN ('customer', 'consultant')"),
        _check("service_records", "bill_to", "bill_to IN ('customer', 'consultant_unit')"),
        _check("service_records", "minutes_not_negative", "minutes >= 0"),
        _check("service_records", "specialists_positive", "specialists >= 1"),
        _check("service_records", "billed_minutes_not_negative", "billed_minutes >= 0"),
        _check("service_records", "hour_bank_minutes_not_negative", "hour_bank_minutes >= 0"),
        _fk("service_records", "person_id", "persons"),
        _fk("service_records", "price_version_id", "price_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
    )
    op.create_index(
        op.f("ix_service_records_person_id_started_at"),
        "service_records",
        ["person_id", "started_at"],
    )
    op.create_table(
        "hour_bank_movements",
        _id(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("service_record_id", sa.Integer(), nullable=True),
        _instant("created_at"),
        _check("hour_bank_movements", "minutes_not_zero", "minutes <> 0"),
        _fk("hour_bank_movements", "account_id", "hour_bank_accounts"),
        _fk("hour_bank_movements", "service_record_id", "service_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hour_bank_movements")),
    )
    op.create_index(
        op.f("ix_hour_bank_movements_account_id"), "hour_bank_movements", ["account_id"]
    )
    op.create_table(
        "notifications",
        _id(),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(), nullable=False),
        _instant("created_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _instant("next_attempt_at"),
        _instant("delivered_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _check("notifications", "attempts_not_negative", "attempts >= 0"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
    )
    op.create_index(
        "ix_notifications_pending",
        "notifications",
        ["next_attempt_at"],
        sqlite_where=sa.text("delivered_at IS NULL"),
        postgresql_where=sa.text("delivered_at IS NULL"),
    )

    dialect = op.get_context().dialect.name
    statements = append_only.function_ddl(dialect)
    for table in ("price_versions", "hour_bank_movements", "term_acceptances", "plantao_events"):
        statements += append_only.triggers_ddl(dialect, table)
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    # Dropping a table drops its indexes and triggers with it.
    for table in (
        "notifications",
        "hour_bank_movements",
        "service_records",
        "plantao_events",
        "plantoes",
        "term_acceptances",
        "term_versions",
        "hour_bank_accounts",
        "price_versions",
        "staff_members",
        "persons",
    ):
        op.drop_table(table)
    for statement in append_only.drop_function_ddl(op.get_context().dialect.name):
        op.execute(statement)
