"""Alembic environment for renshe's store."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import renshe.store.models
import renshe.store.models_labour
import renshe.store.models_matters  # service matters
import renshe.store.models_programmes  # training and employment programmes
import renshe.store.models_reports  # daily reports, announcements, agencies, catalogue
import renshe.store.models_targets  # noqa: F401  (targets, progress, monitoring)
from renshe.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
