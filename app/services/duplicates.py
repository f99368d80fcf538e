"""Contacts that are one person twice: a scan over the whole address book, how a merge folds
one into the other (with the user's pick per field), and the pairs the user said are two
people, remembered so later scans leave them out.

The scan matches as an import does (app.domain.matching): the same e-mail address, the same
phone number in E.164, or a similar name at the same company; a shared address or number is
not the same person when the names say otherwise ("Margaret Allen" and "Tim Allen" on one
switchboard), except an e-mail address of one first name under two last names (Ada Lovelace,
later Ada King), shown less sure. It reads only the columns it matches on
(db.queries.duplicates), never whole contacts, and compares candidates found through keys,
never every contact with every other: e-mail addresses by their lower-cased form, phone
numbers by their last digits and then in full, names only among the people at one company."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import phonenumbers
from rapidfuzz import fuzz, process

from app.domain import matching as m
from app.domain.collation import fold
from app.domain.contact import Contact
from app.domain.errors import ValidationError
from app.services.progress import CancelToken, Progress, no_progress
from db.database import Database
from db.queries import duplicates as queries
from db.repositories import settings

Choice = Literal["keep", "other", "both"]
# The fields a merge can take from either record; every list (phones, e-mails, addresses, web
# sites, IM handles, tags, groups) is always the union of both. Custom fields are picked as
# "custom:<field name>". "both" is for notes only: both texts, one after the other.
SCALAR_FIELDS = ("prefix", "given", "middle", "family", "suffix", "nickname", "title",
                 "department", "account", "birthday", "anniversary", "status", "source",
                 "owner", "photo", "notes")
CUSTOM = "custom:"
LIST_FIELDS = ("phones", "emails", "addresses", "websites", "ims")
# What makes two items of a list the same item when both records have it (so the union holds
# it once); kept as the merge has always compared them.
LIST_KEYS: dict[str, Callable] = {
    "phones": lambda p: "".join(ch for ch in p.value if ch.isdigit()),
    "emails": lambda e: e.value.casefold(),
    "addresses": lambda a: (a.street, a.locality, a.postal_code),
    "websites": lambda w: w.url.casefold(),
    "ims": lambda i: (i.service, i.handle.casefold()),
}
_TEXT = ("prefix", "given", "middle", "family", "suffix", "nickname", "title", "department",
         "source", "owner")
_OPTIONAL = {"account": "account_id", "birthday": "birthday", "anniversary": "anniversary"}

# A key (an address, a number) held by more contacts than this is shared (a switchboard,
# info@...): among its holders only those of the same name are paired (many of the same name
# each with the first of them), so a hundred people behind one number are not 5,000 pairs.
MAX_SHARED = 8
# People at one company compared with each other; a bigger company is compared within
# smaller blocks (people whose names share a word's first letters, more of them as needed),
# where any two names similar enough to match are all but certain to fall together.
BLOCK_LIMIT = 1500
# The lowest name score that can still reach the threshold with a perfect company score.
_NAME_CUTOFF = (m.FUZZY_THRESHOLD - (1 - m.NAME_WEIGHT) * 100) / m.NAME_WEIGHT
# How sure each kind of evidence makes us, alone; several combine as independent signs.
_WEIGHT = {"email": 0.95, "phone": 0.85, "same_name": 0.5, "renamed": 0.6}
_NAME_WEIGHT = 0.8  # times the name score, for a similar name at the same company
DISMISSED_KEY = "duplicates.not_duplicates"


# --- what a scan finds --------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One contact of a pair, as the list shows it."""

    id: int
    name: str
    company: str = ""


@dataclass(frozen=True)
class DuplicatePair:
    """Two contacts that are likely one person: why, in words, and how sure (0-100).
    `first` is the older record, the one a merge keeps unless the user says otherwise."""

    first: Side
    second: Side
    reasons: tuple[str, ...]
    certainty: int

    @property
    def ids(self) -> tuple[int, int]:
        return self.first.id, self.second.id

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class DuplicateReport:
    pairs: list[DuplicatePair]
    contacts: int  # live contacts compared
    dismissed: int = 0  # pairs left out: the user said they are two people


