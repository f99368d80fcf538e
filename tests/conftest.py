"""Shared fixtures. Qt runs offscreen; every test gets a real SQLite file, copied from one
template migrated once per session (a fresh database in milliseconds, never in memory)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from db.engine import Database  # noqa: E402
from db.migrate import open_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_database(path).close()
    return path


@pytest.fixture
def db_path(template_db, tmp_path) -> Path:
    path = tmp_path / "rolodeck.db"
    shutil.copyfile(template_db, path)
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def db(db_path) -> Database:
    database = open_database(db_path)
    yield database
    database.close()
