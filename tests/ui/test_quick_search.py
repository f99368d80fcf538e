"""The Ctrl+K box as a user meets it: typing finds people by a phone fragment, companies by
name and notes by a word inside them; the keyboard moves, opens, clears and closes; commands
run from the same box; and an answer that comes late never replaces a newer one."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, Email, Phone
from app.domain.history import HistoryItem, HistoryKind
from app.services.registry import Services
from ui.quick_search import QuickSearch
from ui.search.rows import Row, RowKind
from ui.tasks import ReadPool


class HeldReads(ReadPool):
    """The real read pool, except that the next read waits until `release()`: a search that
    is slow for once (a cold disk, a busy network share)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._gate = threading.Event()
        self._hold_next = False

    def hold_next(self) -> None:
        self._hold_next = True

    def release(self) -> None:
        self._gate.set()

    def run(self, work, done=None, failed=None) -> None:
        if self._hold_next:
            self._hold_next = False
            gate, inner = self._gate, work

            def work():
                gate.wait(10)
                return inner()
        super().run(work, done, failed)


@pytest.fixture
def data(db):
    s = Services.over(db)
    lagos = s.accounts.create(Account(name="Lagos Timber", industry="Forestry")).new_id(
        Entity.ACCOUNT)

    def add(**kw) -> int:
        return s.contacts.create(Contact(**kw)).new_id(Entity.CONTACT)

    ids = {
        "lagos": lagos,
        "priya": add(given="Priya", family="Raman", account_id=lagos, title="Head of Purchasing",
                     phones=[Phone("+44 20 7946 0001", "home"), Phone("+234 801 555 0192")],
                     emails=[Email("p.raman@lagostimber.example")]),
        "grace": add(given="Grace", family="Hopper", emails=[Email("grace@navy.example")]),
        "alan": add(given="Alan", family="Turing"),
        "newton": add(given="Isaac", family="Newton"),
    }
    when = datetime.now(UTC) - timedelta(days=3)
    s.timeline.log(HistoryItem(HistoryKind.NOTE, when, "Spring order",
                               "She wants the walnut veneer samples before May.",
                               contact_ids=[ids["priya"]]))
    ids["note"] = s.timeline.for_contact(ids["priya"])[0].id
    return s, ids


