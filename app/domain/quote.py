"""Quotes: exact money (Decimal) with one rounding rule, applied the same way everywhere."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.domain.errors import ValidationError
from app.domain.record import Record

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def money(value: Decimal) -> Decimal:
    """The one rounding rule: to the cent, halves away from zero (commercial rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, float):
        # Floats carry binary noise (0.1 + 0.2); money only enters as text or Decimal.
        raise ValidationError(f"{what} must be given as text or Decimal, not a float")
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError(f"{what} '{value}' is not a number") from exc
    if not d.is_finite():
        raise ValidationError(f"{what} '{value}' is not a number")
    return d


class QuoteStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


OPEN_STATUSES = (QuoteStatus.DRAFT, QuoteStatus.SENT)

# Which status may follow which. A sent quote goes back to draft to be revised; a closed
# quote is reopened by duplicating it, so what the customer saw stays on record.
TRANSITIONS: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    QuoteStatus.DRAFT: frozenset({QuoteStatus.SENT, QuoteStatus.DECLINED}),
    QuoteStatus.SENT: frozenset({QuoteStatus.DRAFT, QuoteStatus.ACCEPTED,
                                 QuoteStatus.DECLINED, QuoteStatus.EXPIRED}),
    QuoteStatus.ACCEPTED: frozenset(),
    QuoteStatus.DECLINED: frozenset(),
    QuoteStatus.EXPIRED: frozenset({QuoteStatus.SENT}),
}


def check_transition(old: QuoteStatus, new: QuoteStatus) -> None:
    if new != old and new not in TRANSITIONS[old]:
        article = "An" if old.value[0] in "aeiou" else "A"
        hint = "; duplicate it to make a new version" if not TRANSITIONS[old] else ""
        raise ValidationError(f"{article} {old.value} quote cannot be marked {new.value}{hint}")


DEFAULT_NUMBER_PREFIX = "Q-"
NUMBER_DIGITS = 5
# Numbers end up in file names, e-mail subjects and accounting systems, so the prefix keeps to
# characters that survive all of them.
_PREFIX = re.compile(r"[A-Za-z0-9_/ -]{1,10}")


def check_number_prefix(prefix: str) -> str:
    """The prefix as it will be stored: edges trimmed, 1-10 plain characters."""
    clean = prefix.strip()
    if not _PREFIX.fullmatch(clean):
        raise ValidationError(
            f"'{prefix}' cannot be a quote number prefix: use 1 to 10 letters, digits, "
            "'-', '_', '/' or spaces")
    return clean


def quote_number(prefix: str, n: int) -> str:
    return f"{prefix}{n:0{NUMBER_DIGITS}d}"


def _amount(value: object, what: str) -> Decimal:
    # Rejects floats with to_decimal's message even when assigned after construction.
    d = to_decimal(value, what)
    if not isinstance(value, Decimal):
        raise ValidationError(f"{what} must be a Decimal, not {type(value).__name__}")
    return d


@dataclass
class Product:
    name: str
    unit_price: Decimal
    sku: str = ""
    description: str = ""
    tax_rate: Decimal = Decimal(0)
    currency: str = "USD"
    active: bool = True
    id: int | None = None
    uid: str = ""
    version: int = 0

    def __post_init__(self) -> None:
        # Editors hand over text; a float would already have lost the cents it was meant to be.
        self.unit_price = to_decimal(self.unit_price, "Unit price")
        self.tax_rate = to_decimal(self.tax_rate, "Tax rate")

    def validate(self) -> None:
        if not self.name.strip():
            raise ValidationError("A product needs a name")
        if _amount(self.unit_price, f"{self.name}: unit price") < 0:
            raise ValidationError(f"{self.name}: unit price cannot be negative")
        if not 0 <= _amount(self.tax_rate, f"{self.name}: tax rate") <= 100:
            raise ValidationError(f"{self.name}: tax rate must be between 0 and 100 %")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValidationError(f"'{self.currency}' is not a three-letter currency code")


LINE_AMOUNTS = {"quantity": "quantity", "unit_price": "unit price",
                "discount_pct": "discount", "tax_rate": "tax rate"}


