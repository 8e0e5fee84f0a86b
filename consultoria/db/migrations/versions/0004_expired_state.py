"""Plantões gain the state `expired`: a request nobody confirmed by its start (SPEC §4).

Only the CHECK constraints on `plantoes.state` and `plantao_events.to_state` change; every row
is kept. SQLite alters a table by copying it, as revision 0003 explains: the events wait in a
plain table while `plantoes` is copied (keeping its AUTOINCREMENT), then `plantao_events` is
recreated from its own stored definition with the new state list, and gets its append-only
triggers back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from consultoria.db import append_only

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES_0003 = "'requested', 'confirmed', 'in_progress', 'completed', 'ended_early', 'cancelled'"
STATES_0004 = f"{STATES_0003}, 'expired'"
EVENTS = "plantao_events"


def _set_states(old: str, new: str) -> None:
    """Allow the plantão states `new` (a SQL list) where `old` was allowed."""
    if op.get_context().dialect.name != "sqlite":
        _check_states_in_plantoes(new)
        op.drop_constraint(op.f(f"ck_{EVENTS}_to_state"), EVENTS, type_="check")
        op.create_check_constraint(op.f(f"ck_{EVENTS}_to_state"), EVENTS, f"to_state IN ({new})")
        return
    bind = op.get_bind()
    definition = bind.scalar(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": EVENTS},
    )
    old_check = f"to_state IN ({old})"
    if definition is None or old_check not in definition:
        raise RuntimeError(f"{EVENTS} is not as revision {down_revision} left it")
    op.execute(f"CREATE TABLE _plantao_events_kept AS SELECT * FROM {EVENTS}")
    op.drop_table(EVENTS)
    _check_states_in_plantoes(new)
    op.execute(definition.replace(old_check, f"to_state IN ({new})"))
    op.create_index(op.f(f"ix_{EVENTS}_plantao_id"), EVENTS, ["plantao_id"])
    op.execute(f"INSERT INTO {EVENTS} SELECT * FROM _plantao_events_kept")
    op.drop_table("_plantao_events_kept")
    for statement in append_only.triggers_ddl("sqlite", EVENTS):
        op.execute(statement)


def _check_states_in_plantoes(states: str) -> None:
    with op.batch_alter_table("plantoes", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(op.f("ck_plantoes_state"), type_="check")
        batch.create_check_constraint(op.f("ck_plantoes_state"), f"state IN ({states})")


def upgrade() -> None:
    _set_states(STATES_0003, STATES_0004)


def downgrade() -> None:
    expired = op.get_bind().scalar(
        sa.text(f"SELECT count(*) FROM {EVENTS} WHERE to_state = 'expired'")
    )
    if expired:
        # Events are append-only: an expiry cannot be rewritten as another state.
        raise RuntimeError("expired plantões exist: revision 0003 cannot hold them")
    _set_states(STATES_0004, STATES_0003)
