"""Sample data for `python main.py demo`: a made-up small business with companies, people, two
years of history, a diary around today, quotes, groups, tags and custom fields.

- Deterministic: the same seed and the same `today` give the same records, UIDs included, in the
  same order (each kind draws from its own seeded stream; see draw.stream).
- All or nothing: everything is written in one transaction, so a cancel (checked between
  chunks), an error or a crash leaves the database exactly as it was. This is why the bulk
  repositories are called here directly rather than through ContactService.bulk_create and
  TimelineService.bulk_log, which each commit on their own; and why clearing is written in
  bulk (history item + cleared flag or cleared-occurrence row, as ActivityService.clear does)
  rather than through the service.
- Proportional: at `contacts` N there are N/10 accounts, 20N/3 history items (or
  N * history_per_contact), 2N/3 activities and 2N/15 quotes; the catalogue, the groups, the
  tags and the custom fields stay small.
- Mixable: `demo --force` adds to a database that has data. Products (by SKU), groups and
  custom fields (by name) and tags already there are reused, and UIDs are salted with what is
  stored, so a second run with the same seed does not collide with the first.
- Fast (100k contacts with 667k history items in about 30 s on two cores): executemany inserts
  with ids assigned up front; history generated and written in chunks and in time order, so a
  million items never sit in memory together and the time indexes grow at their end; UIDs with
  a sequential tail; and the cyclic garbage collector paused while millions of short-lived,
  cycle-free records pass through.

The word lists are plain text under resources/sample (see its README).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.sample import organizing, people, sales, timeline, words
from app.sample.draw import Uids, stream
from app.sample.meter import Meter
from app.services.progress import CancelToken, Progress, no_progress, paused_collection
from db.repositories import bulk_records
from db.unit import Origin

if TYPE_CHECKING:
    from app.services.registry import Services

__all__ = ["Plan", "generate"]


@dataclass(frozen=True)
class Plan:
    """How many records of each kind a run makes."""

    contacts: int
    accounts: int
    history: int
    activities: int
    quotes: int

    @classmethod
    def of(cls, contacts: int, history_per_contact: float | None = None) -> Plan:
        if contacts < 0:
            raise ValidationError("The number of sample contacts cannot be negative")
        if history_per_contact is not None and history_per_contact < 0:
            raise ValidationError("The history per contact cannot be negative")
        per = 20 / 3 if history_per_contact is None else history_per_contact
        return cls(contacts=contacts, accounts=contacts // 10, history=round(contacts * per),
                   activities=round(contacts * 2 / 3), quotes=round(contacts * 2 / 15))

    @property
    def total(self) -> int:
        return self.contacts + self.accounts + self.history + self.activities + self.quotes


def generate(services: Services, *, contacts: int = 300, seed: int = 7,
             today: date | None = None, history_per_contact: float | None = None,
             progress: Progress = no_progress, cancel: CancelToken | None = None,
             full_details: bool = False) -> dict[str, int]:
    """Fill the database with sample data; returns how many records of each kind the sample
    has (reused products, groups and fields included). Raises Cancelled, having written
    nothing, when `cancel` is set before it finishes. `full_details` gives every contact
    exactly 2 phones, 2 e-mails and 1 address (the shape the benchmarks are specified for)
    instead of the realistic mix."""
    plan = Plan.of(contacts, history_per_contact)
    today = today or date.today()
    lists = words.load()
    meter = Meter(plan.total, progress, cancel)
    meter.check()
    with paused_collection(), \
            services.db.unit(f"Add sample data ({contacts:,} contacts)", Origin.SAMPLE) as tx:
        made = _fill(tx.session, plan, lists, seed, today, meter, full_details)
        meter.check()  # a cancel during the last chunk still leaves nothing behind
    return made


def _fill(s: Session, plan: Plan, lists: words.Words, seed: int, today: date,
          meter: Meter, full_details: bool) -> dict[str, int]:
    # The data depends on the seed alone; the UIDs also on what is stored already, so a second
    # run mixed into the same file (demo --force) cannot repeat the first run's UIDs.
    marks = bulk_records.id_marks(s)

    def uids(topic: str) -> Uids:
        return Uids(stream(seed, f"uid:{topic}:{marks}"))

    setup = organizing.prepare(s, lists, today, uids("organize"))
    catalogue = sales.add_catalogue(s, lists, uids("products"))
    firms = people.add_accounts(s, lists, plan.accounts, stream(seed, "accounts"),
                                uids("accounts"), meter)
    roster = people.add_contacts(s, lists, plan.contacts, firms, stream(seed, "contacts"),
                                 uids("contacts"), meter, full_details)
    tags, tagged = organizing.apply(s, setup, roster, firms, stream(seed, "tags"), today)
    activities, cleared = timeline.add_activities(
        s, lists, plan.activities, roster, firms, stream(seed, "activities"),
        uids("activities"), today, meter)
    # Clearing writes history too; the regular items make up the rest of the planned total.
    history = timeline.add_history(s, lists, max(plan.history - len(cleared), 0), roster, firms,
                                   stream(seed, "history"), uids("history"), today, meter)
    history += timeline.write_cleared(s, cleared, meter)
    quotes, lines = sales.add_quotes(s, lists, plan.quotes, roster, firms, catalogue,
                                     stream(seed, "quotes"), uids("quotes"), today, meter)
    meter.check()
    bulk_records.refresh_statistics(s)
    return {"accounts": len(firms), "contacts": len(roster), "history": history,
            "activities": activities, "quotes": quotes, "quote_lines": lines,
            "products": len(catalogue), "groups": len(setup.groups), "tags": tags,
            "tagged_contacts": tagged, "custom_fields": len(setup.fields)}
