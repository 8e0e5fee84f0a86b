"""Plantões record who pays them (bill-to); acceptances say which plantão they booked; the texts
of every Term version, as shown, are kept for audits (SPEC §4, §5, §10).

Every row is kept. An existing plantão is billed to its person's unit when that person is a
consultant with a unit today (the best record there is of who booked it), otherwise to the
customer. `term_texts` starts with each stored version's full text and the summary people
answered, in the wording the assistant used up to this revision, so earlier acceptances can be
audited too. Columns are added in place on both databases: the append-only tables keep their
triggers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from consultoria.db import append_only

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = "term_texts"
ACCEPTANCES = "term_acceptances"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def summary_prompt(title: str, version: int, full_text: str) -> str | None:
    """The summary message people answered for a version, as the assistant worded it up to this
    revision; None when the full text is not laid out as "title, Resumo, Cláusulas"."""
    head = f"{title}\n\nResumo\n"
    if not full_text.startswith(head) or "\n\nCláusulas\n" not in full_text:
        return None
    summary = full_text[len(head) :].split("\n\nCláusulas\n", 1)[0]
    return (
        f"{title} (versão {version})\n\n{summary}\n\n"
        "Você aceita este Termo? Se quiser, leia antes o Termo completo."
    )


def _add_columns() -> None:
    op.execute(
        "ALTER TABLE plantoes ADD COLUMN bill_to VARCHAR NOT NULL DEFAULT 'customer' "
        "CONSTRAINT ck_plantoes_bill_to CHECK (bill_to IN ('customer', 'consultant_unit'))"
    )
    op.execute("ALTER TABLE plantoes ADD COLUMN bill_to_unit VARCHAR")
    op.execute(
        f"ALTER TABLE {ACCEPTANCES} ADD COLUMN plantao_id INTEGER "
        f"CONSTRAINT fk_{ACCEPTANCES}_plantao_id_plantoes REFERENCES plantoes (id)"
    )
    op.execute(
        "UPDATE plantoes SET bill_to = 'consultant_unit', bill_to_unit = "
        "(SELECT unit FROM persons WHERE persons.id = plantoes.person_id) "
        "WHERE person_id IN "
        "(SELECT id FROM persons WHERE role = 'consultant' AND unit IS NOT NULL)"
    )


def _create_term_texts() -> None:
    op.create_table(
        TEXTS,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("term_version_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["term_version_id"],
            ["term_versions.id"],
            name=op.f(f"fk_{TEXTS}_term_version_id_term_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TEXTS}")),
        sa.UniqueConstraint("sha256", name=op.f(f"uq_{TEXTS}_sha256")),
    )
    op.create_index(op.f(f"ix_{TEXTS}_term_version_id"), TEXTS, ["term_version_id"])
    for statement in append_only.triggers_ddl(op.get_context().dialect.name, TEXTS):
        op.execute(statement)


def _keep_shown_texts() -> None:
    bind = op.get_bind()
    versions = bind.execute(
        sa.text("SELECT id, version, title, text FROM term_versions ORDER BY id")
    ).all()
    # Naive UTC on SQLite, as the models store it; PostgreSQL takes the aware value.
    now = datetime.now(timezone.utc)
    created = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now
    seen: set[str] = set()
    for version_id, number, title, full_text in versions:
        for shown in (full_text, summary_prompt(title, number, full_text)):
            if shown is None or _sha256(shown) in seen:
                continue
            seen.add(_sha256(shown))
            bind.execute(
                sa.text(
                    f"INSERT INTO {TEXTS} (term_version_id, sha256, text, created_at) "
                    "VALUES (:version_id, :sha, :text, :created)"
                ),
                {"version_id": version_id, "sha": _sha256(shown), "text": shown, "created": created},
            )


def upgrade() -> None:
    _add_columns()
    _create_term_texts()
    _keep_shown_texts()


def downgrade() -> None:
    op.drop_table(TEXTS)
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        # SQLite cannot drop a column a foreign key names: the table is copied without it.
        with op.batch_alter_table(ACCEPTANCES) as batch:
            batch.drop_column("plantao_id")
        for statement in append_only.triggers_ddl(dialect, ACCEPTANCES):
            op.execute(statement)
    else:
        op.drop_column(ACCEPTANCES, "plantao_id")
    op.execute("ALTER TABLE plantoes DROP COLUMN bill_to_unit")
    op.execute("ALTER TABLE plantoes DROP COLUMN bill_to")
