"""The sample-data generator behind `python main.py demo`, against real database files."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.domain.activity import ActivityStatus
from app.domain.changes import Entity
from app.domain.errors import ValidationError
from app.domain.groups import FieldOwner
from app.domain.quote import Quote, QuoteLine, QuoteStatus
from app.sample import Plan, generate
from app.sample.words import mail_part
from app.services.progress import Cancelled, CancelToken
from app.services.registry import Services
from db.migrate import open_database
from db.models import AccountRow, ActivityRow, QuoteLineRow

TODAY = date(2026, 3, 10)
LONDON = ZoneInfo("Europe/London")


def _copy(template_db, folder) -> Services:
    folder.mkdir(exist_ok=True)
    path = folder / "copy.db"
    shutil.copyfile(template_db, path)
    return Services.over(open_database(path))


@pytest.fixture(scope="module")
def demo(template_db, tmp_path_factory):
    """One generated small business shared by the read-only tests below."""
    services = _copy(template_db, tmp_path_factory.mktemp("demo"))
    made = generate(services, contacts=300, today=TODAY)
    yield services, made
    services.close()


def listing(services: Services) -> list[tuple]:
    return [(c.display_name, c.email, c.phone, c.account_name, c.uid)
            for c in services.directory.contacts()]


def quotes(services: Services) -> list[tuple]:
    return [(q.number, q.uid, q.title, q.status, q.issue_date, q.lines)
            for q in services.quotes.quotes()]


def test_a_small_business_in_proportion(db):
    services = Services.over(db)
    seen = []
    made = generate(services, contacts=300, today=TODAY,
                    progress=lambda done, total: seen.append((done, total)))
    assert made["accounts"] == 30 and made["contacts"] == 300
    assert made["history"] == 2000 and made["activities"] == 200 and made["quotes"] == 40
    assert 40 <= made["quote_lines"] <= 240
    assert made["products"] == 20 and 3 <= made["groups"] <= 5 and made["custom_fields"] == 3
    assert 0.2 * 300 <= made["tagged_contacts"] <= 0.45 * 300
    stats = services.maintenance.stats()
    for kind in ("accounts", "contacts", "history", "activities", "quotes", "quote_lines"):
        assert stats[kind] == made[kind], kind
    done = [d for d, _ in seen]
    assert done == sorted(done) and seen[-1][0] == seen[-1][1]


def test_plan_scales_with_contacts():
    assert Plan.of(300) == Plan(300, 30, 2000, 200, 40)
    big = Plan.of(100_000, history_per_contact=10)
    assert (big.accounts, big.history, big.activities, big.quotes) == (
        10_000, 1_000_000, 66_667, 13_333)
    with pytest.raises(ValidationError):
        Plan.of(-1)


def test_the_same_seed_gives_the_same_data(db, template_db, tmp_path):
    first = Services.over(db)
    generate(first, contacts=120, seed=11, today=TODAY)
    second = _copy(template_db, tmp_path / "second")
    try:
        generate(second, contacts=120, seed=11, today=TODAY)
        assert listing(first) == listing(second)
        assert quotes(first) == quotes(second)
    finally:
        second.close()
    other = _copy(template_db, tmp_path / "other")
    try:
        generate(other, contacts=120, seed=12, today=TODAY)
        assert listing(other) != listing(first)
    finally:
        other.close()


def test_people_look_real(demo):
    services, _ = demo
    people = services.directory.contacts()
    assert len(people) == 300 and all(p.display_name.strip() for p in people)
    assert sum(1 for p in people if p.account_name) > 0.7 * len(people)
    assert Counter(p.status for p in people).keys() == {"lead", "prospect", "customer", "other"}
    names = " ".join(p.display_name for p in people)
    assert any(ch in names for ch in "éèöüóñłżą") and not names.isascii()
    full = [services.contacts.get(p.id) for p in people]
    born = [c.birthday for c in full if c.birthday]
    assert 0.45 * 300 <= len(born) <= 0.75 * 300
    assert 0 < sum(1 for b in born if b.year is None) < 0.3 * len(born)
    assert all(1 <= len(c.phones) <= 3 and 1 <= len(c.emails) <= 2 and len(c.addresses) == 1
               for c in full)
    assert all(e.value.isascii() and e.value.endswith(".example") for c in full for e in c.emails)
    assert {c.source for c in full} > {"Referral", "Trade show"}
    assert len({c.owner for c in full}) > 2
    accounts = [services.accounts.get(a.id) for a in services.directory.accounts()]
    assert any(a.parent_id for a in accounts) and all(a.industry and a.website for a in accounts)


def test_search_finds_generated_people(demo):
    services, _ = demo
    person = next(p for p in services.directory.contacts() if p.account_name and p.phone)
    contact = services.contacts.get(person.id)
    assert person.id in services.directory.contact_ids(person.display_name)
    domain = contact.emails[0].value.split("@")[1].split(".")[0]
    assert person.id in services.directory.contact_ids(domain, limit=1000)
    assert person.id in services.directory.contact_ids(contact.phones[0].digits[-7:], limit=1000)


def test_today_has_overdue_items_birthdays_and_open_quotes(demo):
    services, _ = demo
    summary = services.today.summary(TODAY, LONDON)
    assert summary.overdue and summary.birthdays and summary.open_quotes
    assert {t.status for t in summary.open_quotes} == {"draft", "sent"}
    assert all(t.count and t.total > 0 for t in summary.open_quotes)


def test_the_diary_repeats_and_some_of_it_is_done(demo):
    services, _ = demo
    start = datetime.combine(TODAY, time(), LONDON)
    ahead = services.activities.occurrences(start, start + timedelta(days=30), LONDON)
    repeating = {o.activity_id for o in ahead if o.recurring}
    assert len(repeating) > 5 and any(o.all_day for o in ahead)
    behind = services.activities.occurrences(start - timedelta(days=30), start, LONDON)
    assert any(o.cleared and o.recurring for o in behind)
    assert any(o.cleared and not o.recurring for o in behind)
    done = next(o for o in behind if o.cleared and not o.recurring)
    assert services.activities.get(done.activity_id).status == ActivityStatus.CLEARED
    rules = {services.activities.get(i).rrule.split(";")[0] for i in repeating}
    assert len(rules) > 1


def test_quotes_groups_tags_and_custom_fields(demo):
    services, _ = demo
    statuses = {q.status for q in services.quotes.quotes()}
    assert statuses == set(QuoteStatus)
    assert all(1 <= len(q.lines) <= 6 for q in services.quotes.quotes())
    groups = {g.name: g for g in services.organize.groups()}
    assert {"Newsletter", "Key accounts", f"Trade show {TODAY.year}"} <= groups.keys()
    assert groups["Newsletter"].contact_count > 0 and groups["Key accounts"].account_count > 0
    assert dict(services.organize.all_tags()).get("VIP", 0) > 0
    fields = {f.name for f in services.organize.fields(FieldOwner.CONTACT)}
    assert {"Preferred contact time", "Contract renewal"} <= fields
    held = [services.contacts.get(p.id).custom for p in services.directory.contacts(limit=80)]
    assert any("Preferred contact time" in c for c in held)


def test_new_quotes_continue_the_numbering(db):
    services = Services.over(db)
    assert generate(services, contacts=30, today=TODAY)["quotes"] == 4
    assert services.quotes.next_number() == "Q-00005"
    account = services.directory.accounts(limit=1)[0]
    changes = services.quotes.create(Quote(account.id, None, TODAY, lines=[
        QuoteLine("Extra work", quantity="1", unit_price="10.00")]))
    assert services.quotes.get(changes.new_id(Entity.QUOTE)).number == "Q-00005"


def test_foreign_keys_hold(demo):
    services, _ = demo
    with services.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_a_second_run_can_be_mixed_in(db):
    services = Services.over(db)
    generate(services, contacts=40, today=TODAY)
    generate(services, contacts=40, today=TODAY)  # same seed: the UIDs must still differ
    assert services.maintenance.stats()["contacts"] == 80
    assert len({c.uid for c in services.directory.contacts()}) == 80
    assert len(services.quotes.products()) == 20  # the catalogue is reused, not doubled


def test_a_cancel_leaves_nothing_behind(db):
    services = Services.over(db)
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        generate(services, contacts=50, today=TODAY, cancel=cancel,
                 progress=lambda done, total: cancel.cancel())
    stats = services.maintenance.stats()
    assert stats["contacts"] == 0 and stats["accounts"] == 0 and stats["products"] == 0
    assert stats["groups"] == 0 and stats["custom_fields"] == 0
    assert services.quotes.next_number() == "Q-00001"


def test_e_mail_addresses_lose_their_accents():
    assert [mail_part(n) for n in ("Łukasz", "O'Neill", "María José", "Groß", "Zoë")] == [
        "lukasz", "oneill", "mariajose", "gross", "zoe"]


def _row(conn, table, row_id: int) -> dict:
    skip = {"id", "uid", "number", "quote_id", "created_at", "updated_at"}
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().one()
    return {k: v for k, v in row.items() if k not in skip}


def test_bulk_rows_match_what_the_services_write(db):
    """The bulk path stores exactly what the one-at-a-time use cases would."""
    services = Services.over(db)
    generate(services, contacts=90, today=TODAY)
    acts, accounts, lines = (ActivityRow.__table__, AccountRow.__table__,
                             QuoteLineRow.__table__)
    with db.engine.connect() as conn:
        sample_ids = [conn.execute(select(acts.c.id).where(cond).limit(1)).scalar_one()
                      for cond in (acts.c.rrule.is_not(None), acts.c.all_day.is_(True),
                                   acts.c.status == "cleared")]
    for aid in sample_ids:
        a = services.activities.get(aid)
        copy = services.activities.schedule(replace(a, id=None, uid="")).new_id(Entity.ACTIVITY)
        with db.engine.connect() as conn:
            assert _row(conn, acts, copy) == _row(conn, acts, aid)
    account = services.accounts.get(services.directory.accounts(limit=1)[0].id)
    twin = services.accounts.create(replace(account, id=None, uid="")).new_id(Entity.ACCOUNT)
    with db.engine.connect() as conn:
        assert _row(conn, accounts, twin) == _row(conn, accounts, account.id)
    hits = [h for h in services.directory.search(account.name) if h.kind == "account"]
    assert {account.id, twin} <= {h.id for h in hits}
    quote = services.quotes.quotes(QuoteStatus.ACCEPTED)[0]
    again = services.quotes.get(services.quotes.create(replace(quote, id=None, uid=""))
                                .new_id(Entity.QUOTE))
    assert again.lines == quote.lines and again.totals == quote.totals
    with db.engine.connect() as conn:
        stored = conn.execute(select(lines).where(lines.c.quote_id.in_([quote.id, again.id]))
                              .order_by(lines.c.quote_id, lines.c.position)).mappings().all()
    half = len(stored) // 2
    strip = [{k: v for k, v in r.items() if k not in ("id", "quote_id")} for r in stored]
    assert strip[:half] == strip[half:]
