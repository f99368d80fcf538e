"""RELIABILITY 49: database and backup paths holding `#`, `?`, `%`, `&`, spaces, newlines,
bytes that are not UTF-8, 255-byte names, a folder where a file is expected and the reverse:
exactly that file is opened or written, nothing else appears beside it, and a backup holds the
same records as its source; or one clear line."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest

from app.domain.contact import Contact, Phone
from app.domain.errors import StorageError
from app.services.contacts import ContactService
from app.services.maintenance import MaintenanceService, shown
from db.migrate import open_database
from tests.reliability.files import cli, listing, one_line, rows, sha256

# Each is a character a URL or URI gives a meaning to, or a name a naive join gets wrong.
HOSTILE = {
    "hash": "we#ird",
    "question": "a?b",
    "percent": "100%",
    "escape": "%41",  # would name "A" if decoded
    "query": "a&b=c",
    "space": "with space",
    "newline": "new\nline",
    "not-utf8": os.fsdecode(b"bad\xff\xfe"),
    "unicode": "Zoë 名前",
}


def _fill(db, n: int = 7) -> None:
    ContactService(db).bulk_create(
        [Contact(given=f"Hostile{i}", family="Path", phones=[Phone(f"+1 555 {i:07d}")])
         for i in range(n)])


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_database_and_its_backup_under_a_hostile_name_are_exactly_those_files(kind,
                                                                                tmp_path):
    name = HOSTILE[kind]
    path = tmp_path / name / f"{name}.db"
    db = open_database(path)
    try:
        _fill(db)
        dest = MaintenanceService(db).backup(tmp_path / f"saved {name}" / f"{name}.db")
    finally:
        db.close()
    assert dest == tmp_path / f"saved {name}" / f"{name}.db"
    # Nothing beside them: no stray "we" file, no "a" from "a?b", no "A" from "%41".
    assert listing(tmp_path) == sorted([name, f"{name}/{name}.db", f"saved {name}",
                                        f"saved {name}/{name}.db"])
    assert rows(path, "contacts") == rows(dest, "contacts") == 7
    assert rows(dest, "contact_phones") == 7

    other = open_database(tmp_path / "other.db")
    try:
        MaintenanceService(other).restore(dest)
    finally:
        other.close()
    assert rows(tmp_path / "other.db", "contacts") == 7


def test_names_given_on_the_command_line_open_that_file_and_no_other(tmp_path):
    for name in ("a?b.db", "%41.db", "x#y&z=1.db"):
        made = cli("--db", name, "demo", "--contacts", "2", cwd=tmp_path)
        assert made.returncode == 0, made.stderr
    # Not "a", "A.db" or "x": each name is one file, and nothing else appeared.
    assert listing(tmp_path) == ["%41.db", "a?b.db", "x#y&z=1.db"]
    for name in listing(tmp_path):
        assert rows(tmp_path / name, "contacts") == 2


def test_a_backup_named_with_bytes_that_are_not_utf8_is_that_file_and_prints(db, tmp_path):
    # The command line refuses such an argument (its own choice); the GUI's file dialog and
    # scripts using the services can still pass one.
    _fill(db)
    dest = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9 #1.db"))  # Latin-1, old FAT
    saved = MaintenanceService(db).backup(dest)
    left = set(os.listdir(os.fsencode(tmp_path))) - {b"rolodeck.db", b"rolodeck.db-wal",
                                                      b"rolodeck.db-shm"}
    assert left == {b"caf\xe9 #1.db"}
    assert rows(saved, "contacts") == 7
    # How messages show it: printable in any terminal, and saying which byte it was.
    assert shown(saved).endswith("caf\\xe9 #1.db")
    shown(saved).encode("utf-8")


def test_a_255_byte_backup_name_works_and_a_255_byte_database_name_is_one_clear_line(
        db, tmp_path):
    long_name = "b" * 252 + ".db"
    assert len(long_name.encode()) == 255
    folder = tmp_path / "out"
    dest = MaintenanceService(db).backup(folder / long_name)
    assert os.listdir(folder) == [long_name]  # the temporary name fitted as well
    assert rows(dest, "alembic_version") == 1

    new = tmp_path / "new" / long_name
    with pytest.raises(StorageError, match="too long") as refused:
        open_database(new)
    assert "\n" not in str(refused.value)
    assert not new.parent.exists()  # nothing was created, not even the folder

    other = open_database(tmp_path / "restored.db")
    try:
        MaintenanceService(other).restore(dest)  # a 255-byte backup restores
    finally:
        other.close()


def test_a_folder_given_as_the_database_or_the_backup_to_restore_is_named_a_folder(db_path,
                                                                                   tmp_path):
    folder = tmp_path / "a folder.db"
    folder.mkdir()
    opened = cli("--db", folder, "stats")
    assert opened.returncode == 1
    assert one_line(opened) == f"rolodeck: {folder} is a folder, not a database file."
    restored = cli("--db", db_path, "restore", folder)
    assert restored.returncode == 1
    assert one_line(restored) == f"rolodeck: {folder} is a folder, not a database file."
    assert os.listdir(folder) == []


def test_a_file_where_a_folder_is_expected_is_one_clear_line(db_path, tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    for args in (("--db", blocker / "rolodeck.db", "stats"),
                 ("--db", db_path, "backup", blocker / "b.db")):
        result = cli(*args)
        assert result.returncode == 1
        assert "is a file, not a folder" in one_line(result)
    assert blocker.read_text() == "not a folder"


@pytest.fixture
def short_tmp():
    """A short folder (a socket's path is limited to about 100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="rdk-"))
    yield folder
    for name in os.listdir(folder):
        os.unlink(folder / name)
    folder.rmdir()


def test_devices_pipes_and_sockets_are_refused_untouched(short_tmp):
    fifo = short_tmp / "pipe.db"
    os.mkfifo(fifo)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(short_tmp / "sock.db"))
    try:
        for path, kind in ((Path("/dev/null"), "a character device"), (fifo, "a named pipe"),
                           (short_tmp / "sock.db", "a socket")):
            for command in (("stats",), ("demo", "--contacts", "3")):
                result = cli("--db", path, *command, timeout=60)  # a pipe must not block
                assert result.returncode == 1
                assert f"{path} is {kind}, not a database file" in one_line(result)
        assert sorted(os.listdir(short_tmp)) == ["pipe.db", "sock.db"]
        assert not any(os.path.lexists(f"/dev/null{s}") for s in ("-journal", "-wal", "-shm"))
    finally:
        sock.close()


def test_a_backup_onto_a_device_is_refused_even_with_force(db):
    with pytest.raises(StorageError, match="character device"):
        MaintenanceService(db).backup(Path("/dev/null"), force=True)


def test_a_link_to_nothing_is_named_as_such(tmp_path):
    link = tmp_path / "rolodeck.db"
    link.symlink_to(tmp_path / "gone" / "rolodeck.db")
    result = cli("--db", link, "stats")
    assert result.returncode == 1
    assert "is a link to" in one_line(result) and "does not exist" in one_line(result)
    assert listing(tmp_path) == ["rolodeck.db"]


def test_a_hostile_name_database_refused_keeps_its_bytes(tmp_path):
    # The refusal path builds URIs too: a foreign file under a hostile name stays as it was.
    path = tmp_path / "q?x#y%41.db"
    path.write_bytes(b"not a database, just text\n" * 10)
    before = sha256(path)
    result = cli("--db", path, "stats")
    assert result.returncode == 1
    assert "not a Rolodeck database" in one_line(result)
    assert sha256(path) == before and listing(tmp_path) == ["q?x#y%41.db"]
