"""The sample product catalogue and quotes in every status."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.domain.quote import Product, Quote, QuoteLine, QuoteStatus, money
from app.sample.draw import Uids, Weighted, chance, one
from app.sample.meter import Meter
from app.sample.people import Firm, Roster
from app.sample.words import ProductSpec, Words
from db.repositories import bulk_records
from db.repositories import quotes as quote_repo

CHUNK = 5000
VALID_DAYS = 30
# The catalogue is in US dollars; European customers are quoted in their currency at a fixed,
# made-up rate so the figures stay put from one run to the next.
RATES = {"USD": Decimal(1), "EUR": Decimal("0.92"), "GBP": Decimal("0.79")}
STATUSES = Weighted([(QuoteStatus.DRAFT, 20), (QuoteStatus.SENT, 25),
                     (QuoteStatus.ACCEPTED, 25), (QuoteStatus.DECLINED, 15),
                     (QuoteStatus.EXPIRED, 15)])
# Days before today a quote in each status was issued: open ones are recent enough to be valid.
ISSUED = {QuoteStatus.DRAFT: (0, 14), QuoteStatus.SENT: (1, VALID_DAYS - 5),
          QuoteStatus.ACCEPTED: (15, 365), QuoteStatus.DECLINED: (15, 365),
          QuoteStatus.EXPIRED: (VALID_DAYS + 5, 365)}
LINES = Weighted([(1, 20), (2, 25), (3, 25), (4, 15), (5, 10), (6, 5)])
DISCOUNTS = Weighted([(Decimal(0), 70), (Decimal(5), 12), (Decimal(10), 12), (Decimal(15), 6)])
QUANTITY = {"each": range(1, 11), "user": range(5, 55, 5), "hour": range(2, 41),
            "day": range(1, 6), "month": (12, 24, 36)}


def add_catalogue(session: Session, words: Words, uids: Uids
                  ) -> list[tuple[Product, ProductSpec]]:
    """The catalogue, reusing products a mixed-in database already has under the same SKU."""
    stored = {p.sku: p for p in quote_repo.list_products(session, include_inactive=True)
              if p.sku and p.currency == "USD"}
    out = []
    for spec in words.products:
        p = stored.get(spec.sku) or Product(
            name=spec.name, unit_price=spec.price, sku=spec.sku, description=spec.description,
            tax_rate=spec.tax_rate, uid=uids())
        if p.id is None:
            p.validate()
            p.id = quote_repo.add_product(session, p)
        out.append((p, spec))
    return out


def add_quotes(session: Session, words: Words, count: int, roster: Roster, firms: list[Firm],
               catalogue: list[tuple[Product, ProductSpec]], rng: random.Random, uids: Uids,
               today: date, meter: Meter) -> tuple[int, int]:
    """Returns (quotes, lines)."""
    if not len(roster) or not catalogue:
        return 0, 0
    titles = words.label("quote_title")
    notes = words.label("quote_note")
    numbers = bulk_records.reserve_quote_numbers(session, count)
    made = lines = 0
    while made < count:
        meter.check()
        batch = []
        for number in numbers[made:made + CHUNK]:
            i = rng.randrange(len(roster))
            firm = firms[roster.firm[i]] if roster.firm[i] >= 0 else None
            country = (firm.city if firm else roster.city[i]).country
            currency = country.currency if country.currency in RATES else "USD"
            status = STATUSES.pick(rng)
            issued = today - timedelta(days=rng.randint(*ISSUED[status]))
            chosen = rng.sample(catalogue, min(LINES.pick(rng), len(catalogue)))
            q = Quote(
                account_id=firm.id if firm else None,
                contact_id=roster.ids[i] if firm is None or chance(rng, 0.9) else None,
                issue_date=issued, valid_until=issued + timedelta(days=VALID_DAYS),
                currency=currency, status=status,
                title=rng.choice(titles).format(
                    company=firm.name if firm else roster.first[i], year=issued.year,
                    product=chosen[0][0].name),
                notes=rng.choice(notes) if chance(rng, 0.5) else "",
                lines=[QuoteLine(
                    description=p.description or p.name,
                    quantity=Decimal(one(rng, QUANTITY.get(spec.unit, (1,)))),
                    unit_price=money(p.unit_price * RATES[currency]),
                    discount_pct=DISCOUNTS.pick(rng), tax_rate=p.tax_rate, product_id=p.id)
                    for p, spec in chosen],
                number=number, uid=uids())
            q.validate()
            batch.append(q)
            lines += len(q.lines)
        bulk_records.add_quotes(session, batch)
        made += len(batch)
        meter.advance(len(batch))
    return made, lines