@pytest.fixture
def box(qtbot, data):
    services, _ = data
    window = QWidget()
    window.resize(800, 500)
    behind = QLineEdit(window)  # what had the focus before Ctrl+K
    QVBoxLayout(window).addWidget(behind)
    reads = HeldReads(window)
    quick = QuickSearch(services, reads, window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    behind.setFocus()
    yield quick
    reads.release()
    reads.wait()


def typed(qtbot, quick: QuickSearch, text: str) -> list[Row]:
    """Open the box, type `text` a key at a time, and wait for its results on screen."""
    quick.open()
    qtbot.keyClicks(quick.field, text)
    qtbot.waitUntil(lambda: quick.shown_text == text and not quick._reads.busy)
    return quick.model.rows


def group(rows: list[Row], heading: str) -> list[Row]:
    """The rows under `heading`, up to the next header."""
    out: list[Row] = []
    inside = False
    for row in rows:
        if row.kind == RowKind.HEADER:
            inside = row.title == heading
        elif inside:
            out.append(row)
    return out


def headings(rows: list[Row]) -> list[str]:
    return [r.title for r in rows if r.kind == RowKind.HEADER]


def current(quick: QuickSearch) -> Row:
    row = quick.model.row_at(quick.results.currentIndex().row())
    assert row is not None, "no row is current"
    return row


def marked(text: str, marks) -> list[str]:
    return [text[a:b] for a, b in marks]


def test_a_phone_number_fragment_finds_the_contact_and_shows_that_number(qtbot, box, data):
    rows = typed(qtbot, box, "555 0192")
    people = group(rows, "Contacts")
    assert [r.title for r in people] == ["Priya Raman"]
    # The number that matched is shown (not her first, home number), the digits marked.
    assert people[0].subtitle.startswith("+234 801 555 0192")
    assert marked(people[0].subtitle, people[0].subtitle_marks) == ["555 0192"]


def test_an_account_name_finds_the_account_and_the_people_there(qtbot, box, data):
    _, ids = data
    rows = typed(qtbot, box, "lagos")
    firms = group(rows, "Accounts")
    assert [(r.title, r.id) for r in firms] == [("Lagos Timber", ids["lagos"])]
    assert "Forestry" in firms[0].subtitle and "1 contact" in firms[0].subtitle
    assert marked(firms[0].title, firms[0].title_marks) == ["Lagos"]
    assert [r.title for r in group(rows, "Contacts")] == ["Priya Raman"]


def test_a_word_only_in_a_note_finds_the_notes_history_item(qtbot, box, data):
    _, ids = data
    rows = typed(qtbot, box, "walnut")
    assert headings(rows) == ["Notes & history"]
    (item,) = group(rows, "Notes & history")
    assert item.id == ids["note"] and item.contact_id == ids["priya"]
    # Why it matched is on screen: the words around "walnut", under the note's subject.
    assert item.title.startswith("Spring order — ") and "walnut veneer" in item.title
    assert marked(item.title, item.title_marks) == ["walnut"]
    assert item.subtitle.startswith("Note · ") and "Priya Raman" in item.subtitle
    with qtbot.waitSignal(box.open_history) as opened:
        qtbot.keyClick(box.field, Qt.Key.Key_Return)
    assert opened.args == [ids["note"], ids["priya"]]


def test_enter_opens_the_contact_and_closes_the_box(qtbot, box, data):
    _, ids = data
    rows = typed(qtbot, box, "gra")
    assert current(box) == group(rows, "Contacts")[0]
    assert marked(current(box).title, current(box).title_marks) == ["Gra"]
    with qtbot.waitSignal(box.open_contact) as opened:
        qtbot.keyClick(box.field, Qt.Key.Key_Return)
    assert opened.args == [ids["grace"]]
    assert not box.isVisible()


def test_a_click_on_a_result_opens_it(qtbot, box, data):
    _, ids = data
    rows = typed(qtbot, box, "turing")
    index = box.model.index(rows.index(group(rows, "Contacts")[0]), 0)
    with qtbot.waitSignal(box.open_contact) as opened:
        qtbot.mouseClick(box.results.viewport(), Qt.MouseButton.LeftButton,
                         pos=box.results.visualRect(index).center())
    assert opened.args == [ids["alan"]]


def test_escape_clears_the_text_then_closes_and_gives_the_focus_back(qtbot, box):
    behind = box.parentWidget().findChild(QLineEdit)
    typed(qtbot, box, "grace")
    qtbot.keyClick(box.field, Qt.Key.Key_Escape)
    assert box.isVisible() and box.field.text() == ""
    qtbot.keyClick(box.field, Qt.Key.Key_Escape)
    assert not box.isVisible()
    assert behind.hasFocus()


def test_commands_run_from_the_box(qtbot, box):
    ran: list[str] = []
    box.add_command("New contact", ["add", "person"], QKeySequence("Ctrl+N"),
                    lambda: ran.append("new"))
    box.add_command("Log call", ["phone"], QKeySequence("Ctrl+L"), lambda: ran.append("log"))
    box.add_command("Go to trash", ["deleted", "bin"], None, lambda: ran.append("trash"))
    rows = typed(qtbot, box, "go to trash")
    assert headings(rows)[0] == "Commands" and current(box).title == "Go to trash"
    qtbot.keyClick(box.field, Qt.Key.Key_Return)
    assert ran == ["trash"] and not box.isVisible()

    # Nothing typed lists every command, with its shortcut; the arrows walk them.
    box.field.clear()
    rows = typed(qtbot, box, "")
    assert [(r.title, r.hint) for r in group(rows, "Commands")] == [
        ("New contact", QKeySequence("Ctrl+N").toString(QKeySequence.SequenceFormat.NativeText)),
        ("Log call", QKeySequence("Ctrl+L").toString(QKeySequence.SequenceFormat.NativeText)),
        ("Go to trash", "")]
    qtbot.keyClick(box.field, Qt.Key.Key_Down)
    qtbot.keyClick(box.field, Qt.Key.Key_Down)
    qtbot.keyClick(box.field, Qt.Key.Key_Up)
    assert current(box).title == "Log call"
    qtbot.keyClick(box.field, Qt.Key.Key_Return)
    assert ran == ["trash", "log"]


def test_a_command_word_lists_commands_first_and_a_name_does_not(qtbot, box):
    box.add_command("New contact", ["add", "person"], None, lambda: None)
    box.add_command("Go to trash", ["deleted"], None, lambda: None)
    rows = typed(qtbot, box, "new")
    assert headings(rows) == ["Commands", "Contacts"]
    assert [r.title for r in group(rows, "Commands")] == ["New contact"]
    assert [r.title for r in group(rows, "Contacts")] == ["Isaac Newton"]
    qtbot.keyClicks(box.field, "t")
    qtbot.waitUntil(lambda: box.shown_text == "newt" and not box._reads.busy)
    assert headings(box.model.rows) == ["Contacts"]
    # ">" is for commands alone: no people, however many match.
    box.field.clear()
    rows = typed(qtbot, box, ">")
    assert headings(rows) == ["Commands"] and len(group(rows, "Commands")) == 2
    qtbot.keyClicks(box.field, "tra")
    assert [r.title for r in group(box.model.rows, "Commands")] == ["Go to trash"]


def test_a_late_answer_to_an_older_keystroke_does_not_replace_a_newer_one(qtbot, box):
    reads: HeldReads = box._reads
    box.open()
    reads.hold_next()
    qtbot.keyClicks(box.field, "alan")  # "a" is held back; "al", "ala", "alan" are not
    qtbot.waitUntil(lambda: box.shown_text == "alan")
    assert [r.title for r in group(box.model.rows, "Contacts")] == ["Alan Turing"]
    box.field.selectAll()
    qtbot.keyClicks(box.field, "grace")
    qtbot.waitUntil(lambda: box.shown_text == "grace")
    reads.release()  # now "a" arrives, last
    qtbot.waitUntil(lambda: not reads.busy)
    assert box.shown_text == "grace"
    assert [r.title for r in group(box.model.rows, "Contacts")] == ["Grace Hopper"]


def test_enter_before_the_results_arrive_opens_what_they_bring(qtbot, box, data):
    _, ids = data
    reads: HeldReads = box._reads
    box.open()
    reads.hold_next()
    box.field.setText("hopper")
    with qtbot.waitSignal(box.open_contact) as opened:
        qtbot.keyClick(box.field, Qt.Key.Key_Return)
        assert box.isVisible()  # the last answer on screen was for other text
        reads.release()
    assert opened.args == [ids["grace"]]


def test_open_results_follow_an_edit_made_meanwhile(qtbot, box, data):
    services, ids = data
    typed(qtbot, box, "hopper")
    grace = services.contacts.get(ids["grace"])
    grace.given = "Gracie"
    box.apply_changes(services.contacts.update(grace))
    qtbot.waitUntil(lambda: [r.title for r in group(box.model.rows, "Contacts")]
                    == ["Gracie Hopper"])


def test_nothing_found_says_so_and_offers_the_commands(qtbot, box):
    box.add_command("New contact", [], None, lambda: None)
    rows = typed(qtbot, box, "zzqx")
    assert rows[0].kind == RowKind.MESSAGE and "zzqx" in rows[0].title
    assert [r.title for r in group(rows, "Commands")] == ["New contact"]
    assert current(box).title == "New contact"


@pytest.mark.parametrize("size", [(800, 500), (1280, 800)])
def test_the_box_fits_the_window_with_nothing_cut_off(qtbot, box, data, size):
    services, _ = data
    for i in range(12):
        services.contacts.create(Contact(
            given="Amira", family=f"Abernathy-Oyelaran-Castellanos {i}", title="Regional "
            "Director of Strategic Partnerships", emails=[Email(f"amira{i}@a-very-long-"
                                                                "company-name.example")]))
    services.accounts.create(Account(name="Amira Holdings", industry="Investment"))
    window = box.parentWidget()
    window.resize(*size)
    rows = typed(qtbot, box, "amira")
    assert headings(rows) == ["Contacts", "Accounts"] and len(rows) > 8
    assert window.rect().contains(box.panel.geometry())
    panel = box.panel.rect()
    for part in (box.field, box.results, box.footer):
        assert part.isVisible() and panel.contains(part.geometry())
    viewport = box.results.viewport()
    assert viewport.height() >= 5 * box.results.sizeHintForRow(1)
    for row in range(box.model.rowCount()):
        if box.results.visualRect(box.model.index(row, 0)).intersects(viewport.rect()):
            assert box.results.visualRect(box.model.index(row, 0)).width() <= viewport.width()
    assert box.results.horizontalScrollBar().maximum() == 0
