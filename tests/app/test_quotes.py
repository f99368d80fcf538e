"""Quote use cases against a real SQLite file: numbering, editing rules, status, totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.account import Account
from app.domain.changes import ChangeSet, Entity
from app.domain.conflict import ConflictError
from app.domain.contact import Contact
from app.domain.errors import NotFoundError, ValidationError
from app.domain.quote import Product, ProductLine, Quote, QuoteLine, QuoteStatus
from app.domain.summaries import QuoteTotal
from app.services.accounts import AccountService
from app.services.contacts import ContactService
from app.services.quotes import QuoteService
from db.repositories import quotes as repo

D = Decimal
ISSUED = date(2024, 3, 1)


@pytest.fixture
def quotes(db) -> QuoteService:
    return QuoteService(db)


@pytest.fixture
def acme(db) -> int:
    return AccountService(db).create(Account(name="Acme Ltd")).new_id(Entity.ACCOUNT)


def widget_line(**kw) -> QuoteLine:
    return QuoteLine("Widget", D(3), D("19.99"), **({"discount_pct": D("7.5"),
                                                     "tax_rate": D(20)} | kw))


def new_quote(quotes: QuoteService, account_id: int, *, lines=None, **kw) -> int:
    q = Quote(account_id, None, kw.pop("issue_date", ISSUED),
              lines=[widget_line()] if lines is None else lines, **kw)
    return quotes.create(q).new_id(Entity.QUOTE)


def test_a_quote_round_trips_with_exact_money(quotes, acme):
    lines = [widget_line(), QuoteLine("Half cent", D(1), D("0.005")),
             QuoteLine("Hours", D("2.5"), D("80.10"), tax_rate=D("7.7"))]
    qid = new_quote(quotes, acme, lines=lines, title="Spring order",
                    valid_until=date(2024, 3, 31))
    q = quotes.get(qid)
    assert (q.status, q.number, q.title, q.valid_until) == (
        QuoteStatus.DRAFT, "Q-00001", "Spring order", date(2024, 3, 31))
    assert [ln.description for ln in q.lines] == ["Widget", "Half cent", "Hours"]
    assert q.lines[0].unit_price == D("19.99") and str(q.lines[2].quantity) == "2.5"
    # 66.56 + 0.01 + (200.25 + 15.42)
    assert q.totals.total == D("282.24")
    assert q.totals == quotes.get(qid).totals == Quote(acme, None, ISSUED, lines=lines).totals


def test_many_lines_survive_storage_without_drift(quotes, acme):
    lines = [QuoteLine(f"Part {i}", D(1), D("0.10"), tax_rate=D(10)) for i in range(500)]
    q = quotes.get(new_quote(quotes, acme, lines=lines))
    assert [ln.description for ln in q.lines] == [f"Part {i}" for i in range(500)]
    assert q.totals.total == D("55.00")


def test_a_float_price_is_refused_and_nothing_is_saved(quotes, acme):
    line = widget_line()
    line.unit_price = 19.99
    with pytest.raises(ValidationError, match="Line 1: unit price .*float"):
        quotes.create(Quote(acme, None, ISSUED, lines=[line]))
    assert quotes.quotes() == []
    assert quotes.next_number() == "Q-00001"
    with pytest.raises(ValidationError, match="float"):
        quotes.add_product(Product("Widget", 19.99))


def test_numbers_are_sequential_with_a_custom_prefix(quotes, acme):
    assert quotes.next_number() == "Q-00001"
    assert quotes.next_number() == "Q-00001"  # previewing takes nothing
    first = quotes.get(new_quote(quotes, acme))
    quotes.set_number_prefix("INV-2024/")
    assert quotes.number_prefix() == "INV-2024/"
    assert quotes.next_number() == "INV-2024/00002"
    second, third = (quotes.get(new_quote(quotes, acme)) for _ in range(2))
    assert [first.number, second.number, third.number] == [
        "Q-00001", "INV-2024/00002", "INV-2024/00003"]


def test_a_bad_prefix_is_refused(quotes):
    with pytest.raises(ValidationError, match="1 to 10 letters"):
        quotes.set_number_prefix("Quote#")
    assert quotes.next_number() == "Q-00001"


def test_numbers_are_not_reused_after_a_purge(quotes, acme):
    ids = [new_quote(quotes, acme) for _ in range(3)]
    quotes.delete(ids[1:])
    quotes.purge(ids[1:])
    with pytest.raises(NotFoundError):
        quotes.get(ids[2], include_deleted=True)
    assert quotes.get(new_quote(quotes, acme)).number == "Q-00004"


def test_numbers_already_taken_are_skipped(db, quotes, acme):
    # A quote that arrived with its own number (an import) must not break the next save.
    with db.unit("Import a quote") as tx:
        repo.add(tx.session, Quote(acme, None, ISSUED, number="Q-00002"))
    assert quotes.next_number() == "Q-00001"
    numbers = [quotes.get(new_quote(quotes, acme)).number for _ in range(2)]
    assert numbers == ["Q-00001", "Q-00003"]


def test_new_quotes_are_drafts(quotes, acme):
    qid = new_quote(quotes, acme, status=QuoteStatus.ACCEPTED)
    assert quotes.get(qid).status == QuoteStatus.DRAFT


def test_a_quote_needs_a_live_customer(db, quotes, acme):
    with pytest.raises(ValidationError, match="for an account or a contact"):
        quotes.create(Quote(None, None, ISSUED))
    with pytest.raises(NotFoundError, match="No account with id 999"):
        quotes.create(Quote(999, None, ISSUED))
    ada = ContactService(db).create(Contact(given="Ada")).new_id(Entity.CONTACT)
    assert quotes.get(quotes.create(Quote(None, ada, ISSUED)).new_id(Entity.QUOTE)).contact_id \
        == ada
    assert quotes.next_number() == "Q-00002"  # the refused saves took no number


def test_duplicate_is_a_new_draft_with_a_new_number(quotes, acme):
    qid = new_quote(quotes, acme, currency="EUR", title="Roof",
                    valid_until=date(2024, 3, 31), notes="Scaffolding extra")
    quotes.set_status(qid, QuoteStatus.SENT)
    quotes.set_status(qid, QuoteStatus.ACCEPTED)
    changes = quotes.duplicate(qid, date(2024, 6, 10))
    copy, original = quotes.get(changes.new_id(Entity.QUOTE)), quotes.get(qid)
    assert (copy.number, copy.status) == ("Q-00002", QuoteStatus.DRAFT)
    assert (copy.account_id, copy.currency, copy.title, copy.notes) == (
        acme, "EUR", "Roof", "Scaffolding extra")
    assert copy.lines == original.lines and copy.totals == original.totals
    assert (copy.issue_date, copy.valid_until) == (date(2024, 6, 10), date(2024, 7, 10))
    assert (original.number, original.status) == ("Q-00001", QuoteStatus.ACCEPTED)


def test_duplicate_of_a_quote_without_validity_has_none(quotes, acme):
    copy = quotes.duplicate(new_quote(quotes, acme), date(2025, 1, 1)).new_id(Entity.QUOTE)
    assert quotes.get(copy).valid_until is None


@pytest.mark.parametrize(("path", "bad", "message"), [
    ([], QuoteStatus.ACCEPTED, "A draft quote cannot be marked accepted"),
    ([QuoteStatus.SENT, QuoteStatus.ACCEPTED], QuoteStatus.DRAFT,
     "An accepted quote cannot be marked draft; duplicate it to make a new version"),
    ([QuoteStatus.DECLINED], QuoteStatus.SENT, "A declined quote cannot be marked sent"),
    ([QuoteStatus.SENT, QuoteStatus.EXPIRED], QuoteStatus.ACCEPTED,
     "An expired quote cannot be marked accepted"),
])
def test_illegal_transitions_are_refused_readably(quotes, acme, path, bad, message):
    qid = new_quote(quotes, acme)
    for status in path:
        quotes.set_status(qid, status)
    with pytest.raises(ValidationError) as err:
        quotes.set_status(qid, bad)
    assert str(err.value).startswith(message)
    assert quotes.get(qid).status == (path[-1] if path else QuoteStatus.DRAFT)


def test_status_changes_touch_nothing_else(quotes, acme):
    qid = new_quote(quotes, acme, valid_until=date(2024, 3, 31))
    before = quotes.get(qid)
    assert quotes.set_status(qid, "sent") == ChangeSet.of(updated={Entity.QUOTE: [qid]})
    assert quotes.set_status(qid, QuoteStatus.SENT).empty  # already sent: nothing to do
    quotes.set_status(qid, QuoteStatus.ACCEPTED)
    after = quotes.get(qid)
    assert after.status == QuoteStatus.ACCEPTED
    assert (after.number, after.lines, after.valid_until, after.issue_date) == (
        before.number, before.lines, before.valid_until, before.issue_date)
    with pytest.raises(ValidationError, match="'won' is not a quote status"):
        quotes.set_status(qid, "won")


def test_an_empty_quote_cannot_be_sent(quotes, acme):
    qid = new_quote(quotes, acme, lines=[])
    with pytest.raises(ValidationError, match="Q-00001 has no lines"):
        quotes.set_status(qid, QuoteStatus.SENT)


def test_editing_a_sent_quote_is_refused_until_it_is_back_in_draft(quotes, acme):
    qid = new_quote(quotes, acme)
    quotes.set_status(qid, QuoteStatus.SENT)
    q = quotes.get(qid)
    q.lines[0].quantity = D(4)
    q.status = QuoteStatus.DRAFT  # a stale editor must not slip past the stored status
    with pytest.raises(ValidationError, match="Q-00001 has been sent.*back to draft"):
        quotes.update(q)
    with pytest.raises(ValidationError, match="has been sent"):
        quotes.add_line(qid, QuoteLine("Extra", D(1), D(1)))
    assert quotes.get(qid).lines[0].quantity == D(3)

    quotes.set_status(qid, QuoteStatus.DRAFT)
    with pytest.raises(ConflictError):  # the copy read before the status moved is stale
        quotes.update(q)
    q = quotes.get(qid)
    q.lines[0].quantity = D(4)
    quotes.update(q)
    assert quotes.get(qid).lines[0].quantity == D(4)


def test_an_accepted_quote_can_only_be_duplicated(quotes, acme):
    qid = new_quote(quotes, acme)
    quotes.set_status(qid, QuoteStatus.SENT)
    quotes.set_status(qid, QuoteStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="accepted and can no longer be changed; duplicate"):
        quotes.update(quotes.get(qid))


def test_update_rewrites_header_and_lines_in_order(quotes, acme):
    qid = new_quote(quotes, acme, lines=[QuoteLine(n, D(1), D(1)) for n in "ABC"])
    q = quotes.get(qid)
    q.lines = [q.lines[2], QuoteLine("D", D(2), D("0.50")), q.lines[0]]
    q.title, q.currency, q.valid_until = "Revised", "gbp", date(2024, 4, 1)
    q.number = "HACKED-1"
    assert quotes.update(q) == ChangeSet.of(updated={Entity.QUOTE: [qid]})
    saved = quotes.get(qid)
    assert [ln.description for ln in saved.lines] == ["C", "D", "A"]
    assert (saved.title, saved.currency, saved.number) == ("Revised", "GBP", "Q-00001")
    assert saved.totals.total == D("3.00")
    q.status = QuoteStatus.SENT
    with pytest.raises(ValidationError, match="mark it sent as a separate step"):
        quotes.update(q)


def test_lines_from_a_product_copy_its_price_tax_and_description(quotes, acme):
    pid = quotes.add_product(Product("Widget", D("19.99"), description="Blue widget, 2 m",
                                     tax_rate=D(20))).new_id(Entity.PRODUCT)
    qid = new_quote(quotes, acme, lines=[])
    quotes.add_line(qid, ProductLine(pid, quantity=D(3), discount_pct=D("7.5")))
    quotes.add_line(qid, ProductLine(pid, description="Widget, trade price",
                                     unit_price=D("15.00"), tax_rate=D(0)))
    quotes.add_line(qid, QuoteLine("Delivery", D(1), D("9.95")))
    first, second, third = quotes.get(qid).lines
    assert (first.description, first.unit_price, first.tax_rate, first.product_id) == (
        "Blue widget, 2 m", D("19.99"), D(20), pid)
    assert first.total == D("66.56")
    assert (second.description, second.unit_price, second.tax_rate) == (
        "Widget, trade price", D("15.00"), D(0))
    assert third.description == "Delivery"
    assert quotes.get(qid).totals.total == D("91.51")


def test_a_product_priced_in_another_currency_needs_a_price(quotes, acme):
    pid = quotes.add_product(Product("Ski pass", D(60), currency="CHF")).new_id(Entity.PRODUCT)
    qid = new_quote(quotes, acme, lines=[])
    with pytest.raises(ValidationError, match="priced in CHF but the quote is in USD"):
        quotes.add_line(qid, ProductLine(pid))
    with pytest.raises(NotFoundError, match="No product with id 999"):
        quotes.add_line(qid, ProductLine(999))
    assert quotes.get(qid).lines == []


def test_products_are_listed_by_name_and_retired_ones_hidden(quotes):
    ids = {name: quotes.add_product(Product(name, D(1))).new_id(Entity.PRODUCT)
           for name in ("widget", "Bolt", "anchor")}
    bolt = quotes.product(ids["Bolt"])
    bolt.active, bolt.unit_price = False, D("0.35")
    assert quotes.update_product(bolt) == ChangeSet.of(updated={Entity.PRODUCT: [ids["Bolt"]]})
    assert [p.name for p in quotes.products()] == ["anchor", "widget"]
    everything = quotes.products(include_inactive=True)
    assert [p.name for p in everything] == ["anchor", "Bolt", "widget"]
    assert everything[1].unit_price == D("0.35")
    with pytest.raises(ValidationError, match="tax rate must be between 0 and 100"):
        quotes.add_product(Product("Bad", D(1), tax_rate=D(120)))


def test_trash_and_restore(quotes, acme):
    qid = new_quote(quotes, acme)
    assert quotes.delete([qid]) == ChangeSet.of(deleted={Entity.QUOTE: [qid]})
    with pytest.raises(NotFoundError):
        quotes.get(qid)
    assert quotes.get(qid, include_deleted=True).deleted_at is not None
    assert quotes.quotes() == []
    assert quotes.restore([qid]) == ChangeSet.of(inserted={Entity.QUOTE: [qid]})
    assert quotes.get(qid).number == "Q-00001"
    with pytest.raises(ValidationError, match="not in the trash"):
        quotes.purge([qid])
    assert quotes.get(qid).number == "Q-00001"


def test_open_totals_per_status_and_currency(db, quotes, acme):
    today = date(2024, 3, 20)
    ten = [QuoteLine("Ten", D(1), D("10.00"))]
    awkward = [widget_line()]  # 66.56

    def make(status=QuoteStatus.DRAFT, *, currency="USD", lines=awkward, valid=None):
        qid = new_quote(quotes, acme, lines=lines, currency=currency, valid_until=valid)
        for step in {QuoteStatus.DRAFT: [], QuoteStatus.SENT: [QuoteStatus.SENT],
                     QuoteStatus.ACCEPTED: [QuoteStatus.SENT, QuoteStatus.ACCEPTED],
                     QuoteStatus.DECLINED: [QuoteStatus.DECLINED]}[status]:
            quotes.set_status(qid, step)
        return qid

    make()
    make()
    make(currency="EUR", lines=ten)
    make(QuoteStatus.SENT, valid=today)                   # last valid day: still open
    make(QuoteStatus.SENT, valid=date(2024, 3, 19))       # past validity: expired, not open
    make(QuoteStatus.SENT, currency="EUR", lines=ten)     # no end date: open
    make(QuoteStatus.ACCEPTED)
    make(QuoteStatus.DECLINED)
    quotes.delete([make()])

    assert quotes.open_totals(today) == [
        QuoteTotal("draft", "EUR", 1, D("10.00")),
        QuoteTotal("draft", "USD", 2, D("133.12")),
        QuoteTotal("sent", "EUR", 1, D("10.00")),
        QuoteTotal("sent", "USD", 1, D("66.56")),
    ]
    later = quotes.open_totals(date(2024, 3, 21))
    assert QuoteTotal("sent", "USD", 1, D("66.56")) not in later
    assert all(isinstance(t.total, Decimal) for t in later)


def test_open_totals_of_nothing(quotes):
    assert quotes.open_totals(date(2024, 1, 1)) == []
