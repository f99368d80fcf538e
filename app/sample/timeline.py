"""Sample activities around `today` (some overdue, some repeating, some cleared) and two years of
history, streamed in chunks so a million items never sit in memory at once."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from app.domain.activity import Activity, ActivityKind, ActivityStatus, Priority
from app.domain.contact import ContactStatus
from app.domain.errors import ValidationError
from app.domain.history import HistoryItem, HistoryKind, Outcome
from app.domain.recurrence import localize, zone
from app.sample.draw import Uids, Weighted, chance, one
from app.sample.meter import Meter
from app.sample.people import Firm, Roster
from app.sample.words import Text, Words
from db.repositories import bulk, bulk_records

CHUNK = 20000
# A history item written by clearing, and the occurrence it cleared (None for a one-off).
Cleared = tuple[HistoryItem, datetime | None]
HISTORY_DAYS = 730
# Customers get more attention than leads, so more of the history and the diary is theirs.
ATTENTION = {ContactStatus.CUSTOMER: 3, ContactStatus.PROSPECT: 2, ContactStatus.LEAD: 1,
             ContactStatus.OTHER: 1}
HISTORY_KINDS = Weighted([(HistoryKind.CALL, 35), (HistoryKind.EMAIL, 25),
                          (HistoryKind.MEETING, 15), (HistoryKind.NOTE, 15),
                          (HistoryKind.TODO_DONE, 10)])
_DONE = Weighted([(Outcome.COMPLETED, 1)])
OUTCOMES = {HistoryKind.CALL: Weighted([(Outcome.COMPLETED, 60), (Outcome.LEFT_MESSAGE, 20),
                                        (Outcome.NO_ANSWER, 12), (Outcome.ATTEMPTED, 8)]),
            HistoryKind.MEETING: Weighted([(Outcome.COMPLETED, 85), (Outcome.RESCHEDULED, 8),
                                           (Outcome.CANCELLED, 7)])}
MINUTES = {HistoryKind.CALL: (5, 10, 15, 20, 30, 45), HistoryKind.MEETING: (30, 45, 60, 90, 120)}
AS_HISTORY = {ActivityKind.CALL: HistoryKind.CALL, ActivityKind.MEETING: HistoryKind.MEETING,
              ActivityKind.TODO: HistoryKind.TODO_DONE}

ACTIVITY_KINDS = Weighted([(ActivityKind.CALL, 40), (ActivityKind.MEETING, 35),
                           (ActivityKind.TODO, 25)])
WHEN = Weighted([("overdue", 10), ("cleared", 10), ("today", 6), ("upcoming", 59),
                 ("repeating", 15)])
PRIORITIES = Weighted([(Priority.LOW, 20), (Priority.NORMAL, 60), (Priority.HIGH, 20)])
ALARMS = Weighted([(None, 40), (5, 10), (10, 15), (15, 20), (30, 10), (60, 5)])
SPAN = {ActivityKind.CALL: (15, 30), ActivityKind.MEETING: (30, 45, 60, 90, 120),
        ActivityKind.TODO: (15, 30)}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
# (RRULE with {wd} for a weekday and {until} for an end date, what the first start lines up on)
RULES = Weighted([(("FREQ=WEEKLY;BYDAY={wd}", "weekday"), 30),
                  (("FREQ=WEEKLY;INTERVAL=2;BYDAY={wd}", "weekday"), 15),
                  (("FREQ=MONTHLY;BYMONTHDAY=1;COUNT=12", "first"), 15),
                  (("FREQ=MONTHLY;BYDAY=1{wd}", "first_weekday"), 10),
                  (("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=24", "monday"), 8),
                  (("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10", "monday"), 7),
                  (("FREQ=WEEKLY;BYDAY={wd};UNTIL={until}", "weekday"), 10),
                  (("FREQ=YEARLY;COUNT=5", "any"), 5)])


def _pool(texts: Sequence[Text]) -> tuple[tuple[Text, ...], tuple[Text, ...]]:
    """(every text, the ones that do not mention a company) for people without one."""
    return tuple(texts), tuple(t for t in texts if "{company}" not in t.text) or tuple(texts)


class _Writer:
    """Shared by history and activities: who, where and which words."""

    def __init__(self, words: Words, roster: Roster, firms: list[Firm], rng: random.Random,
                 uids: Uids):
        self.rng = rng
        self.uids = uids
        self.roster = roster
        self.firms = firms
        self.who = Weighted([(i, ATTENTION[s]) for i, s in enumerate(roster.status)])
        self.products = [p.spoken for p in words.products]

    def fill(self, text: Text, i: int) -> str:
        if not text.templated:
            return text.text
        f = self.roster.firm[i]
        return text.text.format(first=self.roster.first[i], product=one(self.rng, self.products),
                                company=self.firms[f].name if f >= 0 else "",
                                city=self.roster.city[i].name)

    def pick(self, pools: tuple[tuple[Text, ...], tuple[Text, ...]], i: int) -> str:
        return self.fill(one(self.rng, pools[0] if self.roster.firm[i] >= 0 else pools[1]), i)

    def colleagues(self, i: int, most: int) -> list[int]:
        f = self.roster.firm[i]
        if f < 0 or most <= 0:
            return []
        others = [p for p in self.firms[f].people[:50] if p != i]
        return self.rng.sample(others, min(len(others), self.rng.randint(1, most)))

    def account(self, i: int) -> int | None:
        f = self.roster.firm[i]
        return self.firms[f].id if f >= 0 else None


def add_history(session: Session, words: Words, count: int, roster: Roster, firms: list[Firm],
                rng: random.Random, uids: Uids, today: date, meter: Meter) -> int:
    """`count` items over the last two years, written oldest first: ids follow time as they
    would in real use, and the time indexes grow at their end instead of all over."""
    if not len(roster) or count <= 0:
        return 0
    w = _Writer(words, roster, firms, rng, uids)
    subjects = {k: _pool(v) for k, v in words.history_subjects.items()}
    details = {k: _pool(v) for k, v in words.history_details.items()}
    outcomes = {k: OUTCOMES.get(k, _DONE) for k in HistoryKind}
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS + 1)]
    # Most work happens on weekdays: a weekend day usually becomes the Friday before.
    workdays = [d - timedelta(days=d.weekday() - 4) if d.weekday() > 4 else d for d in days]
    ids, city, rand = roster.ids, roster.city, rng.random
    sentences = (0, 1, 1, 1, 2)
    done = 0
    while done < count:
        meter.check()
        k = min(CHUNK, count - done)
        items, order = [], []
        for j, (i, kind) in enumerate(zip(w.who.many(rng, k), HISTORY_KINDS.many(rng, k),
                                          strict=True), done):
            # Item j of count falls in the j-th slice of the period, so the whole run is in
            # time order and evenly spread.
            n = HISTORY_DAYS - int((j + rand()) * HISTORY_DAYS / count)
            d = workdays[n] if rand() < 0.9 else days[n]
            slot = int(rand() * 120)  # 08:00 to 17:55 in five-minute steps
            outcome = outcomes[kind].pick(rng)
            minutes = None
            if outcome == Outcome.COMPLETED:
                if kind in MINUTES:
                    minutes = one(rng, MINUTES[kind])
            elif outcome == Outcome.LEFT_MESSAGE:
                minutes = 1
            said = 1 + (rand() < 0.3) if kind == HistoryKind.NOTE else one(rng, sentences)
            item = HistoryItem(
                kind=kind,
                occurred_at=datetime(d.year, d.month, d.day, 8 + slot // 12, slot % 12 * 5,
                                     tzinfo=city[i].zone),
                regarding=w.pick(subjects[kind], i),
                details=" ".join([w.pick(details[kind], i) for _ in range(said)]),
                outcome=outcome, duration_minutes=minutes,
                contact_ids=[ids[i], *(ids[c] for c in w.colleagues(i, 1))]
                if rand() < 0.15 else [ids[i]],
                account_id=w.account(i), uid=uids())
            item.validate()
            items.append(item)
            # Local wall time is close enough for ordering, and cheap to compare.
            order.append(d.toordinal() * 120 + slot)
        bulk.add_history(session, [items[x] for x in sorted(range(k), key=order.__getitem__)])
        done += k
        meter.advance(k)
    return done


def add_activities(session: Session, words: Words, count: int, roster: Roster,
                   firms: list[Firm], rng: random.Random, uids: Uids, today: date,
                   meter: Meter) -> tuple[int, list[Cleared]]:
    """Returns the number written and what clearing some of them wrote (to be stored with
    write_cleared once the regular history is in, so history ids stay in time order)."""
    if not len(roster):
        return 0, []
    maker = _ActivityMaker(words, roster, firms, rng, uids, today)
    made = 0
    cleared: list[Cleared] = []
    while made < count:
        meter.check()
        k = min(CHUNK, count - made)
        batch = [maker.make() for _ in range(k)]
        for a in batch:
            a.validate()
        ids = bulk_records.add_activities(session, batch)
        cleared += maker.clear(list(zip(ids, batch, strict=True)))
        made += k
        meter.advance(k)
    return made, cleared


def _cleared_activity(item: HistoryItem) -> int:
    """The activity a clearing's history item cleared: _ActivityMaker._result names it."""
    if item.activity_id is None:
        raise ValidationError(f"History item '{item.regarding}' names no activity it cleared")
    return item.activity_id


