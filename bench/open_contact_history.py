"""Open a contact with 5,000 history items in the History timeline: from show_contact to the
first page on screen (the read on the ReadPool, the rows into the model, the view painted;
widget.grab() is the paint). Median of several runs, after one that warms the file's pages.

    .venv/bin/python bench/open_contact_history.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import DATA, median, report

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.domain.changes import Entity  # noqa: E402
from app.domain.contact import Contact, Email, Phone  # noqa: E402
from app.domain.history import HistoryItem, HistoryKind, Outcome  # noqa: E402
from app.services.registry import Services  # noqa: E402
from db.repositories import bulk  # noqa: E402

ITEMS = 5000
RUNS = 15
NAME = ("Priya", "Raman")
KINDS = (HistoryKind.CALL, HistoryKind.CALL, HistoryKind.EMAIL, HistoryKind.MEETING,
         HistoryKind.NOTE, HistoryKind.TODO_DONE)
OUTCOMES = (Outcome.COMPLETED, Outcome.COMPLETED, Outcome.COMPLETED, Outcome.LEFT_MESSAGE,
            Outcome.NO_ANSWER)
WORDS = ("spring order", "pricing for oak", "delivery to Lagos", "samples", "invoice 4120",
         "site visit", "catalogue", "credit terms", "the new range", "a late shipment")


def database() -> tuple[Path, int]:
    """The contact and its history, made once into bench/.data/ and reused."""
    path = DATA / f"history-{ITEMS}.db"
    if path.exists():
        s = Services.open(path)
        try:
            found = s.directory.contact_ids(" ".join(NAME))
            if found and len(s.timeline.for_contact(found[0], ITEMS + 1)) == ITEMS:
                return path, found[0]
        finally:
            s.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"# generating {path.name} (once; reused by later runs)", file=sys.stderr, flush=True)
    s = Services.open(path)
    try:
        cid = s.contacts.create(Contact(
            given=NAME[0], family=NAME[1], title="Head of Purchasing",
            phones=[Phone("+234 801 555 0192")],
            emails=[Email("p.raman@lagostimber.example")])).new_id(Entity.CONTACT)
        others = [s.contacts.create(Contact(given=g, family="Okafor")).new_id(Entity.CONTACT)
                  for g in ("Ade", "Bola", "Chidi")]
        rng = random.Random(7)
        now = datetime.now(UTC)
        items = []
        for n in range(ITEMS):
            kind = rng.choice(KINDS)
            about = rng.choice(WORDS)
            items.append(HistoryItem(
                kind, now - timedelta(hours=n * 3 + rng.randrange(3)), about.capitalize(),
                f"Talked about {about}.\nAgreed to follow up next week.\n"
                f"Reference {n:05d}." if rng.random() < 0.7 else "",
                rng.choice(OUTCOMES) if kind is HistoryKind.CALL else Outcome.COMPLETED,
                rng.choice((5, 10, 15, 30, 45, 60)) if kind in (
                    HistoryKind.CALL, HistoryKind.MEETING) else None,
                [cid, *([rng.choice(others)] if rng.random() < 0.2 else [])]))
        with s.db.unit(f"Log {ITEMS} history items") as tx:
            bulk.add_history(tx.session, items)
        return path, cid
    finally:
        s.close()


def main() -> None:
    path, cid = database()
    from ui.app import application
    from ui.history import TimelineView
    from ui.history.model import FIRST_PAGE
    from ui.tasks import ChangeBus, ReadPool, Writer

    app: QApplication = application()
    services = Services.open(path)
    parent = QWidget()
    bus = ChangeBus(parent)
    reads, writer = ReadPool(parent), Writer(bus, parent)
    view = TimelineView(services, reads, writer)
    view.resize(640, 720)
    view.show()
    app.processEvents()

    def open_once() -> float:
        view.clear()
        app.processEvents()
        started = time.perf_counter()
        view.show_contact(cid)
        # Waiting as the window's event loop does, not spinning: a spin would hold the
        # interpreter the read thread needs.
        while not (view.model.ready and view.model.rowCount() > 0):
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        view.grab()
        took = time.perf_counter() - started
        assert view.model.rowCount() == FIRST_PAGE, view.model.rowCount()
        return took * 1000

    try:
        open_once()  # the file's pages into the OS cache, as on any second look
        times = [open_once() for _ in range(RUNS)]
    finally:
        reads.wait()
        writer.wait()
        services.close()
    report(f"open_contact_{ITEMS}_history", median(times), "ms", "<", 150)


if __name__ == "__main__":
    main()
