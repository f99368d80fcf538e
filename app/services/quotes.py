"""Quote and product use cases. Each is one transaction and returns the ChangeSet views refresh
from; money stays Decimal from the editor to the database and back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import ValidationError
from app.domain.quote import (
    OPEN_STATUSES,
    Product,
    ProductLine,
    Quote,
    QuoteLine,
    QuoteStatus,
    check_number_prefix,
    check_transition,
)
from app.domain.summaries import QuoteTotal
from db.database import Database
from db.repositories import quotes as repo


def _require_draft(q: Quote) -> None:
    if q.status == QuoteStatus.DRAFT:
        return
    if q.status == QuoteStatus.SENT:
        raise ValidationError(
            f"Quote {q.number} has been sent, so it cannot be changed. "
            "Move it back to draft first, then edit it.")
    raise ValidationError(
        f"Quote {q.number} is {q.status.value} and can no longer be changed; "
        "duplicate it to make a new version.")


def _status(value: QuoteStatus | str) -> QuoteStatus:
    try:
        return QuoteStatus(value)
    except ValueError:
        names = ", ".join(s.value for s in QuoteStatus)
        raise ValidationError(f"'{value}' is not a quote status ({names})") from None


class QuoteService:
    def __init__(self, db: Database):
        self._db = db

    def get(self, quote_id: int, *, include_deleted: bool = False) -> Quote:
        with self._db.read() as s:
            return repo.get(s, quote_id, include_deleted=include_deleted)

    def quotes(self, *statuses: QuoteStatus) -> list[Quote]:
        """Quotes by stored status (all when none given), oldest issue first."""
        with self._db.read() as s:
            return repo.list_quotes(s, [_status(st) for st in statuses])

    def create(self, quote: Quote) -> ChangeSet:
        """Save a new quote under the next number. It starts as a draft whatever `quote.status`
        says, since nothing has been sent yet; the caller's object is left as it was."""
        draft = replace(quote, status=QuoteStatus.DRAFT, number="", lines=list(quote.lines))
        draft.validate()
        with self._db.unit("New quote") as tx:
            s = tx.session
            draft.number = repo.take_number(s)
            qid = repo.add(s, draft)
        return ChangeSet.of(inserted={Entity.QUOTE: [qid]})

    def update(self, quote: Quote) -> ChangeSet:
        """Save an edited draft's header and lines. Sent and closed quotes are what the customer
        saw, so they are refused rather than silently rewritten."""
        if quote.id is None:
            raise ValidationError("Only a saved quote can be updated")
        quote.validate()
        with self._db.unit(f"Edit quote {quote.number or quote.id}") as tx:
            s = tx.session
            stored = repo.get(s, quote.id)
            _require_draft(stored)
            if quote.status != stored.status:
                raise ValidationError(
                    f"Quote {stored.number} is a draft; mark it {quote.status.value} as a "
                    "separate step after saving the edit")
            repo.save(s, quote)
        return ChangeSet.of(updated={Entity.QUOTE: [quote.id]})

    def add_line(self, quote_id: int, line: QuoteLine | ProductLine) -> ChangeSet:
        """Append a line to a draft. A ProductLine copies the product's description, price and
        tax rate for whatever it leaves as None."""
        with self._db.unit("Add quote line") as tx:
            s = tx.session
            q = repo.get(s, quote_id)
            _require_draft(q)
            if isinstance(line, ProductLine):
                line = line.resolve(repo.get_product(s, line.product_id), q.currency)
            line.validate(len(q.lines) + 1)
            repo.add_line(s, quote_id, line)
        return ChangeSet.of(updated={Entity.QUOTE: [quote_id]})

    def set_status(self, quote_id: int, status: QuoteStatus | str) -> ChangeSet:
        """Move a quote along TRANSITIONS; only the status (and the edit time) changes."""
        new = _status(status)
        with self._db.unit(f"Mark quote {new.value}") as tx:
            s = tx.session
            q = repo.get(s, quote_id)
            check_transition(q.status, new)
            if new == q.status:
                return ChangeSet()
            if new == QuoteStatus.SENT and not q.lines:
                raise ValidationError(f"Quote {q.number} has no lines; add one before sending it")
            repo.set_status(s, quote_id, new)
        return ChangeSet.of(updated={Entity.QUOTE: [quote_id]})

    def duplicate(self, quote_id: int, issue_date: date) -> ChangeSet:
        """A new draft under a new number with the same customer, currency, title, notes and
        lines, valid for as many days as the original was. Works from any status: it is how a
        closed quote is reopened."""
        with self._db.unit("Duplicate quote") as tx:
            s = tx.session
            src = repo.get(s, quote_id)
            valid_until = (issue_date + (src.valid_until - src.issue_date)
                           if src.valid_until else None)
            copy = Quote(account_id=src.account_id, contact_id=src.contact_id,
                         issue_date=issue_date, valid_until=valid_until, currency=src.currency,
                         title=src.title, notes=src.notes,
                         lines=[replace(ln) for ln in src.lines])
            copy.validate()
            copy.number = repo.take_number(s)
            qid = repo.add(s, copy)
        return ChangeSet.of(inserted={Entity.QUOTE: [qid]})

    def next_number(self) -> str:
        """The number the next new quote will get (a preview: nothing is reserved)."""
        with self._db.read() as s:
            return repo.peek_number(s)

    def number_prefix(self) -> str:
        with self._db.read() as s:
            return repo.number_prefix(s)

    def set_number_prefix(self, prefix: str) -> ChangeSet:
        """Applies to quotes created from now on; existing numbers keep theirs, and the counter
        carries on rather than restarting, so no number is ever issued twice."""
        clean = check_number_prefix(prefix)
        with self._db.unit("Change quote number prefix") as tx:
            s = tx.session
            repo.set_number_prefix(s, clean)
        return ChangeSet()

    def delete(self, ids: Sequence[int]) -> ChangeSet:
        """Move to the trash; restore() brings them back."""
        with self._db.unit("Delete quotes") as tx:
            s = tx.session
            changed = repo.set_deleted(s, ids, deleted=True)
        return ChangeSet.of(deleted={Entity.QUOTE: changed})

    def restore(self, ids: Sequence[int]) -> ChangeSet:
        with self._db.unit("Restore quotes") as tx:
            s = tx.session
            changed = repo.set_deleted(s, ids, deleted=False)
        return ChangeSet.of(inserted={Entity.QUOTE: changed})

    def purge(self, ids: Sequence[int]) -> ChangeSet:
        """Delete for good. Only quotes already in the trash; their numbers stay used."""
        with self._db.unit("Delete quotes for good") as tx:
            s = tx.session
            gone = repo.purge(s, ids)
            not_in_trash = set(ids) - set(gone)
            if not_in_trash:
                raise ValidationError(
                    f"Quote {min(not_in_trash)} is not in the trash; move it there first")
        return ChangeSet.of(deleted={Entity.QUOTE: gone})

    def product(self, product_id: int) -> Product:
        with self._db.read() as s:
            return repo.get_product(s, product_id)

    def products(self, include_inactive: bool = False) -> list[Product]:
        """Products by name; retired (inactive) ones only when asked, e.g. for the catalogue
        editor rather than the line picker."""
        with self._db.read() as s:
            return repo.list_products(s, include_inactive=include_inactive)

    def add_product(self, product: Product) -> ChangeSet:
        product.validate()
        with self._db.unit(f"Save product {product.name}") as tx:
            s = tx.session
            pid = repo.add_product(s, product)
        return ChangeSet.of(inserted={Entity.PRODUCT: [pid]})

    def update_product(self, product: Product) -> ChangeSet:
        """Existing quote lines keep the price they were made with; only new lines see this."""
        if product.id is None:
            raise ValidationError("Only a saved product can be updated")
        product.validate()
        with self._db.unit(f"Save product {product.name}") as tx:
            s = tx.session
            repo.save_product(s, product)
        return ChangeSet.of(updated={Entity.PRODUCT: [product.id]})

    def open_totals(self, today: date) -> list[QuoteTotal]:
        """Count and total of open quotes per (status, currency), drafts first. A sent quote
        past its validity is expired, not open, even if nobody has marked it so. Currencies
        are never added together."""
        with self._db.read() as s:
            candidates = repo.list_quotes(s, OPEN_STATUSES)
        sums: dict[tuple[QuoteStatus, str], tuple[int, Decimal]] = {}
        for q in candidates:
            status = q.effective_status(today)
            if status not in OPEN_STATUSES:
                continue
            count, total = sums.get((status, q.currency), (0, Decimal("0.00")))
            sums[(status, q.currency)] = (count + 1, total + q.totals.total)
        order = sorted(sums, key=lambda k: (OPEN_STATUSES.index(k[0]), k[1]))
        return [QuoteTotal(st.value, cur, *sums[(st, cur)]) for st, cur in order]