@dataclass
class _Evidence:
    email: str = ""
    phone: str = ""
    name: float = 0.0  # the name score, for a similar name at the same company
    renamed: bool = False  # one e-mail, one first name, another last name


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _name_key(given: str, middle: str, family: str) -> str:
    # As matching.name_key, from the columns rather than a Contact built for it.
    return fold(" ".join(p for p in (given, middle, family) if p))


def _names_disagree(a: str, b: str) -> bool:
    """matching.names_disagree, unless the names are alike as written: its word-order-blind
    score sorts the words first, so a slip in a first letter ("Mei Ojhnson", "Jessica
    Janes" for Jones) moves a word and makes one person two."""
    return m.names_disagree(a, b) and fuzz.ratio(a, b) < m.NAMES_AGREE_AT


def _all_pairs(ids: list[int]) -> Iterable[tuple[int, int]]:
    return ((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])


def _first_word(name: str) -> str:
    return name.split(" ", 1)[0]


def _phone_text(key: str, written: str) -> str:
    """A number as the reason shows it: international format, else as it was written."""
    if key.startswith("+"):
        try:
            return phonenumbers.format_number(phonenumbers.parse(key),
                                              phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return key
    return written


def _shared(rows: Iterable[tuple[int, str]], key_of: Callable[[str], str | None],
            live: Mapping[int, object]) -> dict[str, list[tuple[int, str]]]:
    """The keys that more than one live contact holds, each with its (contact, value) rows.
    Most keys have one holder: those are kept as one tuple, not a list each."""
    first: dict[str, tuple[int, str]] = {}
    more: dict[str, list[tuple[int, str]]] = {}
    for cid, value in rows:
        if cid not in live:  # in the trash
            continue
        key = key_of(value)
        if not key:
            continue
        had = first.setdefault(key, (cid, value))
        if had[0] != cid:
            more.setdefault(key, [had]).append((cid, value))
    return more


class _Finder:
    """The evidence for each pair of contacts, gathered one kind at a time."""

    def __init__(self, people: Sequence[queries.Person], accounts: Mapping[int, str],
                 region: str | None):
        self.region = region
        self.people = {row[0]: row for row in people}
        self.accounts = accounts
        self.names = {cid: _name_key(given, middle, family)
                      for cid, _d, given, middle, family, _a in people}
        self.companies: dict[int, int] = {}  # contact -> account, for those with a name
        self._company_keys: dict[int, str] = {}
        self.found: dict[tuple[int, int], _Evidence] = {}

    def side(self, cid: int) -> Side:
        _id, display, _g, _m, _f, account = self.people[cid]
        return Side(cid, display, self.accounts.get(account, "") if account else "")

    def _evidence(self, a: int, b: int) -> _Evidence:
        key = pair_key(a, b)
        found = self.found.get(key)
        if found is None:
            found = self.found[key] = _Evidence()
        return found

    def _holders(self, holders: list[int], renamed: list[tuple[int, int]] | None = None
                 ) -> Iterable[tuple[int, int]]:
        """The pairs among the contacts holding one key whose names do not disagree; with
        `renamed`, also those of one first name whose last names disagree (said there)."""
        names = self.names
        if len(holders) <= MAX_SHARED:
            for a, b in _all_pairs(holders):
                if not _names_disagree(names[a], names[b]):
                    yield a, b
                elif renamed is not None and _first_word(names[a]) == _first_word(names[b]):
                    renamed.append((a, b))
            return
        namesakes: dict[str, list[int]] = defaultdict(list)
        for cid in sorted(holders):
            if names[cid]:
                namesakes[names[cid]].append(cid)
        for same in namesakes.values():
            yield from (_all_pairs(same) if len(same) <= MAX_SHARED
                        else ((same[0], b) for b in same[1:]))

    def by_email(self, rows: Iterable[tuple[int, str]]) -> None:
        for key, found in _shared(rows, m.email_key, self.names).items():
            holders = list(dict.fromkeys(cid for cid, _v in found))
            # An address is more personal than a number: one first name with another last
            # name (Ada Lovelace, later Ada King) is worth a look; a household (Margaret and
            # Tim Allen) is not.
            renamed: list[tuple[int, int]] = []
            for a, b in self._holders(holders, renamed):
                self._evidence(a, b).email = key
            for a, b in renamed:
                evidence = self._evidence(a, b)
                evidence.email, evidence.renamed = key, True

    def by_phone(self, rows: Iterable[tuple[int, str]]) -> None:
        """By the last digits first, then, among the numbers ending alike, in full."""
        for found in _shared(rows, m.phone_tail, self.names).values():
            held: dict[str, list[tuple[int, str]]] = defaultdict(list)
            for cid, value in found:
                key = m.phone_key(value, self.region)
                if key is not None:
                    held[key].append((cid, value))
            for key, numbers in held.items():
                holders = list(dict.fromkeys(cid for cid, _v in numbers))
                if len(holders) > 1:
                    text = ""  # worked out for a number that pairs anyone: most pair nobody
                    for a, b in self._holders(holders):
                        text = text or _phone_text(key, numbers[0][1])
                        self._evidence(a, b).phone = text

    def by_name(self, step: Callable[[float], None]) -> None:
        """Similar names among the people at one company (its name without legal form)."""
        cores = {aid: m.company_core(name) for aid, name in self.accounts.items()}
        self._company_keys = {aid: m.company_key(name) for aid, name in self.accounts.items()}
        blocks: dict[str, list[int]] = defaultdict(list)
        for cid, row in self.people.items():
            account = row[5]
            if account is not None and self.names[cid] and account in cores:
                self.companies[cid] = account
                blocks[cores[account]].append(cid)
        todo = [ids for ids in blocks.values() if len(ids) > 1]
        for n, ids in enumerate(todo):
            if n % 256 == 0:
                step(n / len(todo))
            self._block(ids, 2)

    def _block(self, ids: list[int], prefix: int) -> None:
        if len(ids) <= BLOCK_LIMIT or prefix > 6:
            self._compare(ids)
            return
        blocks: dict[str, list[int]] = defaultdict(list)
        for cid in ids:
            for word in set(self.names[cid].split()):
                blocks[word[:prefix]].append(cid)
        for part in blocks.values():
            if len(part) > 1:
                self._block(part, prefix + 1)

    def _compare(self, ids: list[int]) -> None:
        names = [self.names[c] for c in ids]
        companies = [self._company_keys[self.companies[c]] for c in ids]
        for i, name in enumerate(names):
            later = names[i + 1:]
            scores: dict[int, float] = {}
            # token_sort_ratio ignores word order but, sorting the words first, a typo in a
            # first letter moves a word ("Catherine Johnson" and "Katherine Johnson": 47);
            # the plain ratio over the name as written catches that (94).
            for scorer in (fuzz.token_sort_ratio, fuzz.ratio):
                for _found, score, j in process.extract(name, later, scorer=scorer,
                                                        score_cutoff=_NAME_CUTOFF, limit=None):
                    scores[j] = max(score, scores.get(j, 0.0))
            for j, score in scores.items():
                k = i + 1 + j
                total = (m.NAME_WEIGHT * score + (1 - m.NAME_WEIGHT)
                         * fuzz.token_sort_ratio(companies[i], companies[k]))
                if total >= m.FUZZY_THRESHOLD:
                    found = self._evidence(ids[i], ids[k])
                    found.name = max(found.name, score)

    def pairs(self, dismissed: set[tuple[int, int]]) -> tuple[list[DuplicatePair], int]:
        out: list[DuplicatePair] = []
        left_out = 0
        for (a, b), ev in self.found.items():
            if (a, b) in dismissed:
                left_out += 1
                continue
            reasons: list[str] = []
            doubt = 1.0
            if ev.email and ev.renamed:
                reasons.append(f"same e-mail {ev.email} and first name, another last name")
                doubt *= 1 - _WEIGHT["renamed"]
            elif ev.email:
                reasons.append(f"same e-mail {ev.email}")
                doubt *= 1 - _WEIGHT["email"]
            if ev.phone:
                reasons.append(f"same phone {ev.phone}")
                doubt *= 1 - _WEIGHT["phone"]
            same = bool(self.names[a]) and self.names[a] == self.names[b]
            if ev.name:
                reasons.append("same name at the same company" if same else
                               f"similar name at the same company ({ev.name:.0f}%)")
                doubt *= 1 - _NAME_WEIGHT * ev.name / 100
            elif same:
                reasons.append("same name")
                doubt *= 1 - _WEIGHT["same_name"]
            out.append(DuplicatePair(self.side(a), self.side(b), tuple(reasons),
                                     round(100 * (1 - doubt))))
        out.sort(key=lambda p: (-p.certainty, fold(p.first.name), p.first.id, p.second.id))
        return out, left_out


def follow_merge(pairs: Iterable[DuplicatePair], kept: Side, gone: int) -> list[DuplicatePair]:
    """The pairs still to look at once `gone` was merged into `kept`: the merged pair goes,
    and a pair with `gone` becomes one with `kept` (which now holds its addresses and
    numbers), said once."""
    out: list[DuplicatePair] = []
    seen: dict[tuple[int, int], int] = {}
    for pair in pairs:
        a, b = (kept if s.id in (gone, kept.id) else s for s in (pair.first, pair.second))
        if a.id == b.id:
            continue
        if a.id > b.id:
            a, b = b, a
        moved = replace(pair, first=a, second=b)
        key = (a.id, b.id)
        if key in seen:  # both were paired with the same contact: one pair, every reason
            i = seen[key]
            reasons = tuple(dict.fromkeys((*out[i].reasons, *moved.reasons)))
            out[i] = replace(out[i], reasons=reasons,
                             certainty=max(out[i].certainty, moved.certainty))
        else:
            seen[key] = len(out)
            out.append(moved)
    return out


# --- how a merge folds two contacts into one ----------------------------------------------


def check_prefer(prefer: Mapping[str, str]) -> None:
    for name, choice in prefer.items():
        if name not in SCALAR_FIELDS and not name.startswith(CUSTOM):
            raise ValidationError(f"'{name}' is not a field a merge can choose; use one of "
                                  f"{', '.join(SCALAR_FIELDS)} or custom:<field name>")
        allowed = ("keep", "other", "both") if name == "notes" else ("keep", "other")
        if choice not in allowed:
            raise ValidationError(f"For {name} a merge can take "
                                  f"{' or '.join(repr(a) for a in allowed)}, not {choice!r}")


def combine(keep: Contact, other: Contact,
            prefer: Mapping[str, Choice] | None = None) -> Contact:
    """`keep` with `other` folded in, as a merge saves it; neither is changed. A field in
    `prefer` takes the value of the record it names ("keep" or "other", empty or not); any
    other field keeps `keep`'s value where it has one and takes `other`'s where it has none;
    notes are both texts unless `prefer` says otherwise; every phone, e-mail, address, web
    site, IM handle, tag and custom field of `other` that `keep` lacks is added."""
    prefer = prefer or {}
    check_prefer(prefer)
    out = copy.deepcopy(keep)
    other = copy.deepcopy(other)

    def take(name: str) -> bool:
        """Whether `other`'s value of `name` goes in: chosen, or filling an empty field."""
        choice = prefer.get(name)
        if choice is not None:
            return choice == "other"
        attr = _OPTIONAL.get(name, name)
        mine, theirs = getattr(keep, attr), getattr(other, attr)
        if attr in _TEXT:
            return not mine and bool(theirs)
        return mine is None and theirs is not None

    for name in _TEXT:
        if take(name):
            setattr(out, name, getattr(other, name))
    for name, attr in _OPTIONAL.items():
        if take(name):
            setattr(out, attr, getattr(other, attr))
            if name == "account":
                out.account_name = other.account_name
    if prefer.get("status") == "other":
        out.status = other.status
    photo = prefer.get("photo")
    if photo == "other":
        out.photo, out.photo_mime = other.photo, other.photo_mime
    elif photo is None:
        if not keep.photo_mime and other.photo_mime:
            out.photo_mime = other.photo_mime
        if keep.photo is None and other.photo is not None:
            out.photo = other.photo
    notes = prefer.get("notes", "both")
    if notes == "other":
        out.notes = other.notes
    elif notes == "both" and other.notes and other.notes not in keep.notes:
        out.notes = f"{keep.notes}\n\n{other.notes}".strip()
    for name in LIST_FIELDS:
        key = LIST_KEYS[name]
        mine = getattr(out, name)
        seen = {key(item) for item in mine}
        for item in getattr(other, name):
            if key(item) not in seen:
                item.preferred = False
                mine.append(item)
                seen.add(key(item))
    out.tags = list(dict.fromkeys([*keep.tags, *other.tags]))
    out.custom = other.custom | keep.custom
    for name, choice in prefer.items():
        if name.startswith(CUSTOM):
            field_name = name[len(CUSTOM):]
            chosen = (other if choice == "other" else keep).custom.get(field_name)
            if chosen is None:
                out.custom.pop(field_name, None)
            else:
                out.custom[field_name] = chosen
    out.extra = [*keep.extra, *(p for p in other.extra if p not in keep.extra)]
    return out


Held = Literal["both", "keep", "other"]  # by both records, or by one


def list_origins(keep: Contact, other: Contact, merged: Contact, name: str
                 ) -> list[tuple[object, Held]]:
    """Each item of the merged list `name` (phones, emails, ..., tags) and which record had it."""
    if name == "tags":
        def key(t):
            return t
    else:
        key = LIST_KEYS[name]
    mine = {key(i) for i in getattr(keep, name)}
    theirs = {key(i) for i in getattr(other, name)}
    out: list[tuple[object, Held]] = []
    for item in getattr(merged, name):
        k = key(item)
        out.append((item, "both" if k in mine and k in theirs else
                    "keep" if k in mine else "other"))
    return out


# --- the service --------------------------------------------------------------------------


class DuplicateService:
    def __init__(self, db: Database, region: str | None = None):
        """`region`: the country phone numbers without a country code are read in (the
        settings' default country); by default the machine's."""
        self._db = db
        self._region = region

    def scan(self, cancel: CancelToken | None = None,
             progress: Progress = no_progress) -> DuplicateReport:
        """Every pair of live contacts that are likely one person, most certain first,
        without the pairs the user dismissed. Nothing is written. Progress is in percent."""
        def step(percent: float) -> None:
            if cancel:
                cancel.raise_if_set()
            progress(min(100, round(percent)), 100)

        region = self._region
        if region is None:
            from app.services.imports import default_region  # the machine's country

            region = default_region()
        step(0)
        with self._db.read() as s:
            conn = s.connection()
            finder = _Finder(queries.people(conn), queries.account_names(conn), region)
            step(15)
            finder.by_email(queries.emails(conn))
            step(30)
            finder.by_phone(queries.phones(conn))
            dismissed = _read_dismissed(conn)
        step(60)
        finder.by_name(lambda part: step(60 + 38 * part))
        pairs, left_out = finder.pairs(dismissed)
        step(100)
        return DuplicateReport(pairs, len(finder.names), left_out)

    # --- "not a duplicate" ----------------------------------------------------------------
    # Kept in the data's key/value settings (one JSON list), which needs no schema change;
    # a table of its own would let sync carry them and the journal undo them.

    def dismissed(self) -> set[tuple[int, int]]:
        with self._db.read() as s:
            return _read_dismissed(s.connection())

    def dismiss(self, a: int, b: int) -> None:
        """Remember that contacts `a` and `b` are two people: later scans leave them out."""
        if a == b:
            raise ValidationError("A contact cannot be a duplicate of itself")
        self._change_dismissed(lambda pairs: pairs | {pair_key(a, b)},
                               "remembering that two contacts are not duplicates")

    def undismiss(self, a: int, b: int) -> None:
        """Forget a dismissal: later scans may suggest the pair again."""
        self._change_dismissed(lambda pairs: pairs - {pair_key(a, b)},
                               "forgetting that two contacts are not duplicates")

    def _change_dismissed(self, change: Callable[[set[tuple[int, int]]],
                                                 set[tuple[int, int]]], what: str) -> None:
        with self._db.transaction(what) as s:
            conn = s.connection()
            pairs = change(_read_dismissed(conn, lock=True))
            settings.put(conn, DISMISSED_KEY, json.dumps(sorted(pairs), separators=(",", ":")))


def _read_dismissed(conn, *, lock: bool = False) -> set[tuple[int, int]]:
    raw = settings.get(conn, DISMISSED_KEY, lock=lock)
    if not raw:
        return set()
    try:
        return {pair_key(int(a), int(b)) for a, b in json.loads(raw)}
    except (ValueError, TypeError):  # not what we wrote: start again rather than fail a scan
        return set()
