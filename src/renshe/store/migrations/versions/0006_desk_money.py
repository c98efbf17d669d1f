"""desk: the bureau's unit registration (单位参保登记) for 数据比对 and the bank's payee
fields; notice batches closed (公示结束); disbursement items with the bank's return
(成功/失败) — an item that failed may be paid again in a later batch, so the one-item-
per-application constraint goes.

Revision ID: 0006_desk_money
Revises: 0004_audit_truncate
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_desk_money"
down_revision = "0005_local_standards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registered_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("unit_type", sa.String(length=32), nullable=True),
        sa.Column("industry", sa.String(length=8), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("insured", sa.JSON(), nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("account_name", sa.String(length=128), nullable=True),
        sa.Column("bank_name", sa.String(length=128), nullable=True),
        sa.Column("bank_account", sa.String(length=34), nullable=True),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uscc", name="uq_registered_units_uscc"),
    )
    with op.batch_alter_table("notice_batches") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite cannot drop an unnamed constraint: the table is rebuilt without it
        op.execute(
            "CREATE TABLE disbursement_items_new (id INTEGER NOT NULL PRIMARY KEY, "
            "disbursement_id INTEGER NOT NULL REFERENCES disbursements (id), "
            "application_id INTEGER NOT NULL REFERENCES applications (id), "
            "amount NUMERIC(14, 2) NOT NULL, result VARCHAR(8), failure_reason TEXT)"
        )
        op.execute(
            "INSERT INTO disbursement_items_new (id, disbursement_id, application_id, amount) "
            "SELECT id, disbursement_id, application_id, amount FROM disbursement_items"
        )
        op.execute("DROP TABLE disbursement_items")
        op.execute("ALTER TABLE disbursement_items_new RENAME TO disbursement_items")
        op.create_index("ix_disbursement_items_disbursement_id", "disbursement_items", ["disbursement_id"])
    else:
        op.execute("ALTER TABLE disbursement_items DROP CONSTRAINT IF EXISTS disbursement_items_application_id_key")
        op.add_column("disbursement_items", sa.Column("result", sa.String(length=8), nullable=True))
        op.add_column("disbursement_items", sa.Column("failure_reason", sa.Text(), nullable=True))
    op.create_index("ix_disbursement_items_application_id", "disbursement_items", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_disbursement_items_application_id", "disbursement_items")
    with op.batch_alter_table("disbursement_items") as batch:
        batch.drop_column("failure_reason")
        batch.drop_column("result")
    with op.batch_alter_table("notice_batches") as batch:
        batch.drop_column("closed_by")
        batch.drop_column("closed_on")
    op.drop_table("registered_units")
