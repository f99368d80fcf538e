"""Saving what a plan says, inside the import's one unit of work, through the use cases the
editor and the bulk path use: new contacts by contacts.bulk_create (their tags linked in one
pass, see write), matched ones by contacts.update, an account made for each company name that
matches none, and the groups of the group cards. The unit journals all of it, so reverting
that unit takes back exactly this import."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain import matching as m
from app.domain.account import Account
from app.domain.contact import Contact
from app.domain.groups import FieldOwner, Group, clean_name
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

    def write(self, lines: Sequence[PlanLine]) -> None:
        """Save the lines that hold a contact to save; each then knows its contact's id and
        lets the contact go."""
        todo = [ln for ln in lines if ln.contact is not None and ln.action in WRITES]
        if not todo:
            return
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
        # The bulk path writes tags contact by contact (a thousand a second); linked here
        # in one pass instead, every tag made once.
        tags = [c.tags for c in contacts]
        for c in contacts:
            c.tags = []
        ids = contact_cases.bulk_create(self.tx, contacts, self.cancel)
        for ln, cid in zip(new, ids, strict=True):
            ln.contact_id = cid
        self.created.update(ids)
        self._link_tags(ids, tags)

    def _link_tags(self, ids: list[int], tags: list[list[str]]) -> None:
        names: dict[str, str] = {}
        for some in tags:
            for tag in some:
                if clean := " ".join(tag.split()):
                    names.setdefault(m.tag_key(clean), clean)
        if not names:
            return
        s = self.tx.session
        tag_ids, _made = organize_repo.ensure_tags(s, list(names.values()))
        by_key = dict(zip(names, tag_ids, strict=True))
        pairs: list[tuple[int, int]] = []
        for cid, some in zip(ids, tags, strict=True):
            keys = dict.fromkeys(m.tag_key(t) for t in some if t.split())
            pairs += [(by_key[k], cid) for k in keys]
        bulk_records.link_tags(s, FieldOwner.CONTACT, pairs)

    def _link_accounts(self, contacts: list[Contact]) -> None:
        """Each contact naming a company gets that account: a stored one of that name (any
        case and punctuation), else one made now, once per name."""
        wanted: dict[str, str] = {}
        for c in contacts:
            name = " ".join((c.account_name or "").split())
            if c.account_id is None and name:
                key = m.company_key(name)
                if key not in self.accounts:
                    wanted.setdefault(key, name)
        if wanted:
            made = [Account(name) for name in wanted.values()]
            for a in made:
                a.validate()
            ids = bulk_records.add_accounts(self.tx.session, made)
            self.accounts.update(zip(wanted, ids, strict=True))
            self.made_accounts += wanted.values()
        for c in contacts:
            name = " ".join((c.account_name or "").split())
            if c.account_id is None and name:
                c.account_id = self.accounts[m.company_key(name)]

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
