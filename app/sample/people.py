"""Sample accounts (companies) and contacts (people), written through the bulk repositories."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.domain.account import Account
from app.domain.contact import Address, Contact, ContactStatus, Email, ImHandle, Phone, Website
from app.domain.dates import PartialDate
from app.sample.draw import Uids, Weighted, chance, one
from app.sample.meter import Meter
from app.sample.words import City, Words, mail_part
from db.repositories import bulk, bulk_records

CHUNK = 5000
LINKED = 0.85  # share of contacts who work for one of the accounts
STATUS = Weighted([(ContactStatus.LEAD, 30), (ContactStatus.PROSPECT, 25),
                   (ContactStatus.CUSTOMER, 35), (ContactStatus.OTHER, 10)])
# How work addresses are usually spelled: given.family@ most of the time.
MAIL_STYLES = Weighted([("{g}.{f}", 55), ("{g0}{f}", 15), ("{g}", 8), ("{g}.{f0}", 8),
                        ("{f}.{g}", 8), ("{g}_{f}", 6)])
ANGLOPHONE = {"us", "gb", "ca", "au", "ie"}
UNTITLED = {"jp"}  # no "Mrs." or "Jr." around a name written in kanji
# Birthdays: every day of a common year, plus Feb 29 for the few born on it.
_DAYS = [(d.month, d.day) for d in (date.fromordinal(date(2001, 1, 1).toordinal() + i)
                                    for i in range(365))]
_LEAP_YEARS = [y for y in range(1952, 2002) if y % 4 == 0]


@dataclass
class Firm:
    """A stored account, as the later steps need it."""

    id: int
    name: str
    domain: str
    city: City
    address: Address
    industry: str
    rep: str
    people: list[int] = field(default_factory=list)  # roster positions


@dataclass
class Roster:
    """What later steps need of every stored contact, as parallel lists (cheap at 100k)."""

    ids: list[int] = field(default_factory=list)
    firm: list[int] = field(default_factory=list)  # index into the firms, -1 for none
    first: list[str] = field(default_factory=list)
    city: list[City] = field(default_factory=list)
    status: list[ContactStatus] = field(default_factory=list)
    department: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


def add_accounts(session: Session, words: Words, count: int, rng: random.Random, uids: Uids,
                 meter: Meter) -> list[Firm]:
    drafts: list[tuple[Account, City, str]] = []
    names: set[str] = set()
    domains: set[str] = set()
    reps = words.label("rep")
    notes = words.label("account_note")
    for i in range(count):
        country = words.countries.pick(rng)
        city = one(rng, words.cities[country.key])
        industry, trades = one(rng, words.industries)
        trade = one(rng, trades)
        if chance(rng, 0.2) and country.key in words.family:
            lead = one(rng, words.family[country.key]).masculine.text
        else:
            lead = one(rng, words.company_words)
        base = f"{lead} {trade}"
        if base in names:
            base = f"{base} {city.name}"
        while base in names:
            base = f"{base} {len(names) % 97 + 2}"
        names.add(base)
        domain = mail_part(base.replace(" ", ""))
        while domain in domains:
            domain += str(i)
        domains.add(domain)
        domain += ".example"
        account = Account(
            name=f"{base} {one(rng, country.legal_forms)}", industry=industry,
            website=f"https://www.{domain}", main_phone=city.work_phone.fill(rng),
            address=_address(rng, words, city, "work"),
            notes=one(rng, notes) if chance(rng, 0.25) else "", uid=uids())
        account.validate()
        drafts.append((account, city, one(rng, reps)))
    ids = bulk_records.add_accounts(session, [a for a, _, _ in drafts])
    # A few subsidiaries: their parent comes earlier, so the hierarchy cannot loop.
    bulk_records.set_parents(session, [
        (ids[i], ids[rng.randrange(i)]) for i in range(3, count) if chance(rng, 0.08)])
    meter.advance(count)
    return [Firm(aid, a.name, a.website.removeprefix("https://www."), city, a.address,
                 a.industry, rep) for aid, (a, city, rep) in zip(ids, drafts, strict=True)]


def _address(rng: random.Random, words: Words, city: City, label: str) -> Address:
    street = one(rng, words.streets[city.country.key]).format(
        n=rng.randrange(1, 240), b=rng.randrange(1, 9))
    return Address(street=street, locality=city.name, region=city.region,
                   postal_code=city.postcode.fill(rng), country=city.country.name, label=label)


def add_contacts(session: Session, words: Words, count: int, firms: list[Firm],
                 rng: random.Random, uids: Uids, meter: Meter,
                 full_details: bool = False) -> Roster:
    """Contacts in chunks, one bulk insert each; the firms learn who works for them."""
    linked = round(count * LINKED) if firms else 0
    seeded = min(len(firms), linked)  # every company gets somebody before any gets two
    size = Weighted([(i, min(rng.paretovariate(1.4), 25.0)) for i in range(len(firms))]) \
        if firms else None
    where = list(range(seeded)) + (size.many(rng, linked - seeded) if size else [])
    where += [-1] * (count - linked)
    rng.shuffle(where)
    maker = _ContactMaker(words, rng, uids, full_details)
    roster = Roster()
    for start in range(0, count, CHUNK):
        meter.check()
        places = where[start:start + CHUNK]
        made = [maker.make(firms[f] if f >= 0 else None) for f in places]
        batch = [c for c, _ in made]
        for c in batch:
            c.validate()
        ids = bulk.add_contacts(session, batch)
        for cid, (c, city), f in zip(ids, made, places, strict=True):
            if f >= 0:
                firms[f].people.append(len(roster.ids))
            roster.ids.append(cid)
            roster.firm.append(f)
            roster.first.append(c.given)
            roster.city.append(city)
            roster.status.append(c.status)
            roster.department.append(c.department)
            roster.source.append(c.source)
        meter.advance(len(batch))
    return roster


class _ContactMaker:
    """Builds one realistic person at a time; the lists it draws from are prepared once."""

    def __init__(self, words: Words, rng: random.Random, uids: Uids,
                 full_details: bool = False):
        self.full_details = full_details
        self.w = words
        self.rng = rng
        self.uids = uids
        self.sources = words.label("source")
        self.reps = words.label("rep")
        self.notes = words.label("contact_note")
        self.webmail = words.label("webmail")
        self.ims = words.labels["im"]
        self.suffixes = words.label("suffix")
        self.prefixes = {"f": words.label("prefix_f"), "m": words.label("prefix_m")}
        self.named: set[tuple[str, str]] = set()
        self.cultures = set(words.cultures)

    def make(self, firm: Firm | None) -> tuple[Contact, City]:
        """A person and the city they are in (which gives their time zone)."""
        rng, w = self.rng, self.w
        if firm is not None and chance(rng, 0.8):
            city = firm.city
        else:
            country = firm.city.country if firm else w.countries.pick(rng)
            city = one(rng, w.cities[country.key])
        culture = city.country.key
        if not chance(rng, 0.88) or culture not in self.cultures:  # people move
            culture = one(rng, w.cultures)
        sex = "f" if chance(rng, 0.5) else "m"
        # A few more draws keep three Andre Williamses out of a 300-person demo; at 100k
        # the combinations run out and repeats are as real as they are in any big list.
        for _ in range(4):
            given = one(rng, w.given[(culture, sex)])
            family_name = one(rng, w.family[culture])
            family = family_name.feminine if sex == "f" else family_name.masculine
            if (given.text, family.text) not in self.named:
                break
        self.named.add((given.text, family.text))
        g, f = given.ascii or "contact", family.ascii or "person"
        middle = ""
        if culture in ANGLOPHONE and chance(rng, 0.1):
            middle = one(rng, w.given[(culture, one(rng, "fm"))]).text[0] + "."
        department, title = one(rng, w.titles) if chance(rng, 0.92) else ("", "")
        phones = self._phones(city)
        emails = []
        if firm is not None:
            style = MAIL_STYLES.pick(rng)
            local = style.format(g=g, f=f, g0=g[0], f0=f[0])
            emails.append(Email(f"{local}@{firm.domain}", "work", True))
        if not emails or chance(rng, 0.25):
            number = str(rng.randrange(1, 99)) if chance(rng, 0.5) else ""
            emails.append(Email(f"{g}.{f}{number}@{one(rng, self.webmail)}", "home",
                                not emails))
        if self.full_details:  # the benchmarks' shape: 2 phones, 2 e-mails, 1 address each
            phones = self._full_phones(phones, city)
            if len(emails) < 2:
                label = "home" if emails else "work"
                emails.append(Email(f"{g}.{f}@{one(rng, self.webmail)}", label, not emails))
            emails = emails[:2]
        at_work = firm is not None and chance(rng, 0.75)
        # Shared with the company: the contacts are written and dropped, never edited here.
        address = firm.address if firm is not None and at_work else self._home(city)
        contact = Contact(
            prefix=one(rng, self.prefixes[sex]) if chance(rng, 0.12)
            and culture not in UNTITLED else "",
            given=given.text, middle=middle, family=family.text,
            suffix=one(rng, self.suffixes) if chance(rng, 0.03)
            and culture not in UNTITLED else "",
            account_id=firm.id if firm else None, title=title, department=department,
            birthday=self._birthday() if chance(rng, 0.6) else None,
            status=STATUS.pick(rng), source=one(rng, self.sources),
            owner=firm.rep if firm and chance(rng, 0.85) else one(rng, self.reps),
            notes=one(rng, self.notes) if chance(rng, 0.2) else "",
            phones=phones, emails=emails, addresses=[address], uid=self.uids())
        if chance(rng, 0.05):
            contact.websites.append(Website(f"https://{g}{f}.example", "home"))
        if chance(rng, 0.1):
            service, pattern = one(rng, self.ims)
            mobile = next((p.value for p in phones if p.label == "mobile"), phones[0].value)
            contact.ims.append(ImHandle(pattern.format(
                local=f"{g}.{f}", email=emails[0].value, mobile=mobile), service))
        return contact, city

    def _phones(self, city: City) -> list[Phone]:
        rng = self.rng
        phones = []
        if chance(rng, 0.85):
            phones.append(Phone(city.work_phone.fill(rng), "work"))
        if not phones or chance(rng, 0.6):
            phones.append(Phone(city.mobile_phone.fill(rng), "mobile"))
        if chance(rng, 0.08):
            phones.append(Phone(city.work_phone.fill(rng), "home" if chance(rng, 0.6) else "fax"))
        phones[0].preferred = True
        return phones

    def _full_phones(self, phones: list[Phone], city: City) -> list[Phone]:
        if len(phones) < 2:
            if any(p.label == "mobile" for p in phones):
                phones.append(Phone(city.work_phone.fill(self.rng), "work"))
            else:
                phones.append(Phone(city.mobile_phone.fill(self.rng), "mobile"))
        return phones[:2]

    def _home(self, city: City) -> Address:
        return _address(self.rng, self.w, city, "home")

    def _birthday(self) -> PartialDate:
        rng = self.rng
        no_year = chance(rng, 0.15)
        if chance(rng, 0.01):  # born on Feb 29: a real birthday that date code often gets wrong
            return PartialDate(2, 29, None if no_year else one(rng, _LEAP_YEARS))
        month, day = one(rng, _DAYS)
        return PartialDate(month, day, None if no_year else rng.randrange(1952, 2002))
