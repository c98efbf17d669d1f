"""audit: PostgreSQL refuses TRUNCATE of the audit log (审计日志不可清空)

Row triggers (0001) refuse UPDATE and DELETE; TRUNCATE fires no row trigger, so a
statement trigger refuses it too. SQLite has no TRUNCATE (``DELETE FROM`` is refused
by 0001's trigger). The grant layout for a service role that does not own the table is
in docs/audit.md.

Revision ID: 0004_audit_truncate
Revises: 0003_accounts
"""

from __future__ import annotations

from alembic import op

revision = "0004_audit_truncate"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None

NO_TRUNCATE = [
    "CREATE OR REPLACE FUNCTION audit_events_no_truncate() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only: TRUNCATE refused'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate()",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in NO_TRUNCATE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_no_truncate()")
