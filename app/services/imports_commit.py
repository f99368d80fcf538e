"""Saving what a plan says, inside the import's one unit of work, through the use cases the
editor and the bulk path use: new contacts by contacts.bulk_create (their tags linked in one
pass, see db.repositories.bulk.link_contact_tags), matched ones by contacts.update, an
account made for each company name that matches none, and the groups of the group cards.
The unit journals all of it, so reverting that unit takes back exactly this import."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain import matching as m
from app.domain.account import Account
from app.domain.contact import Contact
from app.domain.groups import CustomFieldDef, FieldOwner, Group, clean_name
from app.services import contacts as contact_cases
from app.services.imports_plan import WRITES, Action, GroupPlan, PlanLine
from app.services.progress import CancelToken
from db.repositories import bulk_records
from db.repositories import organize as organize_repo
from db.unit import Unit


class Writer:
    """Writes batches of plan lines into `tx`. `accounts`: the stored accounts' ids by
    company_key; the ones it makes join them, so a company is made once per import."""

    def __init__(self, tx: Unit, accounts: dict[str, int], cancel: CancelToken | None = None):
        self.tx = tx
        self.accounts = accounts
        self.cancel = cancel
        self.created: set[int] = set()
        self.made_accounts: list[str] = []
        # Custom fields to make before the contacts holding their values (the planner's
        # list, which grows as it reads); those up to `_fields_made` are made.
        self.new_fields: list[CustomFieldDef] = []
        self._fields_made = 0

    def write(self, lines: Sequence[PlanLine]) -> None:
        """Save the lines that hold a contact to save; each then knows its contact's id and
        lets the contact go."""
        todo = [ln for ln in lines if ln.contact is not None and ln.action in WRITES]
        if not todo:
            return
        for d in self.new_fields[self._fields_made:]:
            organize_repo.add_field(self.tx.session, d)
        self._fields_made = len(self.new_fields)
        contacts = [ln.contact for ln in todo if ln.contact is not None]
        self._link_accounts(contacts)
        new = [ln for ln in todo if ln.action == Action.CREATE]
        if new:
            self._create(new)
        for ln in todo:
            if ln.action != Action.CREATE:
                if self.cancel:
                    self.cancel.raise_if_set()
                assert ln.contact is not None
                contact_cases.update(self.tx, ln.contact)
                ln.contact_id = ln.target_id
            ln.contact = None

    def _create(self, new: list[PlanLine]) -> None:
        contacts = [ln.contact for ln in new if ln.contact is not None]
        ids = contact_cases.bulk_create(self.tx, contacts, self.cancel)
        for ln, cid in zip(new, ids, strict=True):
            ln.contact_id = cid
        self.created.update(ids)

    def _link_accounts(self, contacts: list[Contact]) -> None:
        """Each contact naming a company gets that account: a stored one of that name (any
        case and punctuation), else one made now, once per name."""
        wanted: dict[str, str] = {}
        keyed: list[tuple[Contact, str]] = []
        accounts = self.accounts
        for c in contacts:
            if c.account_id is None and c.account_name and (
                    name := " ".join(c.account_name.split())):
                key = m.company_key(name)
                keyed.append((c, key))
                if key not in accounts:
                    wanted.setdefault(key, name)
        if wanted:
            made = [Account(name) for name in wanted.values()]
            for a in made:
                a.validate()
            ids = bulk_records.add_accounts(self.tx.session, made)
            accounts.update(zip(wanted, ids, strict=True))
            self.made_accounts += wanted.values()
        for c, key in keyed:
            c.account_id = accounts[key]

    def groups(self, plans: Sequence[GroupPlan]) -> None:
        """Make the groups of the import's group cards (or add to the stored ones of the
        same UID or name) and put their members in them."""
        s = self.tx.session
        for plan in plans:
            ids = list(dict.fromkeys(
                i for i in (x.resolved_id if isinstance(x, PlanLine) else x
                            for x in plan.members) if i is not None))
            if plan.existing_id is None:
                group = Group(clean_name(plan.name), uid=plan.uid)
                group.validate()
                plan.group_id = organize_repo.add_group(s, group)
            else:
                plan.group_id = plan.existing_id
            fresh = [i for i in ids if i in self.created]
            # Contacts made by this import cannot be in a group yet, and are not journaled
            # one by one (their removal on undo takes their memberships along).
            bulk_records.add_group_members(s, FieldOwner.CONTACT,
                                           [(plan.group_id, i) for i in fresh])
            stored = [i for i in ids if i not in self.created]
            added = organize_repo.add_members(s, plan.group_id, FieldOwner.CONTACT,
                                              stored) if stored else []
            plan.added = len(fresh) + len(added)
