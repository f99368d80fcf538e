"""The main window as a user meets it: the list, the search box, the detail pane, the menus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact, ContactStatus, Email, Phone
from app.domain.errors import NotFoundError
from app.services.accounts import AccountService
from app.services.contacts import ContactService
from app.services.directory import Directory
from app.services.registry import Services
from tests.reliability.storage import scalar
from ui import errors
from ui.app import stylesheet
from ui.contacts.table_model import Column
from ui.errors import error_box, install_excepthook
from ui.main_window import MainWindow


@pytest.fixture
def open_window(db, qtbot):
    def make() -> MainWindow:
        window = MainWindow(Services.over(db), title="Rolodeck — /tmp/rolodeck.db")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        settle(qtbot, window)
        return window

    return make


def settle(qtbot, window: MainWindow) -> None:
    """Wait for the list's read tasks: ids, then the pages of the rows on screen, are read
    off the GUI thread."""
    qtbot.waitUntil(lambda: window.model.loaded and not window.reads.busy
                    and on_screen_rows_read(window)
                    and (window.ready or not window.isVisible()))


def on_screen_rows_read(window: MainWindow) -> bool:
    model = window.model
    return not window.table.isVisible() or all(
        model.cached(r) for r in range(min(model.rowCount(), 20)))


@pytest.fixture
def three(db):
    acme = AccountService(db).create(Account("Acme Ltd")).new_id(Entity.ACCOUNT)
    svc = ContactService(db)
    svc.create(Contact(given="Grace", family="Hopper", title="Rear Admiral", account_id=acme,
                       emails=[Email("grace@navy.example")], phones=[Phone("+1 555 0100")],
                       status=ContactStatus.CUSTOMER))
    svc.create(Contact(given="Alan", family="Turing", emails=[Email("alan@bletchley.example")]))
    svc.create(Contact(given="Ada", family="Lovelace", notes="Wrote the first program"))


def visible_names(window: MainWindow) -> list[str]:
    model = window.table.model()
    return [model.index(r, Column.NAME).data() for r in range(model.rowCount())]


def click_row(qtbot, window: MainWindow, row: int) -> None:
    rect = window.table.visualRect(window.table.model().index(row, Column.NAME))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_lists_every_contact_by_name(three, open_window):
    window = open_window()
    assert window.windowTitle() == "Rolodeck — /tmp/rolodeck.db"
    assert visible_names(window) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert window.count_label.text() == "3 contacts"
    assert window.table.isVisible() and not window.contacts.empty_state.isVisible()


def test_typing_a_search_narrows_the_list_after_a_pause(three, open_window, qtbot):
    window = open_window()
    qtbot.keyClicks(window.contacts.search_field, "hop")
    qtbot.waitUntil(lambda: window.table.model().rowCount() == 1)
    assert visible_names(window) == ["Grace Hopper"]
    assert window.count_label.text() == "1 match for “hop”"

    window.contacts.search_field.clear()
    qtbot.waitUntil(lambda: window.table.model().rowCount() == 3)
    assert window.count_label.text() == "3 contacts"


def test_a_search_that_finds_nothing_says_so(three, open_window, qtbot):
    window = open_window()
    qtbot.keyClicks(window.contacts.search_field, "zzyzx")
    qtbot.waitUntil(lambda: window.contacts.empty_state.isVisible())
    assert "No matches for “zzyzx”" in window.contacts.empty_state.text()
    assert window.count_label.text() == "No matches for “zzyzx”"


def test_selecting_a_contact_shows_it_in_the_detail_pane(three, open_window, qtbot):
    window = open_window()
    assert window.contacts.detail.placeholder.isVisible()

    click_row(qtbot, window, 2)
    assert window.contacts.detail.name.text() == "Grace Hopper"
    assert window.contacts.detail.role.text() == "Rear Admiral at Acme Ltd"
    assert "grace@navy.example" in window.contacts.detail.email.text()
    assert "+1 555 0100" in window.contacts.detail.phone.text()
    assert window.contacts.detail.status.text() == "Customer"
    assert window.contacts.detail.name.isVisible()


def test_the_selection_survives_a_new_contact_arriving(db, three, open_window, qtbot):
    window = open_window()
    click_row(qtbot, window, 2)
    window.apply_changes(ContactService(db).create(Contact(given="Aaron", family="Aardvark")))
    settle(qtbot, window)

    assert window.count_label.text() == "4 contacts"
    assert window.table.currentIndex().row() == 3
    assert window.contacts.detail.name.text() == "Grace Hopper"


def test_return_in_the_search_box_goes_to_the_first_match(three, open_window, qtbot):
    window = open_window()
    qtbot.keyClicks(window.contacts.search_field, "turing")
    qtbot.keyClick(window.contacts.search_field, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert visible_names(window) == ["Alan Turing"]
    assert "alan@bletchley.example" in window.contacts.detail.email.text()


def test_clicking_a_header_sorts_by_that_column_when_it_can(three, open_window, qtbot):
    window = open_window()
    header = window.table.horizontalHeader()

    def click_header(column: Column) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(x, header.height() // 2))
        settle(qtbot, window)

    click_header(Column.COMPANY)
    assert visible_names(window)[0] == "Grace Hopper"  # the only one with a company
    assert header.sortIndicatorSection() == Column.COMPANY

    click_header(Column.EMAIL)
    assert visible_names(window)[0] == "Grace Hopper"
    assert header.sortIndicatorSection() == Column.COMPANY

    click_header(Column.NAME)
    assert visible_names(window) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def test_ctrl_f_goes_to_the_search_box(three, open_window, qtbot):
    window = open_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.contacts.search_field.hasFocus())


def test_an_empty_database_offers_sample_data_and_loads_it_in_the_background(
        open_window, qtbot, db):
    window = open_window()
    assert window.contacts.welcome.isVisible() and not window.table.isVisible()
    assert window.count_label.text() == "No contacts"
    qtbot.mouseClick(window.contacts.welcome.sample_button, Qt.MouseButton.LeftButton)
    assert not window.contacts.welcome.sample_button.isEnabled()  # one load at a time
    qtbot.waitUntil(lambda: window.sample_task.finished, timeout=60_000)
    settle(qtbot, window)
    assert window.count_label.text() == "300 contacts" and window.table.isVisible()
    assert "Added sample data: 300 contacts" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.edit.undo.text() == "&Undo Add sample data (300 contacts)")
    window.edit.undo.trigger()
    qtbot.waitUntil(lambda: window.contacts.welcome.isVisible())


def test_cancelling_the_sample_data_leaves_the_database_empty(open_window, qtbot, db_path):
    window = open_window()
    window.load_sample_data()
    window.sample_task.dialog.findChild(QPushButton).click()  # Cancel
    qtbot.waitUntil(lambda: window.sample_task.finished, timeout=60_000)
    settle(qtbot, window)
    assert scalar(db_path, "SELECT count(*) FROM contacts") == 0
    assert window.contacts.welcome.isVisible() and window.contacts.welcome.sample_button.isEnabled()


def test_menus_offer_only_what_exists_each_with_its_key(open_window):
    window = open_window()
    menus = {m.title(): [a.text() for a in m.actions()]
             for m in (a.menu() for a in window.menuBar().actions())}
    assert menus == {
        "&File": ["&Import…", "&Export…", "", "&Data File…", "&Settings…", "", "&Quit"],
        "&Edit": ["&Undo", "&Redo", "", "&Copy", "&Quick Search…", "&Find in List"],
        "&View": ["Contacts", "Accounts", "Groups", "Trash"],
        "&Contact": ["&New Contact…", "&Edit Contact…", "", "Previous Contact", "Next Contact",
                     "", "&Log Call…", "Log &Meeting…", "Add &Note…", "Log E-&mail…", "",
                     "Save &Search…", "", "Add to &Group…", "&Tags…", "Change &Status", "",
                     "&Merge Two Contacts…", "Scan for &Duplicates…", "", "&Delete"],
        "&Account": ["&New Account…", "&Edit Account…", "", "Previous Account",
                     "Next Account", "", "&Delete Account"],
        "&Group": ["&New Group…", "&Rename Group…", "&Delete Group", "",
                   "Remove from &Group"],
        "&Help": ["&About Rolodeck"]}
    quit_action = window.menuBar().actions()[0].menu().actions()[-1]
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    # Every entry but About and the status submenu has a key, and no two entries that work
    # window-wide share one (Qt would then fire neither).
    window_wide: dict[str, str] = {}
    for menu in (a.menu() for a in window.menuBar().actions()):
        for action in menu.actions():
            if action.isSeparator() or action.menu() or action.text() == "&About Rolodeck":
                continue
            key = action.shortcut().toString()
            assert key, f"{action.text()} has no shortcut"
            if action.shortcutContext() == Qt.ShortcutContext.WindowShortcut:
                assert key not in window_wide, f"{key}: {action.text()} and {window_wide[key]}"
                window_wide[key] = action.text()


def test_error_dialogs_show_our_message_or_a_short_apology_with_details(qtbot):
    ours = error_box(None, NotFoundError("No contact matches 'bob'"))
    qtbot.addWidget(ours)
    assert ours.text() == "No contact matches 'bob'"
    assert ours.icon() == QMessageBox.Icon.Warning

    try:
        {}["missing"]
    except KeyError as exc:
        bug = error_box(None, exc)
    qtbot.addWidget(bug)
    assert "Something went wrong" in bug.text()
    assert "KeyError" in bug.informativeText()
    assert "Traceback" in bug.detailedText()


def test_the_stylesheet_ships_with_the_package():
    assert "QTableView" in stylesheet()


@pytest.mark.qt_no_exception_capture
def test_uncaught_exceptions_reach_the_user(qapp, monkeypatch):
    shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc: shown.append(exc))
    monkeypatch.setattr(sys, "excepthook", lambda *args: None)
    previous = install_excepthook(None)
    try:
        boom = RuntimeError("boom")
        sys.excepthook(RuntimeError, boom, None)
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        sys.excepthook = previous
    assert shown == [boom]


RUN_GUI = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.services.registry import Services
from ui.app import run_gui
from ui.main_window import MainWindow

services = Services.open(sys.argv[1])
hook = sys.excepthook

def look_and_close():
    app = QApplication.instance()
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not windows or windows[0].reads.busy or not windows[0].model.loaded:
        QTimer.singleShot(10, look_and_close)  # the list is still being read
        return
    print(windows[0].windowTitle(), "|", windows[0].count_label.text(), "|",
          app.applicationName())
    windows[0].close()  # the last window: the application quits by itself

QTimer.singleShot(0, look_and_close)
code = run_gui(services, "Rolodeck — test.db")
print("exit", code, "hook restored", sys.excepthook is hook)
"""


