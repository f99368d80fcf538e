"""The schema: models and migrations agree, and every connection is set up the same way."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from db import migrate
from db.migrate import open_database

ROOT = Path(__file__).resolve().parents[2]


def test_models_have_not_drifted_from_the_migrations(db):
    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises if autogenerate would write a new migration


def test_every_connection_has_wal_foreign_keys_full_sync_and_a_busy_timeout(db):
    with db.read() as s:
        got = {p: s.execute(text(f"PRAGMA {p}")).scalar() for p in
               ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")}
    assert got == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2,
                   "busy_timeout": 5000}


def test_a_new_database_is_built_by_upgrading_to_head(tmp_path):
    db = open_database(tmp_path / "new.db")
    try:
        with db.read() as s:
            rev = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
            tables = set(s.execute(text("SELECT name FROM sqlite_master")).scalars())
        assert rev == migrate.head()
        assert {"contacts", "accounts", "history", "activities", "quotes",
                "search_people", "search_phones", "search_history"} <= tables
        # A brand-new file needs no safety copy: there was nothing to lose.
        assert not (tmp_path / "backups").exists()
    finally:
        db.close()


def test_savepoints_roll_back_one_record_and_keep_the_rest(db):
    """Imports rely on this: one bad record rolls back alone (needs our BEGIN hook)."""
    with db.transaction("test") as s:
        s.execute(text("INSERT INTO tags(name, key) VALUES ('a', 'a')"))
        try:
            with s.begin_nested():
                s.execute(text("INSERT INTO tags(name, key) VALUES ('b', 'b')"))
                s.execute(text("INSERT INTO tags(name, key) VALUES ('dup', 'a')"))
        except Exception:
            pass
    with db.read() as s:
        assert list(s.execute(text("SELECT key FROM tags ORDER BY key")).scalars()) == ["a"]


def test_the_revisions_read_from_the_files_agree_with_alembic():
    """The command line reads the schema history without importing Alembic (a third of its
    start-up); what it reads must be what Alembic would say."""
    from db import migrate

    revisions, head = migrate._own()
    script = migrate._script()
    assert head == script.get_current_head()
    assert revisions == {r.revision for r in script.walk_revisions()}


def test_a_search_from_the_command_line_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    from db.migrate import open_database

    path = tmp_path / "r.db"
    open_database(path).close()
    probe = ("import sys, main; main.main(['--db', sys.argv[1], 'search', 'ada']); "
             "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stdout + out.stderr
