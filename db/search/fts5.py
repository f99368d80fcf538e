"""The quick-search index: SQLite FTS5, written in the same transaction as every change.

Three FTS5 tables. `search_people` has one row per live contact (rowid 2*id) and account
(rowid 2*id+1) with columns name / detail (company, title, e-mails) / body (notes).
`search_phones` has the same rowids and the digits of their phone numbers, under the trigram
tokenizer, so any run of three or more digits the user types matches inside a number:
`5550123` finds `+1 (555) 012-3`. `search_history` has one row per live history item.
Soft-deleted records are taken out of the index and put back on restore, so a search never
has to filter them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

PEOPLE = "search_people"
HISTORY = "search_history"
PHONES = "search_phones"
_TOKENIZE = "unicode61 remove_diacritics 2"
_MIN_DIGITS = 3
# Longest query we take apart; beyond this a paste of a whole document gains nothing.
_MAX_QUERY_CHARS = 512
_MAX_TERMS = 12
_PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")
_WORD = re.compile(r"\w", re.UNICODE)

DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {PEOPLE} USING fts5("
    f"name, detail, body, tokenize='{_TOKENIZE}', prefix='2 3')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {PHONES} USING fts5(digits, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {HISTORY} USING fts5("
    f"body, tokenize='{_TOKENIZE}', prefix='2 3')",
)


def create(conn: Connection) -> None:
    for stmt in DDL:
        conn.exec_driver_sql(stmt)


def drop(conn: Connection) -> None:
    for name in (PEOPLE, PHONES, HISTORY):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def contact_rowid(contact_id: int) -> int:
    return 2 * contact_id


def account_rowid(account_id: int) -> int:
    return 2 * account_id + 1


def digits_of(values: Iterable[str]) -> str:
    return " ".join(d for d in ("".join(filter(str.isdigit, v or "")) for v in values) if d)


@dataclass(frozen=True)
class PeopleDoc:
    rowid: int
    name: str
    detail: str
    body: str
    phones: str  # digits, space separated


def contact_doc(contact_id: int, *, display: str, nickname: str, company: str, title: str,
                department: str, emails: Sequence[str], phones: Sequence[str],
                notes: str) -> PeopleDoc:
    detail = " ".join(filter(None, (company, title, department, *emails)))
    name = display if not nickname or nickname in display else f"{display} {nickname}"
    return PeopleDoc(contact_rowid(contact_id), name, detail, notes or "", digits_of(phones))


def account_doc(account_id: int, *, name: str, industry: str, website: str, phone: str,
                locality: str, notes: str) -> PeopleDoc:
    detail = " ".join(filter(None, (industry, website, locality)))
    return PeopleDoc(account_rowid(account_id), name, detail, notes or "", digits_of([phone]))


def put_people(conn: Connection, docs: Sequence[PeopleDoc], fresh: bool = False) -> None:
    """Index (or re-index) documents; `fresh` skips removing old rows for brand-new ids."""
    if not fresh:
        remove_people(conn, [d.rowid for d in docs])
    put_people_rows(conn, [(d.rowid, d.name, d.detail, d.body) for d in docs],
                    [(d.rowid, d.phones) for d in docs if d.phones])


def put_people_rows(conn: Connection, people: Sequence[tuple[int, str, str, str]],
                    phones: Sequence[tuple[int, str]]) -> None:
    """The bulk form: (rowid, name, detail, body) and (rowid, digits) tuples for new rowids."""
    _executemany(conn, f"INSERT INTO {PEOPLE}(rowid, name, detail, body) VALUES (?, ?, ?, ?)",
                 people)
    _executemany(conn, f"INSERT INTO {PHONES}(rowid, digits) VALUES (?, ?)", phones)


def _executemany(conn: Connection, sql: str, rows: Sequence[tuple]) -> None:
    """Straight to the driver: the index rows are plain values and come in the thousands."""
    if rows:
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()


def put_history(conn: Connection, rows: Sequence[tuple[int, str, str]],
                fresh: bool = False) -> None:
    """rows: (history id, regarding, details)."""
    if not rows:
        return
    if not fresh:
        remove_rowids(conn, HISTORY, [r[0] for r in rows])
    _executemany(conn, f"INSERT INTO {HISTORY}(rowid, body) VALUES (?, ?)",
                 [(hid, f"{regarding}\n{details}") for hid, regarding, details in rows])


def remove_rowids(conn: Connection, table: str, rowids: Sequence[int]) -> None:
    _executemany(conn, f"DELETE FROM {table} WHERE rowid = ?", [(r,) for r in rowids])


def remove_people(conn: Connection, rowids: Sequence[int]) -> None:
    remove_rowids(conn, PEOPLE, rowids)
    remove_rowids(conn, PHONES, rowids)


def remove_contacts(conn: Connection, ids: Iterable[int]) -> None:
    remove_people(conn, [contact_rowid(i) for i in ids])


def remove_accounts(conn: Connection, ids: Iterable[int]) -> None:
    remove_people(conn, [account_rowid(i) for i in ids])


def remove_history(conn: Connection, ids: Iterable[int]) -> None:
    remove_rowids(conn, HISTORY, list(ids))


def rebuild(conn: Connection, chunk: int = 5000) -> None:
    """Fill the index from the tables (after a migration, or to repair it)."""
    for table in (PEOPLE, PHONES, HISTORY):
        conn.exec_driver_sql(f"DELETE FROM {table}")
    last = 0
    while True:
        rows = conn.exec_driver_sql(
            "SELECT c.id, c.display_name, c.nickname, coalesce(a.name, ''), c.title, "
            "c.department, c.notes FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "
            "WHERE c.deleted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?", (last, chunk)).all()
        if not rows:
            break
        last = rows[-1][0]
        ids = [r[0] for r in rows]
        emails = _children(conn, "contact_emails", "value", ids)
        phones = _children(conn, "contact_phones", "value", ids)
        put_people(conn, [
            contact_doc(r[0], display=r[1], nickname=r[2], company=r[3], title=r[4],
                        department=r[5], emails=emails.get(r[0], []),
                        phones=phones.get(r[0], []), notes=r[6])
            for r in rows])
    accounts = conn.exec_driver_sql(
        "SELECT id, name, industry, website, main_phone, locality, notes FROM accounts "
        "WHERE deleted_at IS NULL").all()
    put_people(conn, [account_doc(a[0], name=a[1], industry=a[2], website=a[3], phone=a[4],
                                  locality=a[5], notes=a[6]) for a in accounts])
    conn.exec_driver_sql(
        f"INSERT INTO {HISTORY}(rowid, body) SELECT id, regarding || char(10) || details "
        "FROM history WHERE deleted_at IS NULL")


def _children(conn: Connection, table: str, column: str, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    marks = ",".join("?" * len(ids))
    for cid, value in conn.exec_driver_sql(
            f"SELECT contact_id, {column} FROM {table} WHERE contact_id IN ({marks}) "
            "ORDER BY contact_id, position", tuple(ids)):
        out.setdefault(cid, []).append(value)
    return out


# --- querying -------------------------------------------------------------------------------

def _phrase(chunk: str) -> str:
    return '"' + chunk.replace('"', '""') + '"'


def _digit_run(chunk: str) -> str | None:
    if _PHONE_LIKE.match(chunk):
        digits = "".join(filter(str.isdigit, chunk))
        if len(digits) >= _MIN_DIGITS:
            return digits
    return None


@dataclass(frozen=True)
class Query:
    """A user's text made safe for FTS5. Every whitespace-separated chunk becomes a quoted phrase
    with a prefix star, so FTS5 syntax (`AND`, `NEAR(`, `*`, `-`, `:`, quotes) is matched as
    text, never interpreted. Runs of digits are also looked up inside phone numbers."""

    words: str | None  # FTS5 expression over the text columns, all chunks ANDed
    digits: str | None  # FTS5 trigram phrase over phone digits
    others: str | None  # the non-digit chunks, for "Smith 555" (name AND phone)
    # Chunks with punctuation or symbols ("C++", "a'b", "50%", "😀"): the tokenizer drops
    # those characters, so these are also matched as literal text, and such hits come first.
    literals: tuple[str, ...] = ()

    @classmethod
    def parse(cls, user_text: str) -> Query:
        text_ = user_text[:_MAX_QUERY_CHARS].strip()
        if _digit_run(text_):  # "+1 (555) 012-3" is one number, whatever its spaces
            digits = _digit_run(text_)
            return cls(_phrase(digits) + "*", _phrase(digits), None)
        words, others, runs, literals = [], [], [], []
        for chunk in text_.split()[:_MAX_TERMS]:
            if not chunk.isalnum() and not _digit_run(chunk):
                literals.append(_ascii_lower(chunk))
            if not _WORD.search(chunk):
                continue
            words.append(_phrase(chunk) + "*")
            run = _digit_run(chunk)
            if run:
                runs.append(_phrase(run))
            else:
                others.append(_phrase(chunk) + "*")
        return cls(" AND ".join(words) or None, " AND ".join(runs) or None,
                   " AND ".join(others) or None, tuple(literals))

    @property
    def empty(self) -> bool:
        return self.words is None and self.digits is None and not self.literals


def _ascii_lower(text_: str) -> str:
    # SQLite's lower() folds ASCII only; fold the same way so both sides agree.
    return "".join(ch.lower() if ch.isascii() else ch for ch in text_)


@dataclass(frozen=True)
class Hit:
    kind: str  # 'contact' or 'account'
    id: int
    matched: str  # 'exact', 'name', 'phone', 'details' or 'history'


def search(conn: Connection, user_text: str, limit: int) -> list[Hit]:
    """Name matches first (best first), then phone numbers, other fields and history text."""
    q = Query.parse(user_text)
    if q.empty or limit <= 0:
        return []
    hits: list[Hit] = []
    seen: set[int] = set()

    def take(rows, matched: str) -> None:
        for (rowid,) in rows:
            if rowid not in seen and len(hits) < limit:
                seen.add(rowid)
                hits.append(Hit("account" if rowid % 2 else "contact", rowid // 2, matched))

    def run(sql: str, **params) -> list:
        return conn.execute(text(sql), params | {"n": limit + len(hits)}).all()

    if q.literals:
        params = {f"l{i}": lit for i, lit in enumerate(q.literals)}
        found = " AND ".join(
            f"instr(lower(name || ' ' || detail || ' ' || body), :{key}) > 0" for key in params)
        match = f"{PEOPLE} MATCH :q AND " if q.words else ""
        take(run(f"SELECT rowid FROM {PEOPLE} WHERE {match}{found} LIMIT :n",
                 q=q.words, **params), "exact")
    if q.words:
        take(run(f"SELECT rowid FROM {PEOPLE} WHERE {PEOPLE} MATCH :q ORDER BY rank LIMIT :n",
                 q=f"name : ({q.words})"), "name")
    if q.digits and len(hits) < limit:
        if q.others:  # "Smith 555": the words anywhere, the digits in a phone number
            take(run(f"SELECT rowid FROM {PEOPLE} WHERE {PEOPLE} MATCH :q AND rowid IN "
                     f"(SELECT rowid FROM {PHONES} WHERE {PHONES} MATCH :d) LIMIT :n",
                     q=q.others, d=q.digits), "phone")
        else:
            take(run(f"SELECT rowid FROM {PHONES} WHERE {PHONES} MATCH :d LIMIT :n",
                     d=q.digits), "phone")
    if q.words and len(hits) < limit:
        take(run(f"SELECT rowid FROM {PEOPLE} WHERE {PEOPLE} MATCH :q LIMIT :n",
                 q=f"{{detail body}} : ({q.words})"), "details")
    if q.words and len(hits) < limit:
        rows = run(
            f"SELECT coalesce(2 * c.id, 2 * a.id + 1) FROM "
            f"(SELECT rowid AS hid FROM {HISTORY} WHERE {HISTORY} MATCH :q LIMIT :m) found "
            "JOIN history h ON h.id = found.hid "
            "LEFT JOIN history_contacts hc ON hc.history_id = found.hid "
            "LEFT JOIN contacts c ON c.id = hc.contact_id AND c.deleted_at IS NULL "
            "LEFT JOIN accounts a ON a.id = h.account_id AND a.deleted_at IS NULL "
            "WHERE c.id IS NOT NULL OR (hc.contact_id IS NULL AND a.id IS NOT NULL)",
            q=q.words, m=4 * limit)
        take(rows, "history")
    return hits
