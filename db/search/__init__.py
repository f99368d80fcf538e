"""Quick search behind one interface: the unit of work keeps the index in step with what it
changed (`refresh`), the read side asks it (`search`). SQLite uses FTS5 (db.search.fts5, the
only module that talks to the driver's cursor); PostgreSQL gets its own means in its own
module, chosen here by dialect."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection


@dataclass(frozen=True)
class Hit:
    kind: str  # 'contact' or 'account'
    id: int
    matched: str  # 'exact', 'name', 'phone', 'details' or 'history'


class SearchIndex(Protocol):
    def refresh(self, conn: Connection, *, contacts: Iterable[int] = (),
                accounts: Iterable[int] = (), history: Iterable[int] = (),
                fresh: bool = False) -> None:
        """Bring the index rows of these records in line with their rows (live records are
        indexed, trashed and purged ones taken out). `fresh`: the ids are new to the index."""

    def contact_doc(self, cid: int, display: str, nickname: str, title: str, department: str,
                    emails: list[str], phones: list[str], notes: str) -> tuple:
        """A new contact's document, built from the values the bulk path is storing."""

    def put_contacts(self, conn: Connection, docs: list[tuple]) -> None:
        """Index brand-new contacts from documents the bulk path built (contact_doc)."""

    def search(self, conn: Connection, text: str, limit: int) -> list[Hit]: ...

    def rebuild(self, conn: Connection) -> None: ...


def index_for(dialect: str) -> SearchIndex:
    if dialect == "sqlite":
        from db.search import fts5

        return fts5.INDEX
    raise NotImplementedError(f"quick search has no index for {dialect} databases yet")
