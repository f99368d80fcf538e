"""The writing commands for accounts (add, edit) and for where contacts work (link,
unlink); delete, restore and purge are shared with contacts (writes_records.cmd_trash)."""

from __future__ import annotations

import copy
import dataclasses

from app.cli import output
from app.cli import writes_parse as parse
from app.cli.writes_records import (
    account_card,
    contact_card,
    live_account,
    live_contact,
    report,
    set_text,
    shown,
    unique_tags,
)
from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Address
from app.domain.errors import ValidationError
from app.domain.record import stored_id
from app.services.registry import Services

ACCOUNT_CLEARABLE = ("industry", "website", "phone", "address", "parent", "notes", "tags")


def cmd_link(s: Services, args) -> int:
    c = live_contact(s, args.contact)
    a = live_account(s, args.account)
    if c.account_id == a.id:
        return report(args, f"{shown(c.display_name)} is already at {shown(a.name)}.",
                      contact_card(s, stored_id(c)))
    s.contacts.link_account([stored_id(c)], stored_id(a))
    return report(args, f"Linked {shown(c.display_name)} (contact {c.id}) to {shown(a.name)} "
                        f"(account {a.id}).", contact_card(s, stored_id(c)))


def cmd_unlink(s: Services, args) -> int:
    c = live_contact(s, args.contact)
    if c.account_id is None:
        return report(args, f"{shown(c.display_name)} has no company; nothing changed.",
                      contact_card(s, stored_id(c)))
    s.contacts.unlink_account([stored_id(c)])
    return report(args, f"Unlinked {shown(c.display_name)} (contact {c.id}) from "
                        f"{shown(c.account_name or 'its account')}.",
                  contact_card(s, stored_id(c)))


# --- accounts ----------------------------------------------------------------------------------

ACCOUNT_TEXT = ("name", "industry")


def _set_account_fields(s: Services, a: Account, args) -> None:
    set_text(a, args, (*ACCOUNT_TEXT, "notes"), multiline=("notes",))
    if args.website is not None:
        a.website = parse.website(args.website, labelled=False).url
    if args.phone is not None:
        a.main_phone = parse.phone(args.phone, labelled=False).value
    if args.address is not None:
        parsed = parse.address(args.address, labelled=False)
        a.address = Address(**{k: getattr(parsed, k) for k in parse.ADDRESS_PARTS})
    if args.parent is not None:
        parent = live_account(s, parse.text(args.parent, "--parent"))
        if a.id is not None and parent.id == a.id:
            raise ValidationError(f"{shown(a.name)} cannot be its own parent")
        a.parent_id = parent.id


def cmd_accounts_add(s: Services, args) -> int:
    a = Account(name="")
    _set_account_fields(s, a, args)
    a.name = " ".join(a.name.split())
    if not a.name:
        raise ValidationError("An account needs a name: `accounts add \"Acme Corp\"`")
    a.tags = unique_tags(args.tag)
    aid = s.accounts.create(a).new_id(Entity.ACCOUNT)
    return report(args, f"Added {shown(a.name)} (account {aid}).", account_card(s, aid))


def cmd_accounts_edit(s: Services, args) -> int:
    a = live_account(s, args.account)
    before = copy.deepcopy(a)
    who = a.name
    given = {n for n in ACCOUNT_CLEARABLE if getattr(args, n, None) is not None}
    both = given & set(args.clear)
    if both:
        raise ValidationError(f"--clear {sorted(both)[0]} and a new value for it in one "
                              "command; give one or the other")
    for name in args.clear:
        if name == "phone":
            a.main_phone = ""
        elif name == "address":
            a.address = Address()
        elif name == "parent":
            a.parent_id = None
        elif name == "tags":
            a.tags = []
        else:
            setattr(a, name, "")
    _set_account_fields(s, a, args)
    if args.name is not None:
        a.name = " ".join(a.name.split())
        if not a.name:
            raise ValidationError("An account needs a name; nothing was saved")
    for raw in args.remove_tag:
        t = parse.tag(raw, "--remove-tag")
        if t.casefold() not in {x.casefold() for x in a.tags}:
            raise ValidationError(f"{shown(who)} has no tag {output.quoted(t)}")
        a.tags = [x for x in a.tags if x.casefold() != t.casefold()]
    for t in (parse.tag(x, "--add-tag") for x in args.add_tag):
        if t.casefold() not in {x.casefold() for x in a.tags}:
            a.tags.append(t)
    changed = [f.name for f in dataclasses.fields(Account)
               if f.name != "parent_name" and getattr(before, f.name) != getattr(a, f.name)]
    if not changed:
        if not (given or args.clear or args.add_tag or args.remove_tag):
            raise ValidationError("Say what to change: --industry X, --clear website, "
                                  "--add-tag ... (see `accounts edit --help`)")
        return report(args, f"No change: {shown(who)} (account {a.id}) already has those "
                            "values.", account_card(s, stored_id(a)))
    s.accounts.update(a)
    labels = {"main_phone": "phone", "parent_id": "parent"}
    fields = ", ".join(labels.get(f, f) for f in changed)
    return report(args, f"Edited {shown(a.name)} (account {a.id}): {fields}.",
                  account_card(s, stored_id(a)))
