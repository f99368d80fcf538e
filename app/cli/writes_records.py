"""The writing commands for contacts and accounts: add, edit, delete, restore, purge, link and
unlink. Everything a command will save is read and checked first, so a mistake anywhere in the
arguments saves nothing; each command is one unit of work, so one `undo` takes it back."""

from __future__ import annotations

import copy
import dataclasses

from app.cli import output, views
from app.cli import writes_parse as parse
from app.cli.output import one_line, plural
from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.errors import AmbiguousError, NotFoundError, ValidationError
from app.domain.record import stored_id
from app.services import accounts as account_cases
from app.services import contacts as contact_cases
from app.services.registry import Services

# What a printed line quotes of a name: a 10,000-character name still makes one short line.
NAME_CHARS = 80
NAME_FIELDS = ("prefix", "given", "middle", "family", "suffix")
CONTACT_TEXT = ("nickname", "title", "department", "source", "owner")
CONTACT_CLEARABLE = (*NAME_FIELDS, *CONTACT_TEXT, "notes", "birthday", "anniversary",
                     "company", "phones", "emails", "addresses", "websites", "ims", "tags")


def shown(name: str) -> str:
    return one_line(name, NAME_CHARS)


def say(line: str) -> None:
    print(one_line(line))


# --- finding records ---------------------------------------------------------------------------

def live_contact(s: Services, ref: str) -> Contact:
    cid = s.directory.resolve_contact(ref)
    c = s.contacts.get(cid, include_deleted=True)
    if c.deleted_at is not None:
        raise ValidationError(f"{shown(c.display_name)} (contact {cid}) is in the trash; "
                              f"`contacts restore {cid}` brings it back")
    return c


def live_account(s: Services, ref: str) -> Account:
    aid = s.directory.resolve_account(ref)
    a = s.accounts.get(aid, include_deleted=True)
    if a.deleted_at is not None:
        raise ValidationError(f"{shown(a.name)} (account {aid}) is in the trash; "
                              f"`accounts restore {aid}` brings it back")
    return a


def _by_id(ref: str) -> int | None:
    r = ref.strip()
    return int(r) if r.isascii() and r.isdigit() and len(r) < 19 else None


def _pick(ref: str, kind: str, found: list[tuple[int, str, str]]) -> int:
    """One of (id, uid, name) candidates from the trash: an exact UID or name wins."""
    r = ref.strip()
    exact = [f for f in found if f[1] == r or f[2].casefold() == r.casefold()]
    pick = exact or found
    if len(pick) == 1:
        return pick[0][0]
    if not pick:
        raise NotFoundError(f"No {kind} in the trash matches {output.quoted(ref)}")
    listed = "; ".join(f"{i} {shown(n)}" for i, _u, n in pick[:10])
    raise AmbiguousError(f"{output.quoted(ref)} matches {len(pick)} {kind}s in the trash; "
                         f"use the id: {listed}")


def trashed_contact(s: Services, ref: str) -> Contact:
    """A contact in the trash, by id or name; a live one is named as not being there."""
    cid = _by_id(ref)
    if cid is None:
        ids = s.directory.contact_ids(ref, trash=True, limit=50)
        found = [(c.id, c.uid, c.display_name) for c in s.directory.contact_summaries(ids)]
        try:
            cid = _pick(ref, "contact", found)
        except NotFoundError:
            cid = s.directory.resolve_contact(ref)  # a live one: the caller says so
    return s.contacts.get(cid, include_deleted=True)


def trashed_account(s: Services, ref: str) -> Account:
    aid = _by_id(ref)
    if aid is None:
        # The search index holds live records only; the trash is read and matched here.
        words = ref.casefold().split()
        found = [(a.id, a.uid, a.name) for a in s.directory.accounts(trash=True)
                 if a.uid == ref.strip() or all(w in a.name.casefold() for w in words)]
        try:
            aid = _pick(ref, "account", found)
        except NotFoundError:
            aid = s.directory.resolve_account(ref)
    return s.accounts.get(aid, include_deleted=True)


def company(s: Services, ref: str, create: bool) -> tuple[int | None, str | None]:
    """(id of an existing account, None) or, with --create-company when none matches,
    (None, the name to create)."""
    parse.text(ref, "--company")
    try:
        return live_account(s, ref).id, None
    except NotFoundError:
        if not create:
            raise NotFoundError(f"No account matches {output.quoted(ref)}; add --create-company "
                                "to make it, or see `accounts list`") from None
    name = " ".join(ref.split())
    if not name:
        raise ValidationError("--company needs a name")
    return None, name