def test_run_gui_shows_the_window_until_it_is_closed(three, db_path):
    # Its own process: run_gui owns the QApplication's event loop from start to quit, which
    # would leave the test session's shared application unable to run timers afterwards.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", RUN_GUI, str(db_path)], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Rolodeck — test.db | 3 contacts | Rolodeck" in result.stdout
    assert "exit 0 hook restored True" in result.stdout


def test_a_capped_search_says_it_shows_only_the_best(db, open_window, qtbot, monkeypatch):
    monkeypatch.setattr(Directory, "SEARCH_LIMIT", 5)
    ContactService(db).bulk_create([Contact(given=f"Gail{i}", family="Gould") for i in range(8)])
    window = open_window()
    qtbot.keyClicks(window.contacts.search_field, "gould")
    qtbot.waitUntil(lambda: window.model.searching and not window.reads.busy)
    settle(qtbot, window)
    assert window.model.rowCount() == 5
    assert window.count_label.text() == "The best 5 matches for “gould”"


def test_a_database_that_cannot_be_opened_is_explained_in_a_dialog(tmp_path):
    # Its own process, like the run_gui test: the dialog runs its own event loop.
    broken = tmp_path / "rolodeck.db"
    broken.write_bytes(b"not a database, just text " * 100)
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import main\n"
        "def answer():\n"
        "    box = QApplication.activeModalWidget()\n"
        "    if box is None:\n"
        "        QTimer.singleShot(10, answer)\n"
        "        return\n"
        "    print('DIALOG', box.windowTitle(), '|', box.text())\n"
        "    box.accept()\n"
        "QTimer.singleShot(0, answer)\n"
        "sys.exit(main.main(['--db', sys.argv[1]]))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script, str(broken)], env=env,
                            capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 1
    assert "DIALOG Rolodeck cannot open its database |" in result.stdout
    assert "is not a Rolodeck database" in result.stdout
    assert "is not a Rolodeck database" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_small_window_keeps_names_readable_and_long_emails_inside_the_pane(db, qtbot):
    long_mail = "bartholomew.featherstonehaugh@procurement.hollowbrook-industries.example"
    ContactService(db).create(Contact(given="Bartholomew", family="Featherstonehaugh",
                                      emails=[Email(long_mail)]))
    window = MainWindow(Services.over(db))
    qtbot.addWidget(window)
    window.resize(800, 500)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.contacts.detail.email.value() == long_mail)
    # Title and status give way; the name column keeps room for a name.
    assert window.table.isColumnHidden(Column.TITLE)
    assert window.table.isColumnHidden(Column.STATUS)
    assert window.table.columnWidth(Column.NAME) >= 90
    assert window.contacts.detail.width() < 340
    # The address is shortened in the middle to fit, never cut at the pane's edge; the
    # whole of it is in the tooltip and behind the link.
    email = window.contacts.detail.email
    assert email.geometry().right() <= window.contacts.detail.width()
    assert "…" in email.text() and email.toolTip() == long_mail
    assert f"mailto:{long_mail}" in email.text()
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: not window.table.isColumnHidden(Column.TITLE))


