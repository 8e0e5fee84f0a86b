"""Messages the assistant did not understand, kept masked for review (SPEC §7, §11).

A new table: nothing existing changes. Rows are erased with the conversation and dropped after
the configured retention, so the table is not append-only. Revision 0006, after 0005.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from consultoria.db.types import JSONText, UTCDateTime

revision = "0006"
down_revision = "0005"

TABLE = "unanswered_messages"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("ranking", JSONText(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(op.f(f"ix_{TABLE}_conversation_id"), TABLE, ["conversation_id"])
    op.create_index(op.f(f"ix_{TABLE}_created_at"), TABLE, ["created_at"])


def downgrade() -> None:
    op.drop_table(TABLE)