def write_cleared(session: Session, cleared: list[Cleared], meter: Meter) -> int:
    """Store clearing's history items, then the cleared-occurrence rows that point at them."""
    if not cleared:
        return 0
    meter.check()
    cleared.sort(key=lambda c: c[0].occurred_at)
    hids = bulk.add_history(session, [item for item, _ in cleared])
    bulk_records.add_cleared_occurrences(session, [
        (_cleared_activity(item), key, hid)
        for (item, key), hid in zip(cleared, hids, strict=True)
        if key is not None])
    meter.advance(len(cleared))
    return len(cleared)


class _ActivityMaker(_Writer):
    def __init__(self, words: Words, roster: Roster, firms: list[Firm], rng: random.Random,
                 uids: Uids, today: date):
        super().__init__(words, roster, firms, rng, uids)
        self.today = today
        self.once = {k: _pool(words.activity_subjects.get((k.value, False), ()))
                     for k in ActivityKind}
        self.repeating = {k: _pool(words.activity_subjects.get((k.value, True), ()) or
                                   words.activity_subjects[(k.value, False)])
                          for k in ActivityKind}
        self.notes = words.label("activity_detail")
        self.places = words.label("location")
        # Clearing notes name nobody, so they need no contact to fill in.
        self.plain = {k: tuple(t.text for t in texts if not t.templated) or ("Done.",)
                      for k, texts in words.history_details.items()}

    def make(self) -> Activity:
        rng = self.rng
        i = self.who.pick(rng)
        kind = ACTIVITY_KINDS.pick(rng)
        when = WHEN.pick(rng)
        rule = None
        if when == "repeating":
            rule, day = self._rule()
        else:
            offset = {"overdue": -rng.randint(1, 30), "cleared": -rng.randint(1, 120),
                      "today": 0, "upcoming": rng.randint(1, 60)}[when]
            day = self.today + timedelta(days=offset)
            if offset and day.weekday() > 4:  # business happens on weekdays
                day += timedelta(days=7 - day.weekday() if offset > 0 else 4 - day.weekday())
        all_day = chance(rng, {ActivityKind.TODO: 0.4, ActivityKind.MEETING: 0.05}.get(kind, 0))
        attendees = [i, *self.colleagues(i, 2 if kind == ActivityKind.MEETING
                                         and chance(rng, 0.3) else 0)]
        a = Activity(
            kind=kind,
            regarding=self.pick((self.repeating if rule else self.once)[kind], i),
            start=datetime.combine(day, time(rng.randrange(8, 18), one(rng, (0, 15, 30, 45))))
            if not all_day else datetime.combine(day, time()),
            duration=timedelta(days=1) if all_day else timedelta(minutes=one(rng, SPAN[kind])),
            tz=None if all_day else self.roster.city[i].tz, all_day=all_day,
            priority=PRIORITIES.pick(rng),
            location=one(rng, self.places) if kind == ActivityKind.MEETING else "",
            details=one(rng, self.notes) if chance(rng, 0.4) else "",
            rrule=rule, alarm_minutes=(1440 if chance(rng, 0.3) else None) if all_day
            else ALARMS.pick(rng),
            attendee_ids=[self.roster.ids[p] for p in attendees], account_id=self.account(i),
            status=ActivityStatus.CLEARED if when == "cleared" else ActivityStatus.OPEN,
            uid=self.uids())
        return a

    def _rule(self) -> tuple[str, date]:
        rng = self.rng
        template, align = RULES.pick(rng)
        wd = rng.randrange(5)
        base = self.today + timedelta(days=rng.randint(-60, 14))
        if align == "weekday":
            day = base + timedelta(days=(wd - base.weekday()) % 7)
        elif align == "monday":
            day = base + timedelta(days=-base.weekday() % 7)
        elif align in ("first", "first_weekday"):
            day = date(base.year + base.month // 12, base.month % 12 + 1, 1)
            if align == "first_weekday":
                day += timedelta(days=(wd - day.weekday()) % 7)
        else:
            day = base
        until = day + timedelta(days=one(rng, (90, 180, 365)))
        return template.format(wd=WEEKDAYS[wd], until=f"{until:%Y%m%d}"), day

    def clear(self, stored: list[tuple[int, Activity]]) -> list[Cleared]:
        """What clearing writes (ActivityService.clear, in bulk): a history item per cleared
        one-off, and for some past occurrences of series a history item plus a
        cleared-occurrence row (the occurrence's key rides along)."""
        rng = self.rng
        start_of_today = datetime.combine(self.today, time(), UTC)
        done: list[Cleared] = []
        for aid, a in stored:
            if a.status == ActivityStatus.CLEARED:
                done.append((self._result(aid, a, localize(a.start, zone(a.tz) or UTC)), None))
            elif a.rrule and a.start.date() < self.today and chance(rng, 0.4):
                slots = a.schedule.slots(start_of_today - timedelta(days=21), start_of_today, UTC)
                done += [(self._result(aid, a, slot.start), slot.key)
                         for slot in slots[-rng.randint(1, 2):]]
        return done

    def _result(self, aid: int, a: Activity, when: datetime) -> HistoryItem:
        rng = self.rng
        kind = AS_HISTORY[a.kind]
        outcome = (Outcome.LEFT_MESSAGE if kind == HistoryKind.CALL and chance(rng, 0.1)
                   else Outcome.COMPLETED)
        return HistoryItem(
            kind=kind, occurred_at=when, regarding=a.regarding,
            details=a.details or one(rng, self.plain[kind]), outcome=outcome,
            duration_minutes=None if a.all_day else int(a.duration.total_seconds() // 60),
            contact_ids=list(a.attendee_ids), account_id=a.account_id, activity_id=aid,
            uid=self.uids())