def test_the_record_pane_shows_every_way_to_reach_the_contact(db, qtbot, open_window):
    from app.domain.contact import Address, Website
    from app.domain.dates import PartialDate

    svc = ContactService(db)
    svc.create(Contact(given="Priya", family="Raman", tags=["VIP"],
                       birthday=PartialDate(4, 15),
                       phones=[Phone("+234 801 555 0192", "work"),
                               Phone("+44 20 7946 0958", "mobile")],
                       emails=[Email("p.raman@lagos.example"), Email("priya@home.example",
                                                                     "home")],
                       addresses=[Address("12 Marina Rd", "Lagos", country="Nigeria")],
                       websites=[Website("lagos-timber.example")]))
    svc.create(Contact(given="Zed", family="Plain"))
    window = open_window()
    click_row(qtbot, window, 0)
    pane = window.contacts.detail
    qtbot.waitUntil(lambda: len(pane.extra_values) >= 5)
    shown = " | ".join(w.text() for w in pane.extra_values)
    assert "mailto:priya@home.example" in shown and "tel:+442079460958" in shown
    assert "12 Marina Rd" in shown and "openstreetmap.org/search?query=12%20Marina%20Rd" in shown
    assert "https://lagos-timber.example" in shown and "15 April" in shown and "VIP" in shown
    click_row(qtbot, window, 1)
    qtbot.waitUntil(lambda: pane.name.text() == "Zed Plain")
    qtbot.wait(100)
    assert pane.extra_values == []  # nothing of the previous contact stays behind
