"""Store (存储): SQLAlchemy models and Alembic migrations. Used by services only."""
