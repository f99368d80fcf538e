"""Deciding what each imported record does: the index of what it may match (the stored
contacts and the records read before it), and the Planner that turns records into PlanLines.

A record is matched, in this order, by the same UID, the same e-mail address, the same phone
number (E.164), then its name at the same company (a fuzzy score, see app.domain.matching);
it is matched against the stored contacts and the earlier records of the same import alike,
so a file that holds one person twice makes one contact. What it then does:
- no match: create (also with on_duplicate "create" when the match was not by UID);
- a match whose values it would not change: unchanged;
- otherwise: update (same UID) or merge (anything else), or skip with on_duplicate "skip".
Comparing needs the stored contact: those are read in batches (`fetch`), except when a
record's fingerprint shows at a glance that it is exactly what is stored (a re-import).

The index holds keys alone (read by db.queries.match_keys, never whole contacts), and the
stored contacts' fingerprints are read only for the records that matched one by UID: the
Planner holds the records it is given until a batch is complete (their lines are in the
plan from the start, their warnings reported at once), reads the fingerprints the batch
needs in one go, then decides each record in file order exactly as it would have one by
one. So importing ten cards into a big address book reads ten contacts, not all of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz, process

from app.domain import matching as m
from app.domain.contact import Contact
from app.domain.errors import ValidationError
from app.domain.groups import CustomFieldDef, FieldOwner, Group
from app.services.imports_merge import changed_fields, combine, fingerprint
from app.services.imports_plan import (
    WRITES,
    Action,
    GroupPlan,
    ImportOptions,
    Issue,
    PlanLine,
)
from app.services.imports_sources import Incoming
from importers.vcard import ParsedGroup

Target = int | PlanLine
FETCH_BATCH = 500
# Records held before they are matched (the fingerprints they need read in one go); the
# import takes its lines every 2,000 records anyway (imports.BATCH), which also matches them.
MATCH_BATCH = 2000
_HOW = {"uid": "the same UID", "email": "the same e-mail address",
        "phone": "the same phone number", "name": "the same name and company"}
# The lowest name score that can still reach the threshold with a perfect company score.
_NAME_CUTOFF = (m.FUZZY_THRESHOLD - (1 - m.NAME_WEIGHT) * 100) / m.NAME_WEIGHT


@dataclass
class _People:
    """Contacts at one company (by company_core), for the fuzzy name match. Names are kept
    with their words sorted (see _sorted_words)."""

    names: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)


def _put(d: dict[str, Any], key: str, value: Any) -> None:
    """One value per key, a list only for the few keys that have more (most e-mail
    addresses and phone numbers belong to one contact: a list each would double the
    index's memory)."""
    found = d.get(key)
    if found is None:
        d[key] = value
    elif isinstance(found, list):
        if value not in found:
            found.append(value)
    elif found != value:
        d[key] = [found, value]


def _sorted_words(name: str) -> str:
    """A folded name (words one space apart) with its words in order: "lovelace ada" is
    "ada lovelace". token_sort_ratio(a, b) is fuzz.ratio(_sorted_words(a), _sorted_words(b)),
    and neither token_sort_ratio nor token_set_ratio (nor so m.names_disagree and
    m.match_score) changes when an argument is given with its words sorted."""
    if " " not in name:
        return name
    ordered = " ".join(sorted(name.split()))
    return name if ordered == name else ordered  # the same string: the index holds it once


def _each(found: Any) -> list[Any]:
    return [] if found is None else found if isinstance(found, list) else [found]


class MatchIndex:
    """What a record can match, by its keys (app.domain.matching.Keys), never whole contacts.
    Entries are refs: a stored contact's id (>= 0), or a record of this import (< 0: see
    `pending`), which becomes its contact's id once saved; the record itself is then let go."""

    def __init__(self, region: str | None):
        self.region = region
        self.uids: dict[str, int] = {}
        self.trashed: set[int] = set()
        # Stored contacts' fingerprints (imports_merge), read as records need them: absent,
        # not read yet; None, not to be trusted (saved by this import since, or unreadable).
        self.fingerprints: dict[int, int | None] = {}
        self.emails: dict[str, Any] = {}  # key -> ref, or a list of refs
        self.phones: dict[str, Any] = {}  # tail -> (ref, number), or a list of them
        self.people: dict[str, _People] = {}
        # Each ref's name, its words sorted (see _sorted_words: what names_disagree and the
        # fuzzy scores make of a name does not depend on the order of its words).
        self.names: dict[int, str] = {}
        # Records of this import, by -1 - ref: the PlanLine until it is saved, then its id.
        self.pending: list[PlanLine | int] = []

    def add_stored(self, contact_id: int, keys: m.Keys, trashed: bool = False) -> None:
        """A stored contact, by its keys (m.keys_of, or m.keys_from its columns)."""
        if keys.uid:
            self.uids.setdefault(keys.uid, contact_id)
        if trashed:  # found by UID only: the same record, in the trash
            self.trashed.add(contact_id)
            return
        self.add_keys(contact_id, keys)

    def new_ref(self, line: PlanLine, keys: m.Keys) -> int:
        """Make a record of this import findable, as itself (by its UID too)."""
        ref = -1 - len(self.pending)
        self.pending.append(line)
        if keys.uid:
            self.uids.setdefault(keys.uid, ref)
        self.add_keys(ref, keys)
        return ref

    def add_keys(self, ref: int, keys: m.Keys, *, named: bool = True) -> None:
        """Let later records find `ref` by these e-mail addresses, phones and name.
        `named`: the keys are the target's own, whose name a shared address is checked
        against (not another record's folded into it)."""
        name = _sorted_words(keys.name)
        if named:
            self.names.setdefault(ref, name)
        emails, phones = self.emails, self.phones
        for email in keys.emails:
            if email in emails:
                _put(emails, email, ref)
            else:  # the usual: an address no one else has
                emails[email] = ref
        for tail, number in keys.phones:
            if tail in phones:
                _put(phones, tail, (ref, number))
            else:
                phones[tail] = (ref, number)
        if keys.name and keys.company:
            people = self.people.setdefault(keys.company_core, _People())
            people.names.append(name)
            people.companies.append(keys.company)
            people.refs.append(ref)

    def target(self, ref: int) -> Target:
        """A stored contact's id, or the record of this import (its id once saved)."""
        return ref if ref >= 0 else self.pending[-1 - ref]

    def saved(self, ref: int, contact_id: int) -> None:
        self.pending[-1 - ref] = contact_id
        self.names.setdefault(contact_id, self.names.get(ref, ""))

    def find(self, keys: m.Keys) -> tuple[Target, str] | None:
        """The first match and how it was made (uid, email, phone, name), or None."""
        if keys.uid and (ref := self.uids.get(keys.uid)) is not None:
            return self.target(ref), "uid"
        name, names = keys.name, self.names
        emails, phones = self.emails, self.phones
        for email in keys.emails:
            if email in emails:
                for ref in _each(emails[email]):
                    if not m.names_disagree(name, names.get(ref, "")):
                        return self.target(ref), "email"
        for tail, number in keys.phones:
            if tail in phones:
                for ref, theirs in _each(phones[tail]):
                    if (m.same_phone(number, theirs, self.region)
                            and not m.names_disagree(name, names.get(ref, ""))):
                        return self.target(ref), "phone"
        if name and keys.company:
            people = self.people.get(keys.company_core)
            if people is not None:
                return self._fuzzy(people, name, keys.company)
        return None

    def _fuzzy(self, people: _People, name: str, company: str) -> tuple[Target, str] | None:
        best: tuple[float, int] | None = None
        # token_sort_ratio of the names, as fuzz.ratio of their sorted words (which is how
        # rapidfuzz works it out): the stored side sorted once, not at every comparison.
        for _found, _score, i in process.extract(
                _sorted_words(name), people.names, scorer=fuzz.ratio,
                score_cutoff=_NAME_CUTOFF, limit=5):
            score = m.match_score(name, company, people.names[i], people.companies[i])
            if score >= m.FUZZY_THRESHOLD and (best is None or score > best[0]):
                best = (score, people.refs[i])
        return (self.target(best[1]), "name") if best else None


Fetch = Callable[[list[int]], dict[int, Contact]]
# Stored contacts' fingerprints by id (imports_merge.stored_fingerprint); ids it leaves out
# are compared in full.
Prints = Callable[[list[int]], dict[int, int | None]]
Warn = Callable[[Issue], None]


def _no_prints(ids: list[int]) -> dict[int, int | None]:
    return {}


class Planner:
    """Records in, PlanLines out, in file order. `take()` gives the lines decided so far
    (reading the stored contacts still needed to decide them); `written(lines)` is told
    which were saved, so later records compare with what is stored now."""

    def __init__(self, index: MatchIndex, options: ImportOptions, fetch: Fetch,
                 fields: dict[str, CustomFieldDef], groups: Iterable[Group], warn: Warn,
                 prints: Prints = _no_prints):
        self.index = index
        self.options = options
        self.fetch = fetch
        self.prints = prints
        self.fields = fields
        # The custom fields the records name that the address book lacks: made by the
        # commit (a text field each), so no value in the file is left off.
        self.new_fields: list[CustomFieldDef] = []
        self.warn = warn
        self.lines: list[PlanLine] = []
        self._held: list[tuple[PlanLine, Incoming]] = []  # records not matched yet
        self._waiting: list[tuple[PlanLine, Contact, int, str]] = []
        self._pending: set[int] = set()  # the stored contacts of the waiting records
        # Stored contact -> the line holding what it will be saved as.
        self._planned: dict[int, PlanLine] = {}
        self._groups_by_uid = {m.uid_key(g.uid): g for g in groups if g.uid}
        self._groups_by_name = {g.name.casefold(): g for g in self._groups_by_uid.values()}
        self.groups: list[GroupPlan] = []
        self._group_members: list[tuple[GroupPlan, list[str]]] = []

    # --- records ------------------------------------------------------------------------------

    def add(self, item: Incoming) -> PlanLine:
        """The record's line, in the plan at once; what it does is decided with its batch
        (see the module's docstring), by take() at the latest."""
        c = item.contact
        line = PlanLine(Action.CREATE, item.file, item.line, item.record,
                        item.name or c.display_name, "new", uid=c.uid)
        self.lines.append(line)
        for text in item.warnings:
            self.warn(Issue(item.file, item.line, item.record, text, error=False))
        if c.custom:
            self._prepare(c, line)
        self._held.append((line, item))
        if len(self._held) >= MATCH_BATCH:
            self._match_held()
        return line

    def _match_held(self) -> None:
        """Decide the records held, in order, with the stored fingerprints they need."""
        held, self._held = self._held, []
        index = self.index
        known, uids, trashed = index.fingerprints, index.uids, index.trashed
        batch = [(line, item, item.keys or m.keys_of(item.contact)) for line, item in held]
        wanted = list(dict.fromkeys(
            ref for _line, _item, keys in batch
            if keys.uid and (ref := uids.get(keys.uid)) is not None and ref >= 0
            and ref not in trashed and ref not in known))
        if wanted:
            found = self.prints(wanted)
            for ref in wanted:
                known[ref] = found.get(ref)
        for line, item, keys in batch:
            self._match(line, item, keys)

    def _match(self, line: PlanLine, item: Incoming, keys: m.Keys) -> None:
        c = item.contact
        found = self.index.find(keys)
        if found is not None and found[1] != "uid" and self.options.on_duplicate == "create":
            found = None
        if found is None:
            line.contact = c
            line.ref = self.index.new_ref(line, keys)
            return
        target, how = found
        if isinstance(target, PlanLine):  # a record of this import, not saved yet
            self._into_new(line, target, c, keys, how)
        else:
            self._into_stored(line, target, c, keys, how, item.fingerprint)

    def refuse(self, issue: Issue) -> PlanLine:
        line = PlanLine(Action.REFUSE, issue.file, issue.line, issue.record, "", issue.message)
        self.lines.append(line)
        return line

    def _prepare(self, c: Contact, line: PlanLine) -> None:
        """Custom values for fields that do not exist get a text field made for them; values
        not of their field's kind are left off with a warning (the source left off what else
        cannot be stored, and refused what is not valid: imports_sources.incoming)."""
        for name, value in list(c.custom.items()):
            definition = self.fields.get(name)
            try:
                if definition is None:
                    definition = CustomFieldDef(FieldOwner.CONTACT, " ".join(name.split()))
                    definition.validate()
                    self.fields[name] = definition
                    self.new_fields.append(definition)
                c.custom[name] = definition.canonical(value)
            except ValidationError as exc:
                del c.custom[name]
                self.warn(Issue(line.file, line.line, line.record,
                                f"{exc}; its value '{value[:60]}' was left off", error=False))

    def _into_new(self, line: PlanLine, earlier: PlanLine, c: Contact, keys: m.Keys,
                  how: str) -> None:
        """A record matching one read earlier in this import, not saved yet."""
        line.into = earlier
        where = f"record {earlier.record:,} of {earlier.file}"
        if self.options.on_duplicate == "skip" and how != "uid":
            line.action, line.reason = Action.SKIP, f"{_HOW[how]} as {where}: a duplicate"
            return
        if earlier.contact is None:  # let go already (an import held back): not compared
            line.action, line.reason = Action.MERGE, f"{_HOW[how]} as {where}"
            return
        merged = combine(earlier.contact, c, newer=how == "uid", region=self.index.region)
        changes = changed_fields(earlier.contact, merged)
        if not changes:
            line.action, line.reason = Action.UNCHANGED, f"the same as {where}"
            return
        earlier.contact = merged
        line.action = Action.UPDATE if how == "uid" else Action.MERGE
        line.reason = f"{_HOW[how]} as {where}: folded into it ({', '.join(changes)})"
        line.changes = changes
        if earlier.ref is not None:
            self.index.add_keys(earlier.ref, keys, named=False)

    def _into_stored(self, line: PlanLine, target: int, c: Contact, keys: m.Keys,
                     how: str, printed: int | None = None) -> None:
        line.target_id = target
        if target in self.index.trashed:
            line.action = Action.SKIP
            line.reason = (f"contact {target} has the same UID and is in the trash; restore "
                           "it and import again to update it")
            return
        line.action, line.reason = Action.UNCHANGED, _already(target, how)
        if (how == "uid" and target not in self._planned and target not in self._pending
                and self.index.fingerprints.get(target) == (printed or fingerprint(c))):
            return
        # Unchanged until compared with the stored contact.
        self._waiting.append((line, c, target, how))
        self._pending.add(target)
        self.index.add_keys(target, keys, named=False)
        if len(self._waiting) >= FETCH_BATCH:
            self._compare()

    def _compare(self) -> None:
        """Decide the records waiting for their stored contacts, reading those in one go."""
        waiting, self._waiting = self._waiting, []
        self._pending = set()
        wanted = list(dict.fromkeys(t for _ln, _c, t, _how in waiting if t not in self._planned))
        stored = self.fetch(wanted) if wanted else {}
        for line, c, target, how in waiting:
            earlier = self._planned.get(target)
            base = earlier.contact if earlier is not None else stored.get(target)
            if base is None:  # gone since the index was read: nothing to fold into
                line.action, line.reason, line.contact = Action.CREATE, "new", replace(c)
                line.target_id = None
                continue
            merged = combine(base, c, newer=how == "uid", region=self.index.region)
            changes = changed_fields(base, merged)
            if not changes:
                continue  # unchanged, as provisionally said
            name = base.display_name or f"contact {target}"
            if self.options.on_duplicate == "skip":
                line.action = Action.SKIP
                line.reason = (f"{_HOW[how]} as {name} (contact {target}); left as it is "
                               f"(would change {', '.join(changes)})")
                continue
            line.action = Action.UPDATE if how == "uid" else Action.MERGE
            verb = "changes" if how == "uid" else "adds"
            line.reason = f"{_HOW[how]} as {name} (contact {target}); {verb} " + ", ".join(
                changes)
            line.changes = changes
            line.contact = merged
            if earlier is not None:  # this line now holds both records' values
                earlier.contact = None
            self._planned[target] = line

    # --- groups -------------------------------------------------------------------------------

    def add_group(self, g: ParsedGroup, file: str) -> None:
        """A group card; its members are found once every record has been read."""
        existing = self._groups_by_uid.get(m.uid_key(g.uid)) if g.uid else None
        existing = existing or self._groups_by_name.get(g.name.casefold())
        if existing is not None and existing.saved_search is not None:
            self.warn(Issue(file, g.line, g.record, f"a saved search is already called "
                            f"'{existing.name}', so the group of that name was not imported; "
                            "rename the saved search and import again"))
            return
        for plan in self.groups:  # the same group twice: one group
            if (existing is not None and plan.existing_id == existing.id) or (
                    plan.name.casefold() == g.name.casefold()):
                self._group_members.append((plan, g.members))
                return
        plan = GroupPlan(g.name, g.uid, file, g.line, g.record,
                         existing.id if existing is not None else None)
        self.groups.append(plan)
        self._group_members.append((plan, g.members))

    def _resolve_groups(self) -> None:
        for plan, members in self._group_members:
            for member in members:
                ref = self.index.uids.get(m.uid_key(member))
                target = self.index.target(ref) if ref is not None else None
                if target is None or target in self.index.trashed:  # (a PlanLine never is)
                    plan.missing += 1
                else:
                    plan.members.append(target)
        self._group_members = []
        for plan in self.groups:
            if plan.missing:
                self.warn(Issue(plan.file, plan.line, plan.record,
                                f"{plan.missing:,} member(s) of the group '{plan.name}' are "
                                "neither in the import nor in the address book",
                                error=False))

    # --- batches ------------------------------------------------------------------------------

    def take(self) -> list[PlanLine]:
        """Every line so far, decided; the planner forgets them (the caller keeps them)."""
        self._match_held()
        self._compare()
        lines, self.lines = self.lines, []
        return lines

    def finish(self) -> list[PlanLine]:
        lines = self.take()
        self._resolve_groups()
        return lines

    def written(self, lines: Iterable[PlanLine]) -> None:
        """These lines were saved: what they hold is stored now, so a later record that
        matches one compares with the stored contact."""
        for line in lines:
            if line.action in WRITES and line.target_id is not None:
                self._planned.pop(line.target_id, None)
                # Stored as merged now: compared in full from here on, as it was before
                # fingerprints were read lazily (never read again).
                self.index.fingerprints[line.target_id] = None
            elif line.ref is not None and line.contact_id is not None:
                self.index.saved(line.ref, line.contact_id)


def _already(target: int, how: str) -> str:
    return f"already in the address book as contact {target} ({_HOW[how]})"