# --- printing ----------------------------------------------------------------------------------

def contact_card(s: Services, cid: int) -> dict:
    c = s.contacts.get(cid, include_deleted=True)
    return views.contact_card(c, [g.name for g in s.organize.groups_of_contact(cid)])


def account_card(s: Services, aid: int) -> dict:
    a = s.accounts.get(aid, include_deleted=True)
    return views.account_card(a, s.directory.contacts(account_id=aid))


def report(args, line: str, data) -> int:
    if args.json:
        output.print_json(data)
    else:
        say(line)
    return 0


# --- contacts ----------------------------------------------------------------------------------

def unique_tags(raw: list[str]) -> list[str]:
    # Tags match without case; the first spelling typed is the one kept.
    seen: dict[str, str] = {}
    for name in map(parse.tag, raw):
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def set_text(record, args, fields, multiline=()) -> None:
    for name in fields:
        value = getattr(args, name, None)
        if value is not None:
            parse.text(value, f"--{name.replace('_', '-')}", multiline=name in multiline)
            setattr(record, name, value if name in multiline else value.strip())


def _set_contact_fields(c: Contact, args) -> None:
    if getattr(args, "name", None) is not None:
        for key, value in parse.split_name(args.name).items():
            setattr(c, key, value)
    set_text(c, args, (*NAME_FIELDS, *CONTACT_TEXT, "notes"), multiline=("notes",))
    if args.birthday is not None:
        c.birthday = parse.partial_date(args.birthday, "--birthday")
    if args.anniversary is not None:
        c.anniversary = parse.partial_date(args.anniversary, "--anniversary")
    if args.status is not None:
        c.status = parse.status(args.status)


def _save(s: Services, c: Contact, new_company: str | None, *,
          creating: bool) -> tuple[int, int | None]:
    """Save the contact and, first, its new company: (contact id, new account id). One unit,
    so one undo takes both back."""
    if new_company is None:
        if creating:
            return s.contacts.create(c).new_id(Entity.CONTACT), None
        s.contacts.update(c)
        return stored_id(c), None
    verb = "Add" if creating else "Edit"
    with s.db.unit(f"{verb} {c.display_name or 'contact'} at {new_company}") as tx:
        aid = account_cases.create(tx, Account(name=new_company))
        c.account_id = aid
        if creating:
            cid = contact_cases.create(tx, c)
        else:
            contact_cases.update(tx, c)
            cid = stored_id(c)
    return cid, aid


def _at(new_company: str | None, aid: int | None) -> str:
    if new_company is None:
        return ""
    return f" at {shown(new_company)} (new account {aid})"


def cmd_contacts_add(s: Services, args) -> int:
    c = Contact()
    _set_contact_fields(c, args)
    c.phones = [parse.phone(p) for p in args.phone]
    c.emails = [parse.email(e) for e in args.email]
    c.addresses = [parse.address(a) for a in args.address]
    c.websites = [parse.website(w) for w in args.website]
    c.ims = [parse.im(m) for m in args.im]
    c.tags = unique_tags(args.tag)
    new_company = None
    if args.company is not None:
        c.account_id, new_company = company(s, args.company, args.create_company)
    elif args.create_company:
        raise ValidationError("--create-company goes with --company NAME")
    if not c.display_name:
        raise ValidationError("A contact needs a name or an e-mail address: "
                              "`contacts add \"Ada Lovelace\"`, --given/--family or --email")
    cid, aid = _save(s, c, new_company, creating=True)
    return report(args, f"Added {shown(c.display_name)} (contact {cid})"
                        f"{_at(new_company, aid)}.",
                  contact_card(s, cid))


def _remove(items: list, wanted: str, key, what: str, who: str, fmt) -> None:
    """Take out the items whose key equals the key of what was typed; none is a mistake."""
    target = key(wanted)
    keep = [i for i in items if key(i) != target]
    if len(keep) == len(items):
        have = "; ".join(fmt(i) for i in items[:10]) or "none"
        raise ValidationError(f"{shown(who)} has no {what} {output.quoted(wanted)} "
                              f"(has: {one_line(have, 200)})")
    items[:] = keep


def _phone_key(value) -> str:
    return parse.digits(value if isinstance(value, str) else value.value)


