"""Money in quotes: one rounding rule, exact sums, and no floats getting in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.errors import ValidationError
from app.domain.quote import (
    Product,
    ProductLine,
    Quote,
    QuoteLine,
    QuoteStatus,
    check_number_prefix,
    check_transition,
    money,
    quote_number,
    to_decimal,
    totals_of,
)

D = Decimal


@pytest.mark.parametrize(("raw", "rounded"), [
    ("0.005", "0.01"),    # a half cent goes up, not to the even cent
    ("0.015", "0.02"),
    ("0.025", "0.03"),    # banker's rounding would give 0.02
    ("2.675", "2.68"),    # float(2.675) is 2.67499..., which would round down
    ("0.0049", "0.00"),
    ("-0.005", "-0.01"),  # halves go away from zero for credits too
    ("19.999", "20.00"),
])
def test_money_rounds_half_up_to_the_cent(raw, rounded):
    assert money(D(raw)) == D(rounded)
    assert str(money(D(raw))) == rounded


def test_three_at_19_99_with_discount_and_tax():
    line = QuoteLine("Widget", D(3), D("19.99"), discount_pct=D("7.5"), tax_rate=D(20))
    assert line.gross == D("59.97")
    assert line.discount == D("4.50")   # 4.49775
    assert line.net == D("55.47")
    assert line.tax == D("11.09")       # 11.094
    assert line.total == D("66.56")
    t = totals_of([line])
    assert (t.subtotal, t.discount, t.net, t.tax, t.total) == (
        D("59.97"), D("4.50"), D("55.47"), D("11.09"), D("66.56"))


def test_half_cent_unit_price_rounds_up_on_the_line():
    line = QuoteLine("Screw", D(1), D("0.005"))
    assert line.total == D("0.01")


def test_a_tax_that_lands_on_half_a_cent_rounds_up():
    # 0.25 at 10 % is 0.025 tax: the customer pays 0.28, not 0.27.
    line = QuoteLine("Stamp", D(1), D("0.25"), tax_rate=D(10))
    assert line.tax == D("0.03")
    assert line.total == D("0.28")


def test_a_thousand_ten_cent_lines_add_up_exactly():
    lines = [QuoteLine(f"Item {i}", D(1), D("0.10"), tax_rate=D(10)) for i in range(1000)]
    t = totals_of(lines)
    assert t.subtotal == D("100.00")
    assert t.tax == D("10.00")
    assert t.total == D("110.00")
    # The same sum in floats drifts, which is the bug this guards against.
    assert sum(0.1 for _ in range(1000)) != 100.0


def test_printed_lines_always_add_up_to_the_total():
    lines = [QuoteLine("A", D(1), D("0.333"), tax_rate=D("7.7")),
             QuoteLine("B", D(7), D("1.115"), discount_pct=D("12.5"), tax_rate=D("7.7")),
             QuoteLine("C", D("2.5"), D("99.99"), tax_rate=D(19))]
    t = totals_of(lines)
    assert t.total == sum((ln.total for ln in lines), D(0))
    assert t.total == t.subtotal - t.discount + t.tax
    assert t.total.as_tuple().exponent == -2


def test_empty_quote_totals_zero_to_the_cent():
    assert str(totals_of([]).total) == "0.00"


def test_a_float_price_is_refused():
    with pytest.raises(ValidationError, match="not a float"):
        QuoteLine("Widget", D(1), 19.99)
    with pytest.raises(ValidationError, match="not a float"):
        Product("Widget", 19.99)
    with pytest.raises(ValidationError, match="not a float"):
        to_decimal(0.1, "Price")


def test_a_float_assigned_later_is_refused_on_validate():
    line = QuoteLine("Widget", D(1), D("19.99"))
    line.quantity = 2.5
    with pytest.raises(ValidationError, match="Line 1: quantity .*float"):
        line.validate(1)


def test_prices_typed_as_text_become_exact_decimals():
    line = QuoteLine("Widget", "3", " 19.99 ", discount_pct="7.5", tax_rate="20")
    assert line.unit_price == D("19.99")
    assert line.total == D("66.56")


def test_nonsense_amounts_are_refused_with_the_field_named():
    with pytest.raises(ValidationError, match="Unit price 'abc' is not a number"):
        QuoteLine("Widget", D(1), "abc")
    with pytest.raises(ValidationError, match="is not a number"):
        QuoteLine("Widget", D(1), "NaN")


@pytest.mark.parametrize(("line", "message"), [
    (QuoteLine("", D(1), D(1)), "Line 1 needs a description"),
    (QuoteLine("x", D(0), D(1)), "quantity must be more than zero"),
    (QuoteLine("x", D(1), D(-1)), "unit price cannot be negative"),
    (QuoteLine("x", D(1), D(1), discount_pct=D(101)), "discount must be between 0 and 100"),
    (QuoteLine("x", D(1), D(1), tax_rate=D(-1)), "tax rate must be between 0 and 100"),
])
def test_line_rules(line, message):
    with pytest.raises(ValidationError, match=message):
        line.validate(1)


def test_product_line_copies_what_it_is_not_given():
    widget = Product("Widget", D("19.99"), description="Blue widget", tax_rate=D(20), id=7)
    copied = ProductLine(7, quantity=D(3)).resolve(widget, "USD")
    assert (copied.description, copied.unit_price, copied.tax_rate, copied.product_id) == (
        "Blue widget", D("19.99"), D(20), 7)
    given = ProductLine(7, description="Special", unit_price=D("15"), tax_rate=D(0))
    line = given.resolve(widget, "USD")
    assert (line.description, line.unit_price, line.tax_rate) == ("Special", D(15), D(0))


def test_product_line_in_another_currency_needs_a_price():
    widget = Product("Widget", D("19.99"), currency="EUR", id=7)
    with pytest.raises(ValidationError, match="priced in EUR but the quote is in USD"):
        ProductLine(7).resolve(widget, "USD")
    assert ProductLine(7, unit_price=D(22)).resolve(widget, "USD").unit_price == D(22)


@pytest.mark.parametrize(("old", "new", "message"), [
    (QuoteStatus.ACCEPTED, QuoteStatus.DRAFT,
     "An accepted quote cannot be marked draft; duplicate it to make a new version"),
    (QuoteStatus.DECLINED, QuoteStatus.SENT, "A declined quote cannot be marked sent"),
    (QuoteStatus.DRAFT, QuoteStatus.ACCEPTED, "A draft quote cannot be marked accepted"),
    (QuoteStatus.EXPIRED, QuoteStatus.ACCEPTED, "An expired quote cannot be marked accepted"),
])
def test_illegal_transitions_read_well(old, new, message):
    with pytest.raises(ValidationError) as err:
        check_transition(old, new)
    assert str(err.value).startswith(message)


def test_a_sent_quote_expires_the_day_after_its_validity():
    q = Quote(1, None, date(2024, 3, 1), valid_until=date(2024, 3, 31),
              status=QuoteStatus.SENT)
    assert q.effective_status(date(2024, 3, 31)) == QuoteStatus.SENT
    assert q.effective_status(date(2024, 4, 1)) == QuoteStatus.EXPIRED
    q.status = QuoteStatus.DRAFT
    assert q.effective_status(date(2024, 4, 1)) == QuoteStatus.DRAFT


def test_numbers_are_padded_to_five_digits_and_then_grow():
    assert quote_number("Q-", 42) == "Q-00042"
    assert quote_number("INV/2024-", 123456) == "INV/2024-123456"


@pytest.mark.parametrize("prefix", ["", "   ", "ABCDEFGHIJK", "Q#", "Ä-", "Q\nX", "Q\t-"])
def test_bad_prefixes_are_refused(prefix):
    with pytest.raises(ValidationError, match="quote number prefix"):
        check_number_prefix(prefix)


def test_prefix_edges_are_trimmed():
    assert check_number_prefix("  Q-2024/ ") == "Q-2024/"
    assert check_number_prefix("A B_c-1") == "A B_c-1"
