"""programmes: online training catalogue and project filing, park training needs, employment-service
ledgers, guaranteed-loan post-loan management, public-welfare posts, zero-employment households,
public-institution recruitment, titles and one-off performance pay (培训与就业服务项目、事业单位)

Revision ID: 0010_programmes
Revises: 0009_reports
Create Date: 2026-12-07 06:35:15.645931
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_programmes"
down_revision = "0009_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "career_experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("speciality", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("career_experts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_career_experts_region"), ["region"], unique=False)

    op.create_table(
        "employment_service_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("enterprise", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("option", sa.String(length=32), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("caseworker_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["caseworker_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"],
            ["career_experts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("employment_service_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employment_service_records_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_employment_service_records_region"), ["region"], unique=False)

    op.create_table(
        "guaranteed_loans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("borrower", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("bank", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_to", sa.Date(), nullable=True),
        sa.Column("repaid_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guaranteed_loans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guaranteed_loans_region"), ["region"], unique=False)

    op.create_table(
        "park_training_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("park", sa.String(length=100), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("enterprise", sa.String(length=200), nullable=False),
        sa.Column("occupation", sa.String(length=100), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("park_training_needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_park_training_needs_region"), ["region"], unique=False)

    op.create_table(
        "performance_pay_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("yearly_total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("regular_paid", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("one_off", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("performance_pay_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_performance_pay_grants_region"), ["region"], unique=False)

    op.create_table(
        "recruitment_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("green_channel", sa.Boolean(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("applicants", sa.Integer(), nullable=False),
        sa.Column("hired", sa.Integer(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=True),
        sa.Column("interview_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recruitment_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recruitment_rounds_region"), ["region"], unique=False)

    op.create_table(
        "title_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("title_sought", sa.String(length=100), nullable=False),
        sa.Column("frontline_medical", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("title_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_title_applications_region"), ["region"], unique=False)

    op.create_table(
        "training_platforms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("batch", sa.String(length=64), nullable=False),
        sa.Column("free", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recognised_hours", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_platforms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_platforms_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_platforms_status"), ["status"], unique=False)

    op.create_table(
        "welfare_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("post_type", sa.String(length=32), nullable=False),
        sa.Column("full_time", sa.Boolean(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("welfare_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welfare_posts_region"), ["region"], unique=False)

    op.create_table(
        "zero_employment_households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("head_name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=False),
        sa.Column("employed_name", sa.String(length=64), nullable=True),
        sa.Column("employed_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("zero_employment_households", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zero_employment_households_region"), ["region"], unique=False)

    op.create_table(
        "loan_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["guaranteed_loans.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("loan_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_visits_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "recruitment_announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["recruitment_rounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recruitment_announcements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recruitment_announcements_round_id"), ["round_id"], unique=False)

    op.create_table(
        "training_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("occupation", sa.String(length=100), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("free", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["training_platforms.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_courses_occupation"), ["occupation"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_courses_platform_id"), ["platform_id"], unique=False)

    op.create_table(
        "training_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=24), nullable=False),
        sa.Column("trainee_group", sa.String(length=24), nullable=False),
        sa.Column("occupation", sa.String(length=100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["training_platforms.id"],
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_projects_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_projects_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_projects_status"), ["status"], unique=False)

    op.create_table(
        "welfare_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("group", sa.String(length=24), nullable=False),
        sa.Column("employed", sa.Boolean(), nullable=False),
        sa.Column("market_failed", sa.Boolean(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("placed_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["welfare_posts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("welfare_candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welfare_candidates_region"), ["region"], unique=False)

    op.create_table(
        "training_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["training_projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_enrolments_id_number"), ["id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_enrolments_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("training_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_enrolments_project_id"))
        batch_op.drop_index(batch_op.f("ix_training_enrolments_id_number"))

    op.drop_table("training_enrolments")
    with op.batch_alter_table("welfare_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_candidates_region"))

    op.drop_table("welfare_candidates")
    with op.batch_alter_table("training_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_projects_status"))
        batch_op.drop_index(batch_op.f("ix_training_projects_region"))
        batch_op.drop_index(batch_op.f("ix_training_projects_provider_id"))

    op.drop_table("training_projects")
    with op.batch_alter_table("training_courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_courses_platform_id"))
        batch_op.drop_index(batch_op.f("ix_training_courses_occupation"))

    op.drop_table("training_courses")
    with op.batch_alter_table("recruitment_announcements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recruitment_announcements_round_id"))

    op.drop_table("recruitment_announcements")
    with op.batch_alter_table("loan_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_visits_loan_id"))

    op.drop_table("loan_visits")
    with op.batch_alter_table("zero_employment_households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zero_employment_households_region"))

    op.drop_table("zero_employment_households")
    with op.batch_alter_table("welfare_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_posts_region"))

    op.drop_table("welfare_posts")
    with op.batch_alter_table("training_platforms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_platforms_status"))
        batch_op.drop_index(batch_op.f("ix_training_platforms_region"))

    op.drop_table("training_platforms")
    with op.batch_alter_table("title_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_title_applications_region"))

    op.drop_table("title_applications")
    with op.batch_alter_table("recruitment_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recruitment_rounds_region"))

    op.drop_table("recruitment_rounds")
    with op.batch_alter_table("performance_pay_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_performance_pay_grants_region"))

    op.drop_table("performance_pay_grants")
    with op.batch_alter_table("park_training_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_park_training_needs_region"))

    op.drop_table("park_training_needs")
    with op.batch_alter_table("guaranteed_loans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guaranteed_loans_region"))

    op.drop_table("guaranteed_loans")
    with op.batch_alter_table("employment_service_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employment_service_records_region"))
        batch_op.drop_index(batch_op.f("ix_employment_service_records_kind"))

    op.drop_table("employment_service_records")
    with op.batch_alter_table("career_experts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_career_experts_region"))

    op.drop_table("career_experts")