def _phone_match(phones, raw: str) -> str:
    """The phone a typed number means: the same digits, or else the one phone whose digits
    end with them (`555 0100` for `+1 555 0100`, typed without the country code)."""
    wanted = parse.digits(raw)
    if any(p.digits == wanted for p in phones) or len(wanted) < 4:
        return raw
    ends = [p for p in phones if p.digits.endswith(wanted)]
    if len(ends) > 1:
        raise ValidationError(f"--remove-phone {output.quoted(raw)} matches "
                              f"{len(ends)} phones ({', '.join(p.value for p in ends[:5])}); "
                              "give more of the number")
    return ends[0].value if ends else raw


def _email_key(value) -> str:
    return (value if isinstance(value, str) else value.value).strip().casefold()


def _url_key(value) -> str:
    return (value if isinstance(value, str) else value.url).strip().casefold().rstrip("/")


def _im_key(value) -> str:
    return (value if isinstance(value, str) else value.handle).strip().casefold()


def _edit_lists(c: Contact, args, who: str) -> None:
    for raw in args.remove_phone:
        parse.text(raw, "--remove-phone")
        if not parse.digits(raw):
            raise ValidationError(f"--remove-phone {output.quoted(raw)} has no digits; "
                                  "phones are matched by their digits")
        _remove(c.phones, _phone_match(c.phones, raw), _phone_key, "phone", who,
                lambda p: p.value)
    for raw in args.remove_email:
        _remove(c.emails, parse.text(raw, "--remove-email"), _email_key, "e-mail", who,
                lambda e: e.value)
    for raw in args.remove_website:
        _remove(c.websites, parse.text(raw, "--remove-website"), _url_key, "website", who,
                lambda w: w.url)
    for raw in args.remove_im:
        handle = parse.text(raw, "--remove-im").partition(":")[2] if ":" in raw else raw
        _remove(c.ims, handle, _im_key, "IM handle", who, lambda m: f"{m.service}:{m.handle}")
    for n in sorted(set(args.remove_address), reverse=True):  # later ones first: numbers hold
        if n > len(c.addresses):
            raise ValidationError(
                f"{shown(who)} has {plural(len(c.addresses), 'address', 'addresses')}; "
                f"--remove-address {n} is not one (addresses are numbered from 1 as "
                "`contacts show` lists them)")
        del c.addresses[n - 1]
    for raw in args.remove_tag:
        name = parse.tag(raw, "--remove-tag")
        if name.casefold() not in {t.casefold() for t in c.tags}:
            raise ValidationError(f"{shown(who)} has no tag {output.quoted(name)} "
                                  f"(has: {one_line(', '.join(c.tags) or 'none', 200)})")
        c.tags = [t for t in c.tags if t.casefold() != name.casefold()]
    # Adding what is already there leaves one copy: repeating a command is harmless.
    for p in map(parse.phone, args.add_phone):
        if p.digits not in {x.digits for x in c.phones}:
            c.phones.append(p)
    for e in (parse.email(x, "--add-email") for x in args.add_email):
        if _email_key(e) not in {_email_key(x) for x in c.emails}:
            c.emails.append(e)
    for w in (parse.website(x, "--add-website") for x in args.add_website):
        if _url_key(w) not in {_url_key(x) for x in c.websites}:
            c.websites.append(w)
    c.ims += [parse.im(x, "--add-im") for x in args.add_im]
    c.addresses += [parse.address(x, "--add-address") for x in args.add_address]
    for name in (parse.tag(x, "--add-tag") for x in args.add_tag):
        if name.casefold() not in {t.casefold() for t in c.tags}:
            c.tags.append(name)


def _changed_fields(before: Contact, after: Contact) -> list[str]:
    names = [f.name for f in dataclasses.fields(Contact)
             if getattr(before, f.name) != getattr(after, f.name)]
    return ["company" if n == "account_id" else n for n in names if n != "account_name"]


