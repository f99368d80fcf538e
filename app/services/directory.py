"""The read side: quick search, ordered id lists and the display rows for them."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.errors import AmbiguousError, NotFoundError
from app.domain.summaries import AccountSummary, ContactSummary, SearchHit
from db import search_index
from db.database import Database
from db.queries import directory as q
from db.queries.directory import ContactSort

__all__ = ["ContactSort", "Directory"]


class Directory:
    # A typed search lists at most this many contacts, best first: past it nobody scrolls,
    # they type another letter.
    SEARCH_LIMIT = 1000

    def __init__(self, db: Database):
        self._db = db

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Contacts and accounts matching what the user typed, name matches first."""
        with self._db.read() as s:
            conn = s.connection()
            hits = search_index.search(conn, text, limit)
            people = {c.id: c for c in q.contact_summaries(
                conn, [h.id for h in hits if h.kind == "contact"])}
            firms = {a.id: a for a in q.account_summaries(
                conn, [h.id for h in hits if h.kind == "account"])}
        out = []
        for h in hits:
            if h.kind == "contact" and h.id in people:
                c = people[h.id]
                sub = " · ".join(x for x in (c.title, c.account_name, c.email or c.phone) if x)
                out.append(SearchHit("contact", c.id, c.display_name, sub, h.matched))
            elif h.kind == "account" and h.id in firms:
                a = firms[h.id]
                count = f"{a.contact_count} contact{'' if a.contact_count == 1 else 's'}"
                sub = " · ".join(x for x in (a.industry, count) if x)
                out.append(SearchHit("account", a.id, a.name, sub, h.matched))
        return out

    def contact_ids(self, text: str = "", sort: ContactSort = ContactSort.NAME, *,
                    trash: bool = False, account_id: int | None = None,
                    limit: int | None = None) -> list[int]:
        """Ids for a contact list: every live contact in `sort` order, or, with text, the
        contacts the quick search finds (in its ranking)."""
        with self._db.read() as s:
            conn = s.connection()
            if text.strip():
                wanted = limit or self.SEARCH_LIMIT
                # Matching accounts take places in the ranking; ask for enough to fill the
                # list with people.
                hits = search_index.search(conn, text, 2 * wanted)
                return [h.id for h in hits if h.kind == "contact"][:wanted]
            return q.contact_ids(conn, sort, trash=trash, account_id=account_id, limit=limit)

    def contact_summaries(self, ids: Sequence[int]) -> list[ContactSummary]:
        with self._db.read() as s:
            return q.contact_summaries(s.connection(), ids)

    def contacts(self, sort: ContactSort = ContactSort.NAME, limit: int | None = None,
                 offset: int = 0, *, trash: bool = False,
                 account_id: int | None = None) -> list[ContactSummary]:
        with self._db.read() as s:
            conn = s.connection()
            ids = q.contact_ids(conn, sort, trash=trash, account_id=account_id, limit=limit,
                                offset=offset)
            return q.contact_summaries(conn, ids)

    def accounts(self, limit: int | None = None, offset: int = 0, *,
                 trash: bool = False) -> list[AccountSummary]:
        with self._db.read() as s:
            conn = s.connection()
            return q.account_summaries(conn, q.account_ids(conn, trash=trash, limit=limit,
                                                           offset=offset))

    def resolve_contact(self, ref: str) -> int:
        """A contact from what a user typed on a command line: an id, a UID, an exact name,
        or a search that finds exactly one contact."""
        return self._resolve(ref, "contact", q.find_contacts)

    def resolve_account(self, ref: str) -> int:
        return self._resolve(ref, "account", q.find_accounts)

    def _resolve(self, ref: str, kind: str, exact) -> int:
        ref = ref.strip()
        with self._db.read() as s:
            conn = s.connection()
            if ref.isdigit():
                found = (q.contact_summaries if kind == "contact" else q.account_summaries)(
                    conn, [int(ref)])
                if found:
                    return found[0].id
            ids = exact(conn, ref)
            if not ids:
                ids = [h.id for h in search_index.search(conn, ref, 20) if h.kind == kind
                       and h.matched == "name"]
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise NotFoundError(f"No {kind} matches '{ref}'")
        raise AmbiguousError(
            f"'{ref}' matches {len(ids)} {kind}s; use the id (ids: "
            f"{', '.join(map(str, ids[:10]))}{', ...' if len(ids) > 10 else ''})")
