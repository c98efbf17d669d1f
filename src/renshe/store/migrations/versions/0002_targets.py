"""targets, progress and monitoring runs (目标任务、进度与监测预警)

Revision ID: 0002_targets
Revises: 0001_service_desk
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_targets"
down_revision = "0001_service_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "target_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("doc_no", sa.String(length=96), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=True),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("total", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_target_sets_region", "target_sets", ["region"])
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["target_sets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("set_id", "unit", "kind", name="uq_target_unit_kind"),
    )
    op.create_index("ix_targets_set_id", "targets", ["set_id"])
    op.create_table(
        "target_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["target_sets.id"]),
        sa.ForeignKeyConstraint(["entered_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("set_id", "unit", "kind", "month", name="uq_progress_unit_kind_month"),
    )
    op.create_index("ix_target_progress_set_id", "target_progress", ["set_id"])
    op.create_table(
        "monitor_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.String(length=7), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("monitor_runs")
    op.drop_index("ix_target_progress_set_id", table_name="target_progress")
    op.drop_table("target_progress")
    op.drop_index("ix_targets_set_id", table_name="targets")
    op.drop_table("targets")
    op.drop_index("ix_target_sets_region", table_name="target_sets")
    op.drop_table("target_sets")