def cmd_contacts_edit(s: Services, args) -> int:
    c = live_contact(s, args.contact)
    before = copy.deepcopy(c)
    who = c.display_name
    setting = {n for n in CONTACT_CLEARABLE
               if getattr(args, n, None) is not None and n not in ("company",)}
    if args.company is not None:
        setting.add("company")
    both = setting & set(args.clear)
    if both:
        raise ValidationError(f"--clear {sorted(both)[0]} and a new value for it in one "
                              "command; give one or the other")
    for name in args.clear:
        if name == "company":
            c.account_id = None
        elif name in ("birthday", "anniversary"):
            setattr(c, name, None)
        elif name in ("phones", "emails", "addresses", "websites", "ims", "tags"):
            setattr(c, name, [])
        else:
            setattr(c, name, "")
    _set_contact_fields(c, args)
    _edit_lists(c, args, who)
    new_company = None
    if args.company is not None:
        c.account_id, new_company = company(s, args.company, args.create_company)
    elif args.create_company:
        raise ValidationError("--create-company goes with --company NAME")
    if not c.display_name:
        raise ValidationError(f"{shown(who)} would be left with no name or e-mail address; "
                              "nothing was saved")
    changed = _changed_fields(before, c)
    if not changed and new_company is None:
        if not _asked_anything(args):
            raise ValidationError("Say what to change: --title X, --clear title, --add-phone "
                                  "..., --remove-tag ... (see `contacts edit --help`)")
        return report(args, f"No change: {shown(who)} (contact {c.id}) already has those "
                            "values.", contact_card(s, stored_id(c)))
    _cid, aid = _save(s, c, new_company, creating=False)
    fields = ", ".join(f.replace("_", " ") for f in changed) or "company"
    return report(args, f"Edited {shown(c.display_name)} (contact {c.id}): {fields}"
                        f"{_at(new_company, aid)}.",
                  contact_card(s, stored_id(c)))


_EDIT_LISTS = ("clear", "add_phone", "remove_phone", "add_email", "remove_email",
               "add_address", "remove_address", "add_website", "remove_website", "add_im",
               "remove_im", "add_tag", "remove_tag")


def _asked_anything(args) -> bool:
    singles = (*NAME_FIELDS, *CONTACT_TEXT, "notes", "birthday", "anniversary", "status",
               "name", "company")
    return (any(getattr(args, n, None) is not None for n in singles)
            or any(getattr(args, n, None) for n in _EDIT_LISTS))


def _names(records, name) -> str:
    listed = ", ".join(shown(name(r)) for r in records[:5])
    return listed + (f" and {len(records) - 5} more" if len(records) > 5 else "")


def _which(kind: str, records, name, after: str = "") -> str:
    """`Ada Lovelace (contact 1) <after>` or `2 contacts <after>: Ada Lovelace, ...`: the list
    goes last, where it can be long."""
    if len(records) == 1:
        return f"{shown(name(records[0]))} ({kind} {records[0].id}){after}"
    return f"{plural(len(records), kind)}{after}: {_names(records, name)}"


def _dedupe(records):
    return list({r.id: r for r in records}.values())


def cmd_trash(kind: str):
    """delete, restore and purge for contacts or accounts: every reference is resolved and
    checked before anything changes, so one bad name changes nothing."""
    contacts = kind == "contact"
    service_of = (lambda s: s.contacts) if contacts else (lambda s: s.accounts)
    name = (lambda r: r.display_name) if contacts else (lambda r: r.name)
    live = live_contact if contacts else live_account
    trashed = trashed_contact if contacts else trashed_account
    card = contact_card if contacts else account_card

    def run(s: Services, args) -> int:
        service = service_of(s)
        if args.action == "delete":
            records = _dedupe(live(s, ref) for ref in args.refs)
            service.delete([r.id for r in records])
            them = "it" if len(records) == 1 else "them"
            return report(args, f"Moved {_which(kind, records, name, ' to the trash')} "
                                f"(`{kind}s restore` brings {them} back).",
                          [card(s, r.id) for r in records])
        records = _dedupe(trashed(s, ref) for ref in args.refs)
        live_ones = [r for r in records if r.deleted_at is None]
        if args.action == "restore":
            if live_ones:
                verb = " is" if len(live_ones) == 1 else " are"
                raise ValidationError(f"{_which(kind, live_ones, name, verb + ' not in the trash')}"
                                      "; nothing was restored")
            service.restore([r.id for r in records])
            return report(args, f"Restored {_which(kind, records, name)}.",
                          [card(s, r.id) for r in records])
        if live_ones:
            r = live_ones[0]
            raise ValidationError(
                f"{shown(name(r))} ({kind} {r.id}) is not in the trash; purge deletes for good "
                f"only what is in the trash (`{kind}s delete {r.id}` first). Nothing was "
                "deleted.")
        cards = [card(s, r.id) for r in records]  # what they were, for --json
        service.purge([r.id for r in records])
        them = "it" if len(records) == 1 else "them"
        return report(args, f"Deleted {_which(kind, records, name, ' for good')} "
                            f"(`undo` still brings {them} back).", cards)
    return run
