"""labour-market services: dispatch real-name reports, urgent job board, "311" follow-up,
point-to-point transport, dispute intake

Revision ID: 0002_labour
Revises: 0001_service_desk
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_labour"
down_revision = "0001_service_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "difficulty_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("caseworker_id", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("employed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["caseworker_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("difficulty_persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_difficulty_persons_caseworker_id"), ["caseworker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_difficulty_persons_region"), ["region"], unique=False)

    op.create_table(
        "dispatch_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=6), nullable=False),
        sa.Column("cycle_date", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("accepted_count", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dispatch_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispatch_reports_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dispatch_reports_cycle_date"), ["cycle_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_dispatch_reports_district"), ["district"], unique=False)

    op.create_table(
        "dispute_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=True),
        sa.Column("employer_name", sa.String(length=200), nullable=False),
        sa.Column("employer_uscc", sa.String(length=18), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("infringement_known_on", sa.Date(), nullable=False),
        sa.Column("obstacle_start", sa.Date(), nullable=True),
        sa.Column("obstacle_end", sa.Date(), nullable=True),
        sa.Column("limitation_deadline", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("hearing_extended", sa.Boolean(), nullable=False),
        sa.Column("epidemic_delay_days", sa.Integer(), nullable=False),
        sa.Column("award_deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("dispute_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_cases_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dispute_cases_region"), ["region"], unique=False)

    op.create_table(
        "job_postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("review_due", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("job_postings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_postings_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_postings_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_postings_status"), ["status"], unique=False)

    op.create_table(
        "job_seekers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id"),
    )
    op.create_table(
        "transport_vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("origin", sa.String(length=6), nullable=False),
        sa.Column("destination", sa.String(length=120), nullable=False),
        sa.Column("travel_date", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("transport_vehicles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transport_vehicles_travel_date"), ["travel_date"], unique=False)

    op.create_table(
        "dispatch_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("worker_name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("employer_name", sa.String(length=200), nullable=False),
        sa.Column("employer_uscc", sa.String(length=18), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["dispatch_reports.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dispatch_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispatch_rows_report_id"), ["report_id"], unique=False)

    op.create_table(
        "followup_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["difficulty_persons.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("followup_services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_services_person_id"), ["person_id"], unique=False)

    op.create_table(
        "job_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["job_postings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("posting_id", "person_id", name="uq_job_application"),
    )
    with op.batch_alter_table("job_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_applications_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_applications_posting_id"), ["posting_id"], unique=False)

    op.create_table(
        "transport_trips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=6), nullable=False),
        sa.Column("destination", sa.String(length=120), nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("travel_date", sa.Date(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["transport_vehicles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transport_trips", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transport_trips_origin"), ["origin"], unique=False)
        batch_op.create_index(batch_op.f("ix_transport_trips_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transport_trips_travel_date"), ["travel_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_transport_trips_vehicle_id"), ["vehicle_id"], unique=False)


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("transport_trips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transport_trips_vehicle_id"))
        batch_op.drop_index(batch_op.f("ix_transport_trips_travel_date"))
        batch_op.drop_index(batch_op.f("ix_transport_trips_person_id"))
        batch_op.drop_index(batch_op.f("ix_transport_trips_origin"))

    op.drop_table("transport_trips")
    with op.batch_alter_table("job_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_applications_posting_id"))
        batch_op.drop_index(batch_op.f("ix_job_applications_person_id"))

    op.drop_table("job_applications")
    with op.batch_alter_table("followup_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_services_person_id"))

    op.drop_table("followup_services")
    with op.batch_alter_table("dispatch_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatch_rows_report_id"))

    op.drop_table("dispatch_rows")
    with op.batch_alter_table("transport_vehicles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transport_vehicles_travel_date"))

    op.drop_table("transport_vehicles")
    op.drop_table("job_seekers")
    with op.batch_alter_table("job_postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_postings_status"))
        batch_op.drop_index(batch_op.f("ix_job_postings_region"))
        batch_op.drop_index(batch_op.f("ix_job_postings_enterprise_id"))

    op.drop_table("job_postings")
    with op.batch_alter_table("dispute_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_cases_region"))
        batch_op.drop_index(batch_op.f("ix_dispute_cases_person_id"))

    op.drop_table("dispute_cases")
    with op.batch_alter_table("dispatch_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatch_reports_district"))
        batch_op.drop_index(batch_op.f("ix_dispatch_reports_cycle_date"))
        batch_op.drop_index(batch_op.f("ix_dispatch_reports_agency_id"))

    op.drop_table("dispatch_reports")
    with op.batch_alter_table("difficulty_persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_difficulty_persons_region"))
        batch_op.drop_index(batch_op.f("ix_difficulty_persons_caseworker_id"))

    op.drop_table("difficulty_persons")
