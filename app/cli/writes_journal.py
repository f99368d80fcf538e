"""The writing commands over the timeline, groups and the change journal: log, groups, undo,
redo, changes and revert."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from app.cli import output, views
from app.cli import writes_parse as parse
from app.cli.commands import viewer_zone
from app.cli.output import one_line, plural
from app.cli.writes_records import live_account, live_contact, report, say, shown
from app.domain.changes import Entity
from app.domain.errors import NotFoundError, ValidationError
from app.domain.groups import Group, clean_name
from app.domain.history import HistoryItem, HistoryKind, Outcome
from app.domain.record import stored_id
from app.domain.summaries import HistoryEntry
from app.services.journal import FieldChange, UnitInfo
from app.services.registry import Services

# --- log ---------------------------------------------------------------------------------------


def cmd_log(s: Services, args) -> int:
    viewer = viewer_zone(args.tz)
    kind = HistoryKind(args.kind)
    contact = live_contact(s, args.contact) if args.contact is not None else None
    account = live_account(s, args.account) if args.account is not None else None
    if contact is None and account is None:
        raise ValidationError(f"Say who the {kind.value} was with: a CONTACT, --account, "
                              "or both")
    regarding = (parse.text(args.regarding, "--regarding") or "").strip()
    details = parse.text(args.details, "--details", multiline=True) or ""
    if not (regarding or details.strip()):
        raise ValidationError(f"Say what the {kind.value} was about: --regarding TEXT and/or "
                              "--details TEXT")
    item = HistoryItem(
        kind, parse.when(args.when, viewer), regarding, details,
        parse.outcome(args.outcome) if args.outcome is not None else Outcome.COMPLETED,
        args.duration, contact_ids=[stored_id(contact)] if contact else [],
        account_id=account.id if account else None)
    hid = s.timeline.log(item).new_id(Entity.HISTORY)
    entry = HistoryEntry(hid, item.kind, item.occurred_at, item.outcome, item.regarding,
                         item.details, item.duration_minutes,
                         (contact.display_name,) if contact else (),
                         account.name if account else None)
    with_whom = " and ".join(shown(n) for n in (
        contact.display_name if contact else None, account.name if account else None) if n)
    about = f": {shown(regarding or details)}"
    return report(args, f"Logged {kind.value} with {with_whom} on "
                        f"{item.occurred_at:%Y-%m-%d %H:%M}{about} (history {hid}).",
                  views.history_item(entry, viewer))


# --- groups ------------------------------------------------------------------------------------

def group_item(g: Group) -> dict[str, Any]:
    return {"id": g.id, "uid": g.uid, "name": g.name, "description": g.description,
            "contacts": g.contact_count, "accounts": g.account_count}


GROUP_HEADERS = ("ID", "NAME", "CONTACTS", "ACCOUNTS", "DESCRIPTION")


def find_group(s: Services, ref: str) -> Group:
    """A group by name (case and spacing as typed do not matter) or id."""
    parse.text(ref, "the group name")
    groups = s.organize.groups()
    key = clean_name(ref).casefold()
    found = [g for g in groups if g.name.casefold() == key]
    r = ref.strip()
    if not found and r.isascii() and r.isdigit():
        found = [g for g in groups if g.id == int(r)]
    if found:
        return found[0]
    known = ", ".join(shown(g.name) for g in groups[:10]) or "there are none yet"
    raise NotFoundError(f"No group called {output.quoted(ref)} (groups: {known}; "
                        "`groups add NAME` makes one)")


def _group_name(raw: str, what: str) -> str:
    parse.text(raw, what)
    name = clean_name(raw)
    if not name:
        raise ValidationError(f"{what} is empty; a group needs a name")
    return name


def cmd_groups_add(s: Services, args) -> int:
    name = _group_name(args.name, "The group name")
    description = parse.text(args.description, "--description", multiline=True) or ""
    gid = s.organize.create_group(Group(name, description)).new_id(Entity.GROUP)
    g = find_group(s, name)
    return report(args, f"Added group {shown(name)} (group {gid}).", group_item(g))


def cmd_groups_rename(s: Services, args) -> int:
    g = find_group(s, args.old)
    new = _group_name(args.new, "The new name")
    description = parse.text(args.description, "--description", multiline=True)
    s.organize.rename_group(stored_id(g), new, description)
    return report(args, f"Renamed group {shown(g.name)} to {shown(new)}.",
                  group_item(find_group(s, new)))


def cmd_groups_delete(s: Services, args) -> int:
    g = find_group(s, args.name)
    s.organize.delete_group(stored_id(g))
    kept = plural(g.contact_count, "contact")
    return report(args, f"Deleted group {shown(g.name)} (group {g.id}); its {kept} stay as "
                        "they are.", group_item(g))


def cmd_groups_list(s: Services, args) -> int:
    groups = [group_item(g) for g in s.organize.groups()]
    if args.json:
        output.print_json(groups)
    elif not groups:
        print("No groups yet; `groups add NAME` makes one.")
    else:
        output.print_table(GROUP_HEADERS, [(g["id"], g["name"], g["contacts"], g["accounts"],
                                            g["description"]) for g in groups])
    return 0


def cmd_groups_members(s: Services, args) -> int:
    g = find_group(s, args.name)
    adding = list({c.id: c for c in (live_contact(s, r) for r in args.add)}.values())
    removing = list({c.id: c for c in (live_contact(s, r) for r in args.remove)}.values())
    both = {stored_id(c) for c in adding} & {stored_id(c) for c in removing}
    if both:
        raise ValidationError(f"Contact {min(both)} is both added and removed; nothing changed")
    current, accounts = s.organize.group_members(stored_id(g))
    done = []
    if adding:
        new = [c for c in adding if c.id not in current]
        s.organize.add_to_group(stored_id(g), [stored_id(c) for c in adding])
        done.append(f"added {_named(new)}" if new else "the ones to add were already in it")
    if removing:
        gone = [c for c in removing if c.id in current]
        if gone:
            s.organize.remove_from_group(stored_id(g), [stored_id(c) for c in gone])
        done.append(f"removed {_named(gone)}" if gone else "the ones to remove were not in it")
    current, accounts = s.organize.group_members(stored_id(g))
    people = [views.contact_item(c) for c in s.directory.contact_summaries(current)]
    firms = [views.account_item(a) for a in s.directory.accounts()
             if a.id in set(accounts)] if accounts else []
    g = find_group(s, g.name)
    data = {"group": group_item(g), "contacts": people, "accounts": firms}
    if args.json:
        output.print_json(data)
    elif done:
        say(f"Group {shown(g.name)}: " + "; ".join(done)
            + f" (now {plural(len(people), 'contact')}).")
    elif not people and not firms:
        say(f"Group {shown(g.name)} has no members yet.")
    else:
        output.print_table(views.CONTACT_HEADERS, [views.contact_row(d) for d in people])
        if firms:
            print()
            output.print_table(views.ACCOUNT_HEADERS, [views.account_row(d) for d in firms])
    return 0


def _named(contacts) -> str:
    if len(contacts) == 1:
        return shown(contacts[0].display_name)
    return f"{plural(len(contacts), 'contact')} (" + ", ".join(
        shown(c.display_name) for c in contacts[:5]) + (", ..." if len(contacts) > 5 else "") + ")"


# --- the journal -------------------------------------------------------------------------------

def _seen(when: datetime, viewer: tzinfo) -> datetime:
    return when.astimezone(viewer)


def _note(u: UnitInfo) -> str:
    parts = []
    if u.reverts is not None:
        verb = {"undo": "undoes", "redo": "redoes"}.get(u.origin, "reverts")
        parts.append(f"{verb} {u.reverts}")
    if u.reverted_by is not None:
        parts.append(f"{'redone' if u.origin == 'undo' else 'undone'} by {u.reverted_by}")
    if u.whole:
        parts.append("whole database")
    return ", ".join(parts)


def unit_item(u: UnitInfo, viewer: tzinfo) -> dict[str, Any]:
    return {"seq": u.seq, "when": _seen(u.created_at, viewer), "who": u.actor,
            "origin": u.origin, "what": u.label, "records": u.records,
            "reverts": u.reverts, "reverted_by": u.reverted_by, "whole": u.whole}


UNIT_HEADERS = ("CHANGE", "WHEN", "WHO", "ORIGIN", "WHAT", "RECORDS", "NOTE")
FIELD_HEADERS = ("WHEN", "WHO", "FIELD", "BEFORE", "AFTER", "CHANGE")


def _value(v: Any) -> str:
    """A before or after value as a short cell: lists of phones or tags by their values."""
    if v is None or v == "" or v == []:
        return "(empty)"
    if isinstance(v, bytes):
        return f"({len(v):,} bytes)"
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    if isinstance(v, dict):
        for key in ("value", "url", "handle"):
            if v.get(key):
                return str(v[key])
        if "street" in v:
            return ", ".join(str(v[k]) for k in ("street", "locality", "region",
                                                 "postal_code", "country") if v.get(k))
        return ", ".join(f"{k}={x}" for k, x in v.items() if x not in (None, ""))
    return str(v)


def _what(f: FieldChange) -> tuple[str, Any, Any]:
    """(field, before, after) as the history shows them; trash moves are said in words."""
    if f.op in ("insert", "bulk_insert"):
        return "(created)", None, None
    if f.op in ("delete", "bulk_delete"):
        return "(deleted for good)", None, None
    if f.field == "deleted_at":
        return "(trash)", "in the trash" if f.before else "live", \
            "in the trash" if f.after else "live"
    if f.field in _POINTERS:
        name, kind = _POINTERS[f.field]
        before, after = (f"{kind} {v}" if v is not None else None for v in (f.before, f.after))
        return name, before, after
    return f.field or "", f.before, f.after


# Fields that hold another record's id, shown by what they mean.
_POINTERS = {"account_id": ("company", "account"), "parent_id": ("parent", "account")}


def _cell(field: str, v: Any) -> str:
    # Creation and deletion have no before and after: blank, not "(empty)".
    return "" if field.startswith("(") and v is None else _value(v)


def field_item(f: FieldChange, viewer: tzinfo) -> dict[str, Any]:
    return {"seq": f.seq, "when": _seen(f.when, viewer), "who": f.actor, "origin": f.origin,
            "what": f.label, "op": f.op, "field": f.field, "before": f.before,
            "after": f.after}


def _record(s: Services, ref: str) -> tuple[Entity, int, str]:
    """`account:REF` or `contact:REF` (a bare REF is a contact). A purged record has only its
    id left; its history is still there by that id."""
    parse.text(ref, "RECORD")
    kind, sep, rest = ref.partition(":")
    entity = Entity.CONTACT
    if sep and kind.strip().casefold() in ("account", "contact"):
        entity, ref = Entity(kind.strip().casefold()), rest
    resolve = (s.directory.resolve_contact if entity == Entity.CONTACT
               else s.directory.resolve_account)
    try:
        rid = resolve(ref)
    except NotFoundError:
        r = ref.strip()
        if not (r.isascii() and r.isdigit() and len(r) < 19):
            raise
        return entity, int(r), f"{entity.value} {r}"
    if entity == Entity.CONTACT:
        name = s.contacts.get(rid, include_deleted=True).display_name
    else:
        name = s.accounts.get(rid, include_deleted=True).name
    return entity, rid, f"{shown(name)} ({entity.value} {rid})"


def cmd_changes(s: Services, args) -> int:
    viewer = viewer_zone(args.tz)
    if args.record is None:
        units = s.journal.units(args.limit)
        if args.json:
            output.print_json([unit_item(u, viewer) for u in units])
        elif not units:
            print("No changes yet.")
        else:
            output.print_table(UNIT_HEADERS, [
                (u.seq, f"{_seen(u.created_at, viewer):%Y-%m-%d %H:%M}", u.actor, u.origin,
                 u.label, u.records, _note(u)) for u in units])
        return 0
    entity, rid, name = _record(s, args.record)
    entries = s.journal.history(entity, rid, args.limit)
    if args.json:
        output.print_json([field_item(f, viewer) for f in entries])
    elif not entries:
        say(f"No changes recorded for {name}.")
    else:
        rows = []
        for f in entries:
            field, before, after = _what(f)
            rows.append((f"{_seen(f.when, viewer):%Y-%m-%d %H:%M}", f.actor,
                         field.replace("_", " "), _cell(field, before), _cell(field, after),
                         f.seq))
        say(f"Changes to {name}, newest first:")
        output.print_table(FIELD_HEADERS, rows)
    return 0


def _undo_redo(s: Services, args, redo: bool) -> int:
    viewer = viewer_zone(args.tz)
    target = s.journal.redo_target() if redo else s.journal.undo_target()
    if target is None:
        return report(args, f"Nothing to {'redo' if redo else 'undo'}.",
                      {"done": None, "target": None, "change": None})
    if redo:
        original = s.journal.unit(target.reverts) if target.reverts else None
        label = original.label if original else target.label.removeprefix("Undo ")
        s.journal.redo()
    else:
        label = target.label
        s.journal.undo()
    made = _known_unit(s, s.journal.last_seq())
    target = _known_unit(s, target.seq)
    verb = "Redid" if redo else "Undid"
    return report(args, f"{verb}: {_sentence(label)}",
                  {"done": "redo" if redo else "undo", "target": unit_item(target, viewer),
                   "change": unit_item(made, viewer)})


def _known_unit(s: Services, seq: int) -> UnitInfo:
    """A unit this command just made or acted on, which the journal therefore has."""
    u = s.journal.unit(seq)
    if u is None:
        raise NotFoundError(f"There is no change {seq} in the journal")
    return u


def _sentence(label: str) -> str:
    # Labels often end in a name's own full stop ("Edit Ada Lovelace Jr."): one is enough.
    text = one_line(label, 200)
    return text if text.endswith(".") else text + "."


def cmd_undo(s: Services, args) -> int:
    return _undo_redo(s, args, redo=False)


def cmd_redo(s: Services, args) -> int:
    return _undo_redo(s, args, redo=True)


def cmd_revert(s: Services, args) -> int:
    viewer = viewer_zone(args.tz)
    target = s.journal.unit(args.change)
    if target is None:
        raise NotFoundError(f"There is no change {args.change} in the journal (`changes` lists "
                            "them)")
    s.journal.revert(args.change)  # RevertRefused says which record and which later change
    made = _known_unit(s, s.journal.last_seq())
    return report(args, f"Reverted change {target.seq} (as change {made.seq}): "
                        f"{_sentence(target.label)}",
                  {"done": "revert", "target": unit_item(_known_unit(s, target.seq), viewer),
                   "change": unit_item(made, viewer)})
