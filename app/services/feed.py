"""What changed in the database since a point: how an open window learns of changes made
outside it (the command line, a sync, another Rolodeck on the same file)."""

from __future__ import annotations

from app.domain.changes import ChangeSet
from db.database import Database
from db.journal import feed

Head = feed.Head


class ChangeFeed:
    def __init__(self, db: Database):
        self._db = db

    def head(self) -> Head:
        with self._db.read() as s:
            return feed.head(s.connection())

    def since(self, seen: Head) -> tuple[Head, list[tuple[int, ChangeSet]]]:
        """(the head now, each unit's ChangeSet after `seen`); a single "everything changed"
        entry when the units cannot be followed one by one (a restore, a big import)."""
        with self._db.read() as s:
            conn = s.connection()
            found = feed.since(conn, seen)
            if found is None:
                return feed.head(conn), [(0, ChangeSet.whole())]
            return found
