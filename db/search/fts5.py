"""The quick-search index on SQLite: FTS5, kept in step by the unit of work (db.unit) in the
same transaction as every change. The only module that uses the driver's cursor directly: the
index rows come in the thousands and are plain values.

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
from typing import Any

from sqlalchemy import Connection, text

from app.domain.collation import search_variants
from db.driver import driver_connection
from db.ids import runs
from db.models.base import UTCDateTime
from db.search import Hit

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
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # a word as unicode61 cuts it

DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {PEOPLE} USING fts5("
    f"name, detail, body, tokenize='{_TOKENIZE}', prefix='2 3')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {PHONES} USING fts5(digits, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {HISTORY} USING fts5("
    f"body, tokenize='{_TOKENIZE}', prefix='2 3')",
)


# The format of what is indexed; when it moves on, open() rebuilds the index (a migration
# never calls this module: revisions keep their own frozen SQL).
FORMAT = 3


def create(conn: Connection) -> None:
    for stmt in DDL:
        conn.exec_driver_sql(stmt)


_NOT_DIGIT = re.compile(r"\D+")


def _digits(text: str | None) -> str:
    return _NOT_DIGIT.sub("", text or "")


_PLAIN = re.compile(r"[A-Za-z0-9 ]*")


def _variants(text: str | None) -> str:
    if not text or _PLAIN.fullmatch(text):  # plain ASCII words have no other spelling
        return ""
    return " ".join(search_variants(text))


def _functions(conn: Connection) -> None:
    """The two helpers the SQL below calls, on this very driver connection: once per
    connection (SQLite refuses to replace a function while a statement is open on it)."""
    info = conn.connection.info
    if info.get("rd_functions"):
        return
    raw = driver_connection(conn)
    raw.create_function("rd_digits", 1, _digits, deterministic=True)
    raw.create_function("rd_variants", 1, _variants, deterministic=True)
    info["rd_functions"] = True


# Documents are built by SQL from the rows themselves, so whatever wrote the rows (an editor,
# a bulk import, an undo) cannot index something different from what it stored.
_CONTACT_NAME = ("CASE WHEN c.nickname = '' OR instr(c.display_name, c.nickname) > 0 "
                 "THEN c.display_name ELSE c.display_name || ' ' || c.nickname END")
# A contact's company is not in its document: people are found by their company through the
# account's own document (see search), so renaming an account with 40,000 people reindexes one
# row, not 40,000.
_CONTACT_DOCS = (
    f"INSERT INTO {PEOPLE}(rowid, name, detail, body) "
    f"SELECT 2 * c.id, {_CONTACT_NAME} || ' ' || rd_variants({_CONTACT_NAME}), "
    "c.title || ' ' || c.department || ' ' || "
    "coalesce((SELECT group_concat(e.value, ' ') FROM contact_emails e "
    "WHERE e.contact_id = c.id), ''), c.notes "
    "FROM contacts c WHERE c.deleted_at IS NULL AND {where}")
_CONTACT_PHONES = (
    f"INSERT INTO {PHONES}(rowid, digits) SELECT 2 * c.id, d FROM (SELECT p.contact_id AS id, "
    "trim(group_concat(rd_digits(p.value), ' ')) AS d FROM contact_phones p "
    "WHERE p.contact_id IN (SELECT c.id FROM contacts c "
    "WHERE c.deleted_at IS NULL AND {where}) GROUP BY p.contact_id) c WHERE d != ''")
_ACCOUNT_DOCS = (
    f"INSERT INTO {PEOPLE}(rowid, name, detail, body) "
    "SELECT 2 * a.id + 1, a.name || ' ' || rd_variants(a.name), "
    "a.industry || ' ' || a.website || ' ' || a.locality, a.notes FROM accounts a "
    "WHERE a.deleted_at IS NULL AND {where}")
_ACCOUNT_PHONES = (
    f"INSERT INTO {PHONES}(rowid, digits) SELECT 2 * a.id + 1, rd_digits(a.main_phone) "
    "FROM accounts a WHERE a.deleted_at IS NULL AND rd_digits(a.main_phone) != '' AND {where}")
_HISTORY_DOCS = (
    f"INSERT INTO {HISTORY}(rowid, body) SELECT h.id, h.regarding || char(10) || h.details "
    "FROM history h WHERE h.deleted_at IS NULL AND {where}")
_CHUNK = 900


def _batches(ids: Iterable[int], column: str):
    """(SQL condition, parameters) covering `ids`: BETWEEN for long runs, IN for the rest."""
    scattered: list[int] = []
    for first, last in runs(sorted(set(ids))):
        if last - first >= 64:
            yield f"{column} BETWEEN ? AND ?", (first, last)
        else:
            scattered.extend(range(first, last + 1))
    for i in range(0, len(scattered), _CHUNK):
        part = scattered[i:i + _CHUNK]
        yield f"{column} IN ({','.join('?' * len(part))})", tuple(part)


def _drop(cur, table: str, ids: Iterable[int], kind: int | None = None) -> None:
    """Delete the index rows of records `ids`: in the shared tables kind 0 for contacts
    (rowid 2*id) or 1 for accounts (2*id+1), None where the rowid is the id. A long run of
    ids (an undone import) is one range statement instead of a hundred IN lists."""
    def rowid(i: int) -> int:
        return i if kind is None else 2 * i + kind
    scattered: list[int] = []
    for first, last in runs(sorted(set(ids))):
        if last - first < 64:
            scattered += [rowid(i) for i in range(first, last + 1)]
        elif kind is None:
            cur.execute(f"DELETE FROM {table} WHERE rowid BETWEEN ? AND ?", (first, last))
        else:
            cur.execute(f"DELETE FROM {table} WHERE rowid BETWEEN ? AND ? AND rowid % 2 = ?",
                        (rowid(first), rowid(last), kind))
    for i in range(0, len(scattered), _CHUNK):
        part = scattered[i:i + _CHUNK]
        cur.execute(f"DELETE FROM {table} WHERE rowid IN ({','.join('?' * len(part))})", part)


def contact_doc(cid: int, display: str, nickname: str, title: str, department: str,
                emails: list[str], phones: list[str], notes: str, *,
                _not_digits: bytes = bytes(range(48)) + bytes(range(58, 128))) -> tuple:
    """(id, name, detail, body, digits): in Python what _CONTACT_DOCS and _CONTACT_PHONES
    build in SQL, for the bulk path (a test checks both give the same rows)."""
    name = display if not nickname or nickname in display else f"{display} {nickname}"
    name = f"{name} {_variants(name)}"
    detail = f"{title} {department} {' '.join(emails)}"
    # An import runs this 100,000 times. An ASCII number (nearly every one) sheds what is not
    # 0-9 in one bytes.translate, a third of the regex's cost; ASCII has no other digits, so
    # the result is _digits' (which any other number goes through, as in the SQL).
    digits = " ".join([p.encode().translate(None, _not_digits).decode()
                       if p and p.isascii() else _digits(p) for p in phones]).strip()
    return cid, name, detail, notes, digits


class Fts5Index:
    FORMAT = FORMAT
    contact_doc = staticmethod(contact_doc)

    def refresh(self, conn: Connection, *, contacts: Iterable[int] = (),
                accounts: Iterable[int] = (), history: Iterable[int] = (),
                fresh: bool = False) -> None:
        contacts, accounts, history = set(contacts), set(accounts), set(history)
        if not (contacts or accounts or history):
            return
        _functions(conn)
        cur = driver_connection(conn).cursor()
        try:
            if not fresh:
                for table in (PEOPLE, PHONES):
                    _drop(cur, table, contacts, 0)
                    _drop(cur, table, accounts, 1)
                _drop(cur, HISTORY, history)
            for where, params in _batches(contacts, "c.id"):
                cur.execute(_CONTACT_DOCS.format(where=where), params)
                cur.execute(_CONTACT_PHONES.format(where=where), params)
            for where, params in _batches(accounts, "a.id"):
                cur.execute(_ACCOUNT_DOCS.format(where=where), params)
                cur.execute(_ACCOUNT_PHONES.format(where=where), params)
            for where, params in _batches(history, "h.id"):
                cur.execute(_HISTORY_DOCS.format(where=where), params)
        finally:
            cur.close()

    def put_contacts(self, conn: Connection, docs: list[tuple]) -> None:
        """Index new contacts from documents built by contact_doc (the bulk path), the same
        text the SQL above would build from their rows."""
        if not docs:
            return
        cur = driver_connection(conn).cursor()
        try:
            cur.executemany(f"INSERT INTO {PEOPLE}(rowid, name, detail, body) VALUES (?, ?, ?, ?)",
                            [(2 * cid, name, detail, body) for cid, name, detail, body, _ in docs])
            # By position: a starred target builds a list per document.
            cur.executemany(f"INSERT INTO {PHONES}(rowid, digits) VALUES (?, ?)",
                            [(2 * d[0], d[4]) for d in docs if d[4]])
        finally:
            cur.close()

    def rebuild(self, conn: Connection) -> None:
        """Fill the index from the tables (its format moved on, or to repair it)."""
        create(conn)
        for table in (PEOPLE, PHONES, HISTORY):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        _functions(conn)
        for template in (_CONTACT_DOCS, _CONTACT_PHONES):
            conn.exec_driver_sql(template.format(where="1"))
        for template in (_ACCOUNT_DOCS, _ACCOUNT_PHONES):
            conn.exec_driver_sql(template.format(where="1"))
        conn.exec_driver_sql(_HISTORY_DOCS.format(where="1"))

    def search(self, conn: Connection, text: str, limit: int) -> list[Hit]:
        return search(conn, text, limit)

    def search_records(self, conn: Connection, text: str, limit: int) -> list[Hit]:
        """search() without its history pass: contacts and accounts by their own fields."""
        return search(conn, text, limit, history=False)

    def history_hits(self, conn: Connection, text: str, limit: int) -> list[tuple]:
        return history_hits(conn, text, limit)

    def matched_phones(self, conn: Connection, text: str,
                       contact_ids: Sequence[int]) -> dict[int, str]:
        return matched_phones(conn, text, contact_ids)


INDEX = Fts5Index()


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
    terms: tuple[str, ...] = ()  # each word chunk as its own FTS5 expression
    # Per term: one letter ("m", "J."), which no prefix index covers, so matching it alone
    # reads the postings of every word starting with that letter.
    broad: tuple[bool, ...] = ()

    @classmethod
    def parse(cls, user_text: str) -> Query:
        # Control characters (a NUL pasted from elsewhere) mean nothing to a search.
        text_ = _CONTROL.sub(" ", user_text[:_MAX_QUERY_CHARS]).strip()
        digits = _digit_run(text_)
        if digits:  # "+1 (555) 012-3" is one number, whatever its spaces
            return cls(_phrase(digits) + "*", _phrase(digits), None)
        words, others, digit_runs, literals, broad = [], [], [], [], []
        for chunk in text_.split()[:_MAX_TERMS]:
            if not chunk.isalnum() and not _digit_run(chunk):
                literals.append(_ascii_lower(chunk))
            if not _WORD.search(chunk):
                continue
            term = _term(chunk)
            words.append(term)
            broad.append(_letters(chunk) <= 1)
            run = _digit_run(chunk)
            if run:
                digit_runs.append(_phrase(run))
            else:
                others.append(term)
        return cls(" AND ".join(words) or None, " AND ".join(digit_runs) or None,
                   " AND ".join(others) or None, tuple(literals), tuple(words), tuple(broad))

    @property
    def empty(self) -> bool:
        return self.words is None and self.digits is None and not self.literals


def _term(chunk: str) -> str:
    """A prefix phrase, widened by the other spelling of German names ("Müller" also finds a
    contact stored as "Mueller"; the index holds both spellings of what it stores). A chunk
    that ends in punctuation ends its last word ("J.", "Dr.", "Smith,"): that word is
    matched whole, which for an initial is one lookup instead of the postings of every
    word starting with the letter."""
    star = "" if _WORD.match(chunk[-1:]) is None else "*"
    spellings = [chunk, *search_variants(chunk)]
    if len(spellings) == 1:
        return _phrase(chunk) + star
    return "(" + " OR ".join(_phrase(s) + star for s in spellings) + ")"


# How many people, and how many firms, one reading of "person at firm" looks at: a word
# half typed ("Ma") matches 15,000 people, and the whole set cost 170 ms per keystroke; the
# first few thousand hold the ones meant often enough, and the next letter narrows it.
_SPLIT_CAP = 2000


def _letters(chunk: str) -> int:
    return sum(ch.isalnum() for ch in chunk)


def _splits(terms: tuple[str, ...], broad: tuple[bool, ...] = ()) -> list[tuple[str, str]]:
    """For two or three words, every way of reading some as the person and the rest as the
    company (bounded: a longer query is a name or a phrase, not a person at a firm). Single
    letters take no part: "Emiliano M" is someone being typed, not Emiliano at any of the
    thousands of firms with an M-word, and "Brianna J. Garcia" is read without the initial;
    matching a lone letter would cost a hundred milliseconds per keystroke at 100,000
    people."""
    words = [t for t, one in zip(terms, broad or (False,) * len(terms), strict=True) if not one]
    if not 2 <= len(words) <= 3:
        return []
    out = []
    for mask in range(1, 2 ** len(words) - 1):
        people = [t for i, t in enumerate(words) if not mask >> i & 1]
        firms = [t for i, t in enumerate(words) if mask >> i & 1]
        out.append((" AND ".join(people), " AND ".join(firms)))
    return out


def _ascii_lower(text_: str) -> str:
    # SQLite's lower() folds ASCII only; fold the same way so both sides agree.
    return "".join(ch.lower() if ch.isascii() else ch for ch in text_)


def search(conn: Connection, user_text: str, limit: int, *, history: bool = True) -> list[Hit]:
    """Name matches first (best first), then phone numbers, other fields and history text
    (unless `history` is False: the quick search lists history items on their own)."""
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

    def run(sql: str, **params) -> Sequence[Any]:
        return conn.execute(text(sql), params | {"n": limit + len(hits)}).all()

    if q.literals:
        params = {f"l{i}": lit for i, lit in enumerate(q.literals)}
        found = " AND ".join(
            f"instr(lower(name || ' ' || detail || ' ' || body), :{key}) > 0" for key in params)
        match = f"{PEOPLE} MATCH :q AND " if q.words else ""
        take(run(f"SELECT rowid FROM {PEOPLE} WHERE {match}{found} LIMIT :n",
                 q=q.words, **params), "exact")
    if q.words:
        # One or two letters typed: every name with a word starting so matches, and ranking
        # them all costs ten to thirty times finding them (55 ms against 6 for "j", 28 ms
        # against 1 for "ma", at 100,000 people) and tells the user nothing.
        rank = "" if len(user_text.strip()) <= 2 else " ORDER BY rank"
        take(run(f"SELECT rowid FROM {PEOPLE} WHERE {PEOPLE} MATCH :q{rank} LIMIT :n",
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
        # People at the accounts the name step found (not a second full-text pass: a one-letter
        # prefix matches thousands of names); "Smith Acme": Smith at an Acme account.
        named = [h.id for h in hits if h.kind == "account"]
        if named:
            marks = ", ".join(f":a{i}" for i in range(len(named)))
            take(run(f"SELECT 2 * c.id FROM contacts c WHERE c.deleted_at IS NULL AND "
                     f"c.account_id IN ({marks}) ORDER BY c.sort_name LIMIT :n",
                     **{f"a{i}": a for i, a in enumerate(named)}), "company")
        for people, firms in _splits(q.terms, q.broad):
            if len(hits) >= limit:
                break
            take(run(f"SELECT 2 * c.id FROM contacts c WHERE c.deleted_at IS NULL AND "
                     f"c.id IN (SELECT rowid / 2 FROM {PEOPLE} WHERE {PEOPLE} MATCH :p "
                     "AND rowid % 2 = 0 LIMIT :cap) AND c.account_id IN (SELECT rowid / 2 "
                     f"FROM {PEOPLE} WHERE {PEOPLE} MATCH :f AND rowid % 2 = 1 LIMIT :cap) "
                     "LIMIT :n", p=people, f=f"name : ({firms})", cap=_SPLIT_CAP), "company")
    if q.words and len(hits) < limit:
        take(run(f"SELECT rowid FROM {PEOPLE} WHERE {PEOPLE} MATCH :q LIMIT :n",
                 q=f"{{detail body}} : ({q.words})"), "details")
    if history and q.words and len(hits) < limit:
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


# --- what the quick search shows beside a hit -----------------------------------------------

# History items looked at per item wanted: some are left out (linked only to trashed people).
_HISTORY_SLACK = 2


def _history_match(user_text: str) -> str | None:
    """The FTS5 expression for history text: every word of two or more letters, as the
    tokenizer cuts words ("O'Connor" is "o" and "connor"). A one-letter prefix has no prefix
    index behind it, so matching it merges the postings of every word starting with that
    letter across a million items; and it says nothing about which note is meant."""
    text_ = _CONTROL.sub(" ", user_text[:_MAX_QUERY_CHARS])
    words = [w for w in _TOKEN.findall(text_) if len(w) >= 2][:_MAX_TERMS]
    return " AND ".join(_term(w) for w in words) or None


def history_hits(conn: Connection, user_text: str, limit: int) -> list[tuple]:
    """Live history items whose text has every word typed (one-letter words aside), newest
    recorded first, as rows of (id, kind, occurred_at, regarding, details, account id,
    account name, first live contact's id and display name by name, how many live contacts
    it has). Items the contact search also leaves out are left out here: linked only to
    trashed people, or to nobody and a trashed account."""
    match = _history_match(user_text)
    if match is None or limit <= 0:
        return []
    live = ("FROM history_contacts hc JOIN contacts c2 ON c2.id = hc.contact_id "
            "WHERE hc.history_id = f.hid AND c2.deleted_at IS NULL")
    rows = conn.execute(text(
        "SELECT f.hid, h.kind, h.occurred_at AS occurred_at, h.regarding, h.details, a.id, "
        f"a.name, c.id, c.display_name, (SELECT count(*) {live}), "
        "EXISTS (SELECT 1 FROM history_contacts hc WHERE hc.history_id = f.hid) "
        # rowid order needs no ranking pass over every match, which costs a common word
        # (in a tenth of all items) hundreds of milliseconds.
        f"FROM (SELECT rowid AS hid FROM {HISTORY} WHERE {HISTORY} MATCH :q "
        "ORDER BY rowid DESC LIMIT :m) f JOIN history h ON h.id = f.hid "
        "LEFT JOIN accounts a ON a.id = h.account_id AND a.deleted_at IS NULL "
        f"LEFT JOIN contacts c ON c.id = (SELECT c2.id {live} ORDER BY c2.sort_name, c2.id "
        "LIMIT 1) ORDER BY f.hid DESC").columns(occurred_at=UTCDateTime()),
        {"q": match, "m": _HISTORY_SLACK * limit + 8}).all()
    found = [tuple(r[:10]) for r in rows if r[7] is not None or (not r[10] and r[5] is not None)]
    return found[:limit]


def matched_phones(conn: Connection, user_text: str,
                   contact_ids: Sequence[int]) -> dict[int, str]:
    """For contacts found by a phone number, the number (as stored) holding the digits typed,
    the preferred one first: the one to show beside the name."""
    text_ = _CONTROL.sub(" ", user_text[:_MAX_QUERY_CHARS]).strip()
    whole = _digit_run(text_)
    runs_ = [whole] if whole else [r for r in map(_digit_run, text_.split()[:_MAX_TERMS]) if r]
    if not runs_ or not contact_ids:
        return {}
    ids = list(dict.fromkeys(contact_ids))[:_CHUNK]
    rows = conn.execute(text(
        f"SELECT contact_id, value FROM contact_phones WHERE contact_id IN "
        f"({', '.join(f':c{i}' for i in range(len(ids)))}) "
        "ORDER BY contact_id, preferred DESC, position, id"),
        {f"c{i}": cid for i, cid in enumerate(ids)}).all()
    out: dict[int, str] = {}
    for cid, value in rows:
        if cid not in out and all(r in _digits(value) for r in runs_):
            out[cid] = value
    return out
