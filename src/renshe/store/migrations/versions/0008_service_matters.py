"""service matters (办事事项): filings of the matters in services/matters.yaml

Revision ID: 0008_service_matters
Revises: 0007_attachments
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_service_matters"
down_revision = "0007_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_matters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("matter", sa.String(length=48), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("applicant_name", sa.String(length=128), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("channel", sa.String(length=24), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("green_channel", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("appointment_on", sa.Date(), nullable=True),
        sa.Column("appointment_slot", sa.String(length=16), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("originals_pending", sa.Boolean(), nullable=False),
        sa.Column("originals_received_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("deferral_reason", sa.Text(), nullable=True),
        sa.Column("handled_offline", sa.Boolean(), nullable=False),
        sa.Column("advance_paid", sa.Boolean(), nullable=False),
        sa.Column("flag_note", sa.Text(), nullable=True),
        sa.Column("audited_on", sa.Date(), nullable=True),
        sa.Column("audit_note", sa.Text(), nullable=True),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["handler_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_index("ix_service_matters_matter", "service_matters", ["matter"])
    op.create_index("ix_service_matters_applicant_id", "service_matters", ["applicant_id"])
    op.create_index("ix_service_matters_region", "service_matters", ["region"])
    op.create_index("ix_service_matters_status", "service_matters", ["status"])


def downgrade() -> None:
    for name in ("status", "region", "applicant_id", "matter"):
        op.drop_index(f"ix_service_matters_{name}", table_name="service_matters")
    op.drop_table("service_matters")
