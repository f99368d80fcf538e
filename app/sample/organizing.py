"""Sample groups, tags and custom fields, and who carries them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.domain.contact import ContactStatus
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner, Group
from app.domain.record import stored_id
from app.sample.draw import Uids, Weighted, chance, one
from app.sample.people import Firm, Roster
from app.sample.words import Words
from db.repositories import bulk_records
from db.repositories import organize as organize_repo

CONTACT_TIME, RENEWAL, REVENUE = "Preferred contact time", "Contract renewal", "Annual revenue"
# How often each tag is chosen for a tagged contact; 'Decision maker' also follows job titles.
TAG_WEIGHTS = {"VIP": 15, "Decision maker": 10, "Newsletter": 25, "Partner": 10, "Hot lead": 15,
               "Referral source": 8, "Holiday card": 12, "Do not call": 5}


@dataclass
class Setup:
    fields: dict[str, CustomFieldDef]  # only the fields whose values we may write
    groups: dict[str, int]  # by list name (labels.txt), year filled in
    tags: list[str]  # created when first used, so no tag is left that nothing carries


def prepare(session: Session, words: Words, today: date, uids: Uids) -> Setup:
    """Define the fields, groups and tags, reusing ones a mixed-in database already has."""
    wanted = [CustomFieldDef(FieldOwner.CONTACT, CONTACT_TIME, FieldKind.CHOICE,
                             list(words.label("contact_time"))),
              CustomFieldDef(FieldOwner.ACCOUNT, REVENUE, FieldKind.NUMBER),
              CustomFieldDef(FieldOwner.CONTACT, RENEWAL, FieldKind.DATE)]
    fields = {}
    for d in wanted:
        d.validate()
        same = [f for f in organize_repo.list_fields(session, d.owner)
                if f.name.casefold() == d.name.casefold()]
        if not same:
            d.id = organize_repo.add_field(session, d)
            fields[d.name] = d
        elif same[0].kind == d.kind and set(d.choices) <= set(same[0].choices):
            fields[d.name] = same[0]
        # else: the user's own field of that name means something else; leave it be
    existing = {g.name.casefold(): g.id for g in organize_repo.list_groups(session)}
    groups = {}
    for name, description in words.labels["group"]:
        title = name.format(year=today.year)
        group = Group(title, description, uid=uids())
        group.validate()
        groups[name] = existing.get(title.casefold()) or organize_repo.add_group(session, group)
    return Setup(fields, groups, [n for n in words.label("tag") if n in TAG_WEIGHTS])


def apply(session: Session, setup: Setup, roster: Roster, firms: list[Firm],
          rng: random.Random, today: date) -> tuple[int, int]:
    """Tag about 30 % of contacts, fill the groups and custom values; returns (tags used,
    contacts tagged)."""
    tags = Weighted([(n, TAG_WEIGHTS[n]) for n in setup.tags or TAG_WEIGHTS])
    tagged: dict[int, list[str]] = {}
    for i, dept in enumerate(roster.department):
        names: list[str] = []
        if dept == "Executive" and chance(rng, 0.5):
            names.append("Decision maker")
        if chance(rng, 0.27):
            names.extend(tags.pick(rng) for _ in range(1 if chance(rng, 0.75) else 2))
        if names:
            tagged[i] = list(dict.fromkeys(names))
    seen = {n for names in tagged.values() for n in names}
    used = [n for n in TAG_WEIGHTS if n in seen]
    ids = dict(zip(used, organize_repo.ensure_tags(session, used)[0], strict=True)) if used \
        else {}
    bulk_records.link_tags(session, FieldOwner.CONTACT, [
        (ids[n], roster.ids[i]) for i, names in tagged.items() for n in names])
    _groups(session, setup, roster, firms, tagged, rng)
    _custom(session, setup, roster, firms, rng, today)
    return len(used), len(tagged)


def _groups(session: Session, setup: Setup, roster: Roster, firms: list[Firm],
            tagged: dict[int, list[str]], rng: random.Random) -> None:
    members: dict[str, list[int]] = {name: [] for name in setup.groups}
    biggest = sorted(range(len(firms)), key=lambda f: (-len(firms[f].people), f))
    key_firms = set(biggest[:max(1, len(firms) // 10)] if firms else [])
    for i in range(len(roster)):
        status = roster.status[i]
        if "Newsletter" in tagged.get(i, ()) or (status != ContactStatus.OTHER
                                                 and chance(rng, 0.1)):
            members.setdefault("Newsletter", []).append(i)
        if roster.firm[i] in key_firms and (roster.department[i] == "Executive"
                                            or "Decision maker" in tagged.get(i, ())):
            members.setdefault("Key accounts", []).append(i)
        if roster.source[i] == "Trade show":
            members.setdefault("Trade show {year}", []).append(i)
        if status == ContactStatus.CUSTOMER and chance(rng, 0.03):
            members.setdefault("Beta testers", []).append(i)
    bulk_records.add_group_members(session, FieldOwner.CONTACT, [
        (setup.groups[g], roster.ids[i]) for g, people in members.items() if g in setup.groups
        for i in people])
    if "Key accounts" in setup.groups:
        bulk_records.add_group_members(session, FieldOwner.ACCOUNT, [
            (setup.groups["Key accounts"], firms[f].id) for f in sorted(key_firms)])


def _custom(session: Session, setup: Setup, roster: Roster, firms: list[Firm],
            rng: random.Random, today: date) -> None:
    rows = []
    if (timing := setup.fields.get(CONTACT_TIME)) is not None:
        timing_id = stored_id(timing)
        rows += [(timing_id, cid, one(rng, timing.choices)) for cid in roster.ids
                 if chance(rng, 0.4)]
    if (renewal := setup.fields.get(RENEWAL)) is not None:
        renewal_id = stored_id(renewal)
        rows += [(renewal_id, cid, (today + timedelta(days=rng.randrange(10, 400))).isoformat())
                 for cid, status in zip(roster.ids, roster.status, strict=True)
                 if status == ContactStatus.CUSTOMER and chance(rng, 0.7)]
    bulk_records.add_custom_values(session, FieldOwner.CONTACT, rows)
    if (revenue := setup.fields.get(REVENUE)) is not None:
        # Log-uniform from about 200 thousand to 50 million, to the nearest thousand.
        bulk_records.add_custom_values(session, FieldOwner.ACCOUNT, [
            (stored_id(revenue), firm.id, revenue.canonical(str(int(10 ** rng.uniform(5.3, 7.7))
                                                        // 1000 * 1000)))
            for firm in firms if chance(rng, 0.7)])
