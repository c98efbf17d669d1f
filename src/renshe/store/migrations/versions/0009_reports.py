"""reports: daily reports (每日报告), announcements (公告专区), HR service agencies' filings,
annual reports and enforcement cases (人力资源服务机构), the shortage occupation catalogue

Revision ID: 0009_reports
Revises: 0008_service_matters
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_reports"
down_revision = "0008_service_matters"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _user(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "daily_reports",
        _id(),
        sa.Column("kind", sa.String(32), nullable=False),
        _user("filer_id"),
        sa.Column("district", sa.String(6), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("accepted_count", sa.Integer(), nullable=False),
        sa.Column("flagged_count", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.JSON(), nullable=False),
    )
    for col in ("kind", "filer_id", "district", "report_date"):
        op.create_index(f"ix_daily_reports_{col}", "daily_reports", [col])
    op.create_table(
        "daily_report_rows",
        _id(),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("daily_reports.id"), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_daily_report_rows_report_id", "daily_report_rows", ["report_id"])
    op.create_table(
        "announcements",
        _id(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        _user("published_by"),
        sa.Column("published_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_announcements_kind", "announcements", ["kind"])
    op.create_index("ix_announcements_region", "announcements", ["region"])
    op.create_table(
        "agency_filings",
        _id(),
        _user("agency_id"),
        sa.Column("district", sa.String(6), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("verification", sa.String(16), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        _user("reviewed_by", nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    for col in ("agency_id", "district", "status"):
        op.create_index(f"ix_agency_filings_{col}", "agency_filings", [col])
    op.create_table(
        "agency_annual_reports",
        _id(),
        _user("agency_id"),
        sa.Column("district", sa.String(6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("good_practice", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        _user("published_by", nullable=True),
        sa.Column("commended", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_agency_annual_reports_agency_id", "agency_annual_reports", ["agency_id"])
    op.create_index("ix_agency_annual_reports_district", "agency_annual_reports", ["district"])
    op.create_table(
        "enforcement_cases",
        _id(),
        _user("agency_id"),
        sa.Column("district", sa.String(6), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("complaint", sa.Text(), nullable=False),
        sa.Column("complainant", sa.String(64), nullable=False),
        _user("opened_by"),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        _user("closed_by", nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    for col in ("agency_id", "district", "outcome"):
        op.create_index(f"ix_enforcement_cases_{col}", "enforcement_cases", [col])
    op.create_table(
        "occupation_catalogues",
        _id(),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("edition", sa.String(64), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        _user("published_by"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_occupation_catalogues_region", "occupation_catalogues", ["region"])
    op.create_table(
        "occupation_entries",
        _id(),
        sa.Column("catalogue_id", sa.Integer(), sa.ForeignKey("occupation_catalogues.id"), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("occupation", sa.String(120), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_occupation_entries_catalogue_id", "occupation_entries", ["catalogue_id"])


def downgrade() -> None:
    for table in (
        "occupation_entries",
        "occupation_catalogues",
        "enforcement_cases",
        "agency_annual_reports",
        "agency_filings",
        "announcements",
        "daily_report_rows",
        "daily_reports",
    ):
        op.drop_table(table)