@dataclass
class QuoteLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)  # percent, e.g. 20 for 20 %
    product_id: int | None = None

    def __post_init__(self) -> None:
        for name, label in LINE_AMOUNTS.items():
            setattr(self, name, to_decimal(getattr(self, name), label.capitalize()))

    def validate(self, position: int) -> None:
        where = f"Line {position}"
        for name, label in LINE_AMOUNTS.items():
            _amount(getattr(self, name), f"{where}: {label}")
        if not self.description.strip():
            raise ValidationError(f"{where} needs a description")
        if self.quantity <= 0:
            raise ValidationError(f"{where}: quantity must be more than zero")
        if self.unit_price < 0:
            raise ValidationError(f"{where}: unit price cannot be negative")
        if not 0 <= self.discount_pct <= 100:
            raise ValidationError(f"{where}: discount must be between 0 and 100 %")
        if not 0 <= self.tax_rate <= 100:
            raise ValidationError(f"{where}: tax rate must be between 0 and 100 %")

    @property
    def gross(self) -> Decimal:
        return money(self.quantity * self.unit_price)

    @property
    def discount(self) -> Decimal:
        return money(self.gross * self.discount_pct / HUNDRED)

    @property
    def net(self) -> Decimal:
        return self.gross - self.discount

    @property
    def tax(self) -> Decimal:
        return money(self.net * self.tax_rate / HUNDRED)

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


@dataclass
class ProductLine:
    """A line to be filled from a product: what is left as None is copied from it."""

    product_id: int
    quantity: Decimal = Decimal(1)
    description: str | None = None
    unit_price: Decimal | None = None
    tax_rate: Decimal | None = None
    discount_pct: Decimal = Decimal(0)

    def resolve(self, product: Product, currency: str) -> QuoteLine:
        if self.unit_price is None and product.currency.upper() != currency.upper():
            raise ValidationError(
                f"{product.name} is priced in {product.currency.upper()} but the quote is in "
                f"{currency.upper()}; give the line's price in {currency.upper()}")
        return QuoteLine(
            description=(product.description or product.name) if self.description is None
            else self.description,
            quantity=self.quantity,
            unit_price=product.unit_price if self.unit_price is None else self.unit_price,
            discount_pct=self.discount_pct,
            tax_rate=product.tax_rate if self.tax_rate is None else self.tax_rate,
            product_id=product.id,
        )


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal  # before discounts
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


def totals_of(lines: list[QuoteLine]) -> Totals:
    """Sums of per-line rounded figures, so the printed lines always add up to the total."""
    subtotal = sum((ln.gross for ln in lines), Decimal("0.00"))
    discount = sum((ln.discount for ln in lines), Decimal("0.00"))
    tax = sum((ln.tax for ln in lines), Decimal("0.00"))
    net = subtotal - discount
    return Totals(subtotal, discount, net, tax, net + tax)


@dataclass
class Quote(Record):
    account_id: int | None
    contact_id: int | None
    issue_date: date
    valid_until: date | None = None
    currency: str = "USD"
    status: QuoteStatus = QuoteStatus.DRAFT
    title: str = ""
    notes: str = ""
    lines: list[QuoteLine] = field(default_factory=list)
    number: str = ""  # assigned on create

    @property
    def totals(self) -> Totals:
        return totals_of(self.lines)

    def effective_status(self, today: date) -> QuoteStatus:
        """A sent quote past its validity shows as expired even before anyone marks it."""
        if self.status == QuoteStatus.SENT and self.valid_until and self.valid_until < today:
            return QuoteStatus.EXPIRED
        return self.status

    def validate(self) -> None:
        if self.account_id is None and self.contact_id is None:
            raise ValidationError("A quote is for an account or a contact")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValidationError(f"'{self.currency}' is not a three-letter currency code")
        if self.valid_until and self.valid_until < self.issue_date:
            raise ValidationError("A quote cannot expire before it is issued")
        for i, line in enumerate(self.lines, 1):
            line.validate(i)
