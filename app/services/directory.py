"""The read side: quick search, ordered id lists and the display rows for them."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from app.domain.errors import AmbiguousError, NotFoundError
from app.domain.filters import ContactFilter
from app.domain.history import HistoryKind
from app.domain.sorting import ContactSort
from app.domain.summaries import AccountSummary, ContactSummary, SearchHit
from db.database import Database
from db.queries import directory as q
from db.search import Hit, index_for

__all__ = ["AccountListing", "AccountSort", "ContactSort", "Directory",
           "AccountHit", "ContactHit", "HistoryHit", "QuickResults"]


class AccountSort(enum.StrEnum):
    """How an account list can be ordered (the values are db.queries.directory's)."""

    NAME = "name"
    INDUSTRY = "industry"
    CITY = "city"
    CONTACTS = "contacts"  # how many people work there


@dataclass(frozen=True)
class AccountListing(AccountSummary):
    """An account list's row: the summary, where it is, and how many accounts belong to it."""

    city: str = ""
    sub_accounts: int = 0


@dataclass(frozen=True)
class ContactHit:
    """A person the quick search found. `phone` is the number that matched when digits were
    typed, else the preferred one; `matched` as in SearchHit."""

    id: int
    name: str
    title: str
    company: str
    email: str
    phone: str
    matched: str


@dataclass(frozen=True)
class AccountHit:
    id: int
    name: str
    industry: str
    phone: str
    website: str
    contact_count: int
    matched: str


@dataclass(frozen=True)
class HistoryHit:
    """A call, meeting, note or e-mail whose own text matched; `contact_id` is the first live
    person it is linked to (by name), None for an item of an account alone."""

    id: int
    kind: HistoryKind
    occurred_at: datetime
    regarding: str
    details: str
    contact_id: int | None
    contact_name: str
    other_contacts: int  # linked people beyond the one named
    account_id: int | None
    account_name: str


@dataclass(frozen=True)
class QuickResults:
    """The quick search's answer to `text`, by kind, each kind best first."""

    text: str
    contacts: tuple[ContactHit, ...] = ()
    accounts: tuple[AccountHit, ...] = ()
    history: tuple[HistoryHit, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.accounts or self.history)


@runtime_checkable
class _Explaining(Protocol):
    """What an index offers beyond SearchIndex for the quick search (FTS5 has it)."""

    def search_records(self, conn, text: str, limit: int) -> list[Hit]: ...

    def history_hits(self, conn, text: str, limit: int) -> list[tuple]: ...

    def matched_phones(self, conn, text: str,
                       contact_ids: Sequence[int]) -> dict[int, str]: ...


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
            hits = _search(conn, text, limit)
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

    def quick_search(self, text: str, *, contacts: int = 8, accounts: int = 4,
                     history: int = 6) -> QuickResults:
        """What the Ctrl+K box lists: people and companies in the search's ranking, and the
        history items whose own text matched (newest first). People found only through a
        history item are not repeated among the people: the item itself is listed, with
        them."""
        with self._db.read() as s:
            conn = s.connection()
            index = index_for(conn.dialect.name)
            # Twice what is shown: people and companies share one ranking, and a name that
            # many people have must not crowd the one company out.
            wanted = 2 * (contacts + accounts)
            if not isinstance(index, _Explaining):
                hits = [h for h in index.search(conn, text, wanted) if h.matched != "history"]
                return QuickResults(text, *self._records(conn, hits, contacts, accounts, {}))
            hits = index.search_records(conn, text, wanted)
            by_phone = [h.id for h in hits if h.kind == "contact" and h.matched == "phone"]
            numbers = index.matched_phones(conn, text, by_phone) if by_phone else {}
            people, firms = self._records(conn, hits, contacts, accounts, numbers)
            found = index.history_hits(conn, text, history) if history > 0 else []
        notes = tuple(
            HistoryHit(hid, HistoryKind(kind), when, regarding, details, cid, name or "",
                       max(linked - 1, 0), aid, firm or "")
            for hid, kind, when, regarding, details, aid, firm, cid, name, linked in found)
        return QuickResults(text, people, firms, notes)

    @staticmethod
    def _records(conn, hits: list[Hit], contacts: int, accounts: int,
                 numbers: dict[int, str]) -> tuple[tuple[ContactHit, ...], tuple[AccountHit, ...]]:
        people = q.contact_summaries(conn, [h.id for h in hits if h.kind == "contact"][:contacts])
        firms = q.account_summaries(conn, [h.id for h in hits if h.kind == "account"][:accounts])
        return _contact_hits(hits, people, numbers), _account_hits(hits, firms)

    def contact_ids(self, text: str = "", sort: ContactSort = ContactSort.NAME, *,
                    trash: bool = False, account_id: int | None = None,
                    limit: int | None = None,
                    filters: ContactFilter | None = None) -> list[int]:
        if filters is not None and not filters.empty:
            return self._filtered_ids(text, sort, filters, trash, account_id, limit)
        return self._contact_ids(text, sort, trash=trash, account_id=account_id, limit=limit)

    def _filtered_ids(self, text: str, sort: ContactSort, filters: ContactFilter, trash: bool,
                      account_id: int | None, limit: int | None) -> list[int]:
        """As contact_ids, narrowed to a group, tag, status or owner."""
        from db.queries import contact_filter

        if not text.strip():
            with self._db.read() as s:
                return contact_filter.contact_ids(s.connection(), filters, sort, trash=trash,
                                                  account_id=account_id, limit=limit)
        # The search ranks; the filter then keeps what passes. Asking the search for more
        # than a page leaves room for what the filter takes out.
        found = self._contact_ids(text, sort, trash=trash, account_id=account_id,
                                  limit=4 * (limit or self.SEARCH_LIMIT))
        with self._db.read() as s:
            kept = contact_filter.keep_matching(s.connection(), found, filters)
        return kept[:limit or self.SEARCH_LIMIT]

    def owners(self) -> list[str]:
        """Every owner a live contact has, for the list's filter."""
        from db.queries import contact_filter

        with self._db.read() as s:
            return contact_filter.owners(s.connection())

    def _contact_ids(self, text: str = "", sort: ContactSort = ContactSort.NAME, *,
                     trash: bool = False, account_id: int | None = None,
                     limit: int | None = None) -> list[int]:
        """Ids for a contact list: every contact in `sort` order (live ones, or the trash's),
        or, with text, the ones the quick search finds (in its ranking), within the account
        when one is given. The search index holds live records only, so text in the trash is
        matched against names, companies and e-mail addresses (see _trash_matches)."""
        with self._db.read() as s:
            conn = s.connection()
            if not text.strip():
                return q.contact_ids(conn, sort, trash=trash, account_id=account_id,
                                     limit=limit)
            wanted = limit or self.SEARCH_LIMIT
            if trash:
                return self._trash_matches(conn, text, sort, account_id, wanted)
            # Matching accounts take places in the ranking; ask for enough to fill the
            # list with people.
            hits = _search(conn, text, 2 * wanted)
            ids = [h.id for h in hits if h.kind == "contact"]
            if account_id is not None:
                # Bounded by the account's size, read from the account_id index.
                members = set(q.contact_ids(conn, account_id=account_id))
                ids = [i for i in ids if i in members]
            return ids[:wanted]

    # How many trashed contacts a search of the trash reads at most (in the list's sort
    # order), and how many per query: the trash is not indexed, so its search is a scan.
    TRASH_SCAN = 20_000
    _TRASH_PAGE = 1_000

    def _trash_matches(self, conn, text: str, sort: ContactSort, account_id: int | None,
                       wanted: int) -> list[int]:
        """Trashed contacts whose name, company or first e-mail contains every word of
        `text` (case-insensitive), in `sort` order; reads at most TRASH_SCAN of them."""
        words = text.casefold().split()[:12]
        found: list[int] = []
        for offset in range(0, self.TRASH_SCAN, self._TRASH_PAGE):
            ids = q.contact_ids(conn, sort, trash=True, account_id=account_id,
                                limit=self._TRASH_PAGE, offset=offset)
            for c in q.contact_summaries(conn, ids):
                seen = f"{c.display_name} {c.account_name} {c.email}".casefold()
                if all(w in seen for w in words):
                    found.append(c.id)
                    if len(found) >= wanted:
                        return found
            if len(ids) < self._TRASH_PAGE:
                break
        return found

    LETTER_SORTS = (ContactSort.NAME, ContactSort.FAMILY, ContactSort.COMPANY)

    def letter_row(self, letter: str, sort: ContactSort, *, rows: int,
                   descending: bool = False, trash: bool = False,
                   filters: ContactFilter | None = None) -> int:
        """The row of the first contact filed under `letter` ("a".."z", or "#" for names
        that begin with a digit or another script, filed after z) in an unsearched list of
        `rows` contacts sorted by `sort`."""
        from db.queries.rolodex import count_before

        if sort not in self.LETTER_SORTS:
            raise ValueError(f"a list sorted by {sort} has no letters")
        start = "{" if letter == "#" else letter.casefold()  # "{" is the code after "z"
        if not (start == "{" or (len(start) == 1 and "a" <= start <= "z")):
            raise ValueError(f"not a letter of the strip: {letter!r}")
        with self._db.read() as s:
            conn = s.connection()
            if not descending:
                return min(rows, count_before(conn, sort, start, trash=trash,
                                              filters=filters))
            # Reversed, the letter's first row comes after every row filed after it (and,
            # by company, after the contacts with no company, which then come first).
            after = "\U0010ffff" if start == "{" else chr(ord(start) + 1)
            return max(0, rows - count_before(conn, sort, after, trash=trash,
                                                  filters=filters))

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

    def account_ids(self, text: str = "", sort: AccountSort = AccountSort.NAME, *,
                    descending: bool = False, parent_id: int | None = None) -> list[int]:
        """Ids for an account list: every live account in `sort` order, or those matching
        `text` (every word in the name, industry, place, web site or phone), or only the
        sub-accounts of `parent_id`."""
        with self._db.read() as s:
            return q.account_ids(s.connection(), sort=AccountSort(sort).value,
                                 descending=descending, text=text, parent_id=parent_id)

    def account_listings(self, ids: Sequence[int]) -> list[AccountListing]:
        """The rows of an account list for `ids`, in that order (gone ones skipped)."""
        with self._db.read() as s:
            return [AccountListing(*row) for row in q.account_rows(s.connection(), ids)]

    def account_outline(self) -> list[tuple[int, str, int | None]]:
        """(id, name, parent id) of every live account, in name order."""
        with self._db.read() as s:
            return q.account_outline(s.connection())

    def resolve_contact(self, ref: str) -> int:
        """A contact from what a user typed on a command line: an id, a UID, an exact name,
        or a search that finds exactly one contact."""
        return self._resolve(ref, "contact", q.find_contacts)

    def resolve_account(self, ref: str) -> int:
        return self._resolve(ref, "account", q.find_accounts)

    # The largest id SQLite can hold; a longer run of digits is not an id.
    _MAX_ID = 2**63 - 1
    # How many of the records an ambiguous reference matches the message names.
    _AMBIGUOUS_SHOWN = 10

    def _resolve(self, ref: str, kind: str, exact) -> int:
        ref = ref.strip()
        summaries = q.contact_summaries if kind == "contact" else q.account_summaries
        with self._db.read() as s:
            conn = s.connection()
            # Ids are ASCII digits: str.isdigit() also takes '²' (which int() refuses) and
            # '٣' (which int() reads as 3, an id nobody meant).
            if ref.isascii() and ref.isdigit() and int(ref) <= self._MAX_ID:
                found = summaries(conn, [int(ref)])
                if found:
                    return found[0].id
            ids = exact(conn, ref)
            if not ids:
                ids = [h.id for h in _search(conn, ref, 20) if h.kind == kind
                       and h.matched == "name"]
            if len(ids) > 1:
                named = summaries(conn, ids[:self._AMBIGUOUS_SHOWN])
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise NotFoundError(f"No {kind} matches '{ref}'")
        listed = "; ".join(_labelled(r) for r in named)
        more = len(ids) - len(named)
        raise AmbiguousError(
            f"'{ref}' matches {len(ids)} {kind}s; use the id: {listed}"
            + (f"; and {more} more" if more > 0 else ""))


def _labelled(r: ContactSummary | AccountSummary) -> str:
    """`4 Ada Lovelace (Analytical Engines)`: an id with what tells the records apart."""
    if isinstance(r, ContactSummary):
        name, detail = r.display_name, r.account_name
    else:
        name, detail = r.name, r.industry
    return f"{r.id} {name}" + (f" ({detail})" if detail else "")


def _contact_hits(hits: list[Hit], people: list[ContactSummary],
                  numbers: dict[int, str]) -> tuple[ContactHit, ...]:
    how = {h.id: h.matched for h in hits if h.kind == "contact"}
    return tuple(ContactHit(c.id, c.display_name, c.title, c.account_name, c.email,
                            numbers.get(c.id, c.phone), how[c.id]) for c in people)


def _account_hits(hits: list[Hit], firms: list[AccountSummary]) -> tuple[AccountHit, ...]:
    how = {h.id: h.matched for h in hits if h.kind == "account"}
    return tuple(AccountHit(a.id, a.name, a.industry, a.main_phone, a.website,
                            a.contact_count, how[a.id]) for a in firms)


def _search(conn, text: str, limit: int) -> list[Hit]:
    return index_for(conn.dialect.name).search(conn, text, limit)
