"""local standards: values a bureau sets for parameters the seeds leave to local rules (地方标准)

Proposed by one administrator, in force once a second approves (maker–checker).

Revision ID: 0005_local_standards
Revises: 0004_audit_truncate
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_local_standards"
down_revision = "0004_audit_truncate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "local_standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parameter", sa.String(length=128), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("doc_no", sa.String(length=128), nullable=False),
        sa.Column("doc_title", sa.String(length=200), nullable=True),
        sa.Column("article", sa.String(length=64), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("jurisdiction", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["proposed_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_local_standards_parameter", "local_standards", ["parameter"])
    op.create_index("ix_local_standards_status", "local_standards", ["status"])


def downgrade() -> None:
    op.drop_index("ix_local_standards_status", table_name="local_standards")
    op.drop_index("ix_local_standards_parameter", table_name="local_standards")
    op.drop_table("local_standards")
