"""TextDesk data model: SQLAlchemy 2 typed ORM, engine setup and Alembic migrations."""
