"""attachments: the files of an application (申请材料), stored by their SHA-256

Revision ID: 0007_attachments
Revises: 0004_audit_truncate
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_attachments"
down_revision = "0006_desk_money"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "application_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_application_attachments_application_id", "application_attachments", ["application_id"])
    op.create_index("ix_application_attachments_sha256", "application_attachments", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_application_attachments_sha256", table_name="application_attachments")
    op.drop_index("ix_application_attachments_application_id", table_name="application_attachments")
    op.drop_table("application_attachments")
