"""DDL for triggers that make audit tables append-only: UPDATE and DELETE abort.

Migrations run these statements (`op.execute`, so `alembic upgrade --sql` prints them too).
Dropping a table drops its triggers: a SQLite batch migration that recreates one of these
tables must create its triggers again.
"""

from __future__ import annotations

APPEND_ONLY_TABLES = (
    "price_versions",
    "term_acceptances",
    "plantao_events",
    "term_texts",
    "hour_bank_entries",
    "appointment_events",
    "ticket_outcomes",
)

_PG_FUNCTION = "reject_append_only_change"


def function_ddl(dialect: str) -> list[str]:
    """The PostgreSQL function the triggers call (SQLite raises inline)."""
    if dialect != "postgresql":
        return []
    # SQLSTATE 23000 (integrity_constraint_violation): both databases then raise IntegrityError.
    return [
        f"CREATE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only', "
        "ERRCODE = 'integrity_constraint_violation'; END $$"
    ]


def drop_function_ddl(dialect: str) -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()"] if dialect == "postgresql" else []


def triggers_ddl(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
            # TRUNCATE skips row triggers, so it gets a statement trigger of its own.
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for operation in ("UPDATE", "DELETE")
    ]
