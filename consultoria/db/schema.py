"""Schema migrations run from code: the installed package carries its Alembic scripts."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .engine import database_url, make_engine, normalize_url, session_factory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Alembic keeps the running migration in module globals (alembic.context, alembic.op), so one
# upgrade at a time per process; across processes the database serializes them (see env.py).
_UPGRADE_LOCK = threading.Lock()


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    # Config values go through ConfigParser interpolation: escape the %-encoding of a password.
    cfg.set_main_option("sqlalchemy.url", normalize_url(url or database_url()).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Create or migrate the database at `url` (default: `database_url()`) to the latest schema."""
    with _UPGRADE_LOCK:
        command.upgrade(alembic_config(url), "head")


def ensure_schema(engine: Engine) -> None:
    """Upgrade `engine`'s database unless it is already at head (a cheap check on each start)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
    with _UPGRADE_LOCK, engine.connect() as connection:
        # Reuse the engine's connection: same pragmas, and works for in-memory SQLite too.
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def open_database(url: str | None = None) -> sessionmaker[Session]:
    """What a process needs before its first unit of work: an engine, at head, and sessions."""
    engine = make_engine(url)
    ensure_schema(engine)
    return session_factory(engine)
