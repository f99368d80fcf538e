"""The "today" summary: what is due, what is overdue, whose birthday is coming, open quotes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from app.domain.dates import PartialDate
from app.domain.summaries import Birthday, TodaySummary
from app.services.activities import ActivityService
from app.services.quotes import QuoteService
from db.database import Database
from db.queries import directory as q

BIRTHDAY_DAYS = 14


class TodayService:
    def __init__(self, db: Database, activities: ActivityService, quotes: QuoteService):
        self._db = db
        self._activities = activities
        self._quotes = quotes

    def summary(self, day: date, viewer: tzinfo) -> TodaySummary:
        start = datetime.combine(day, time(), viewer)
        end = datetime.combine(day + timedelta(days=1), time(), viewer)
        due, overdue = self._activities.due_and_overdue(start, end, viewer)
        return TodaySummary(day, due, overdue, self.birthdays(day), self._quotes.open_totals(day))

    def birthdays(self, day: date, days: int = BIRTHDAY_DAYS) -> list[Birthday]:
        """Birthdays from today through the next `days` days; Feb 29 counts on Feb 28 in
        common years, so nobody's birthday silently skips three years out of four."""
        window = [day + timedelta(days=i) for i in range(days + 1)]
        pairs = {(d.month, d.day) for d in window}
        if (2, 28) in pairs:
            pairs.add((2, 29))
        with self._db.read() as s:
            rows = q.birthdays_on(s.connection(), sorted(pairs))
        out = []
        for cid, name, text in rows:
            born = PartialDate.parse(text)
            on = born.next_on_or_after(day)
            if on <= window[-1]:
                turns = on.year - born.year if born.year is not None else None
                out.append(Birthday(cid, name, on, turns))
        out.sort(key=lambda b: (b.on, b.display_name.casefold()))
        return out
