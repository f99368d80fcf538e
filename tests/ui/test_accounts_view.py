"""The Accounts view as a user meets it: an account typed into the editor and found in the
list, an edit showing in the pane, a delete (and its undo), the account's people and its
sub-accounts in their tabs, bad input told beside the field with nothing saved, a stale save
that loses nothing, sorting, the filter, and walking the list from the keyboard. Real widgets
over a real database, reads and saves on the real ReadPool and Writer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Address, Contact, Email
from app.services.registry import Services
from ui import tasks
from ui.accounts import editor as editor_module
from ui.accounts.conflict import AccountConflictDialog
from ui.accounts.editor import AccountEditor, Answer
from ui.accounts.editor_form import NEEDS_A_NAME
from ui.accounts.page import AccountsPage
from ui.accounts.table_model import AccountTableModel, Column
from ui.contacts.editor import ContactEditor
from ui.tasks import ChangeBus, ReadPool, Writer

CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass
class Env:
    services: Services
    page: AccountsPage
    ids: dict[str, int]
    host: QWidget  # held here: qtbot only holds it weakly


@pytest.fixture(autouse=True)
def errors_fail_the_test(monkeypatch):
    """An error dialog would wait for a click that never comes: fail with the error instead."""
    def shown(_parent, exc: BaseException) -> None:
        raise AssertionError(f"an error dialog was shown: {exc!r}") from exc

    monkeypatch.setattr(editor_module, "show_error", shown)
    monkeypatch.setattr(tasks, "show_error", shown)


def make_page(db, qtbot, accounts: list[Account] = (), people: list[Contact] = ()) -> Env:
    services = Services.over(db)
    ids: dict[str, int] = {}
    for account in accounts:
        if isinstance(account.parent_id, str):  # a name given in the test: its id
            account.parent_id = ids[account.parent_id]
        ids[account.name] = services.accounts.create(account).new_id(Entity.ACCOUNT)
    for person in people:
        if isinstance(person.account_name, str) and person.account_id is None:
            person.account_id = ids[person.account_name]
        ids[person.given] = services.contacts.create(person).new_id(Entity.CONTACT)
    host = QWidget()
    bus = ChangeBus(host)
    reads, writer = ReadPool(host), Writer(bus, host)
    page = AccountsPage(services, reads, writer, host)
    page.default_country = "GB"
    bus.changed.connect(page.apply_changes)
    host.resize(1000, 600)
    page.resize(1000, 600)

    def finish(_w: QWidget) -> None:
        writer.wait()  # the database closes after the test: nothing may still be using it
        reads.wait()

    qtbot.addWidget(host, before_close_func=finish)
    host.show()
    qtbot.waitExposed(host)
    page.load()
    env = Env(services, page, ids, host)
    settle(qtbot, env)
    return env


def settle(qtbot, env: Env) -> None:
    page = env.page
    qtbot.waitUntil(lambda: page.model.loaded and not page.reads.busy
                    and not page.writer.busy and all(
                        page.model.cached(r) for r in range(min(page.model.rowCount(), 20))))


def names(page: AccountsPage) -> list[str]:
    return [page.model.index(r, Column.NAME).data() for r in range(page.model.rowCount())]


def shown_name(page: AccountsPage) -> str:
    return page.detail.card.name.text() if page.detail.current_id is not None else ""


def select(qtbot, env: Env, name: str) -> None:
    # Not QTableView.selectRow: it reads the keyboard's modifiers, and a Ctrl an earlier
    # key click left behind would toggle the row off.
    env.page.select_account(env.ids[name])
    qtbot.waitUntil(lambda: shown_name(env.page) == name and env.page.detail.account
                    is not None and not env.page.reads.busy)


def open_editor(qtbot, env: Env) -> AccountEditor:
    qtbot.waitUntil(lambda: any(isinstance(e, AccountEditor) and e.isVisible() and e.ready
                                for e in env.page.editors))
    found = next(e for e in env.page.editors if isinstance(e, AccountEditor))
    assert isinstance(found, AccountEditor)
    return found


def activate(qtbot, widget: QWidget) -> None:
    """Shortcuts and focus need the window to be the active one, as it is on screen."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())


def retype(qtbot, field, text: str) -> None:
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def beside(message: QWidget, field: QWidget) -> bool:
    """The message is shown just under its own field (not at the top of the dialog)."""
    window = field.window()
    field_bottom = field.mapTo(window, QPoint(0, field.height())).y()
    top = message.mapTo(window, QPoint(0, 0)).y()
    return message.isVisible() and 0 <= top - field_bottom < 12


ACME = [Account(name="Acme Ltd.", industry="Timber", main_phone="+44 20 7946 0958",
                address=Address(street="1 Dock Rd", locality="London", country="UK"),
                tags=["key account"]),
        Account(name="Borealis AB", industry="Shipping", address=Address(locality="Malmö")),
        Account(name="Cobalt GmbH", industry="Mining", address=Address(locality="Aachen"))]


# --- creating, editing, deleting -------------------------------------------------------------

def test_an_account_typed_into_the_editor_is_saved_and_found_in_the_list(db, qtbot):
    env = make_page(db, qtbot, ACME)
    page = env.page
    assert page.count_text() == "3 accounts"
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    editor = open_editor(qtbot, env)
    assert editor.windowTitle().startswith("New account")
    form = editor.form
    qtbot.keyClicks(form.name, "Delta Foods plc")
    qtbot.keyClicks(form.industry, "Catering")
    qtbot.keyClicks(form.main_phone, "020 7946 0123")
    qtbot.keyClick(form.main_phone, Qt.Key.Key_Return)  # leaving it formats the number
    assert form.main_phone.text() == "+44 20 7946 0123"
    qtbot.keyClicks(form.website, "deltafoods.example")
    qtbot.keyClicks(form.locality, "Leeds")
    with qtbot.waitSignal(editor.saved, timeout=5000) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    new_id = saved.args[0]
    qtbot.waitUntil(lambda: "Delta Foods plc" in names(page))
    settle(qtbot, env)
    assert names(page) == ["Acme Ltd.", "Borealis AB", "Cobalt GmbH", "Delta Foods plc"]
    assert page.count_text() == "4 accounts"
    # The new account is the one selected, and the pane shows it with its links.
    qtbot.waitUntil(lambda: page.detail.account is not None
                    and page.detail.account.id == new_id)
    card = page.detail.card
    assert card.name.text() == "Delta Foods plc"
    assert card.phone.target() == "tel:+442079460123"
    assert card.website.target() == "https://deltafoods.example"
    assert "Catering" in card.role_text()
    stored = env.services.accounts.get(new_id)
    assert (stored.main_phone, stored.address.locality) == ("+44 20 7946 0123", "Leeds")


def test_an_edit_shows_in_the_pane_and_the_list(db, qtbot):
    env = make_page(db, qtbot, ACME)
    page = env.page
    select(qtbot, env, "Borealis AB")
    activate(qtbot, page.table)
    qtbot.keyClick(page.table, Qt.Key.Key_E, CTRL)
    editor = open_editor(qtbot, env)
    assert editor.form.name.text() == "Borealis AB"
    retype(qtbot, editor.form.industry, "Ferries")
    qtbot.keyClicks(editor.form.tags, "north, ports")
    activate(qtbot, editor)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.keyClick(editor.form.industry, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: "Ferries" in page.detail.card.role_text())
    qtbot.waitUntil(lambda: page.detail.card.tags.text() == "north, ports")
    settle(qtbot, env)
    row = names(page).index("Borealis AB")
    assert page.model.index(row, Column.INDUSTRY).data() == "Ferries"
    assert shown_name(page) == "Borealis AB"


def test_delete_drops_the_account_from_the_list_and_undo_brings_it_back(db, qtbot):
    env = make_page(db, qtbot, ACME)
    page = env.page
    select(qtbot, env, "Acme Ltd.")
    activate(qtbot, page.table)
    with qtbot.waitSignal(page.said, timeout=5000) as said:
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert said.args[0] == "Deleted Acme Ltd. Ctrl+Z undoes it."
    qtbot.waitUntil(lambda: names(page) == ["Borealis AB", "Cobalt GmbH"])
    settle(qtbot, env)
    # The next account is chosen and shown, as a mail reader moves on to the next message.
    qtbot.waitUntil(lambda: shown_name(page) == "Borealis AB")
    assert page.count_text() == "2 accounts"
    page.writer.run(env.services.journal.undo)
    qtbot.waitUntil(lambda: "Acme Ltd." in names(page))


def test_an_empty_database_offers_the_first_account(db, qtbot):
    env = make_page(db, qtbot)
    page = env.page
    assert page.empty_state.isVisible() and not page.detail.isVisible()
    assert page.count_text() == "No accounts"
    qtbot.mouseClick(page.empty_state.button, Qt.MouseButton.LeftButton)
    editor = open_editor(qtbot, env)
    qtbot.keyClicks(editor.form.name, "First Firm")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: names(page) == ["First Firm"] and page.table.isVisible())
    qtbot.waitUntil(lambda: shown_name(page) == "First Firm")


# --- the tabs --------------------------------------------------------------------------------

PEOPLE = [Contact(given="Ada", family="Lovelace", title="Engineer", account_name="Acme Ltd.",
                  emails=[Email("ada@acme.example")]),
          Contact(given="Grace", family="Hopper", account_name="Acme Ltd."),
          Contact(given="Olof", family="Berg", account_name="Borealis AB")]


def tab_names(model) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_the_contacts_tab_lists_the_people_at_the_account(db, qtbot):
    env = make_page(db, qtbot, ACME, PEOPLE)
    page, detail = env.page, env.page.detail
    select(qtbot, env, "Acme Ltd.")
    qtbot.waitUntil(lambda: tab_names(detail.contacts_model) == ["Ada Lovelace",
                                                                 "Grace Hopper"])
    assert detail.tabs.tabText(0) == "Contacts (2)"
    assert detail.contacts_model.index(0, 2).data() == "ada@acme.example"
    with qtbot.waitSignal(page.open_contact) as opened:
        detail.contacts_table.activated.emit(detail.contacts_model.index(1, 0))
    assert opened.args == [env.ids["Grace"]]
    # Someone joins elsewhere (the contact editor, the command line): the tab follows.
    page.writer.run(lambda: env.services.contacts.create(
        Contact(given="Alan", family="Turing", account_id=env.ids["Acme Ltd."])))
    qtbot.waitUntil(lambda: tab_names(detail.contacts_model) == [
        "Ada Lovelace", "Alan Turing", "Grace Hopper"])
    qtbot.waitUntil(lambda: detail.tabs.tabText(0) == "Contacts (3)")
    settle(qtbot, env)
    row = names(page).index("Acme Ltd.")
    qtbot.waitUntil(lambda: page.model.index(row, Column.CONTACTS).data() == "3")

    select(qtbot, env, "Cobalt GmbH")  # nobody there: the tab offers to add the first one
    qtbot.waitUntil(lambda: detail.contacts_tab.currentWidget() is detail.contacts_empty)
    assert detail.contacts_empty.button.text() == "New Contact at Cobalt GmbH…"
    qtbot.mouseClick(detail.contacts_empty.button, Qt.MouseButton.LeftButton)
    contact_editor = next(e for e in page.editors if isinstance(e, ContactEditor))
    assert contact_editor.form.account.text() == "Cobalt GmbH"
    qtbot.waitUntil(lambda: contact_editor.ready)
    assert contact_editor.form.account.choice().account_id == env.ids["Cobalt GmbH"]
    contact_editor.done(0)


def test_the_sub_accounts_tab_lists_them_and_opens_one_in_the_list(db, qtbot):
    env = make_page(db, qtbot, [*ACME, Account(name="Acme Europe", parent_id="Acme Ltd."),
                                Account(name="Acme Berlin", parent_id="Acme Europe")])
    page, detail = env.page, env.page.detail
    select(qtbot, env, "Acme Ltd.")
    qtbot.waitUntil(lambda: tab_names(detail.sub_accounts_model) == ["Acme Europe"])
    assert detail.tabs.tabText(1) == "Sub-accounts (1)"
    detail.tabs.setCurrentIndex(1)
    detail.sub_accounts_table.activated.emit(detail.sub_accounts_model.index(0, 0))
    qtbot.waitUntil(lambda: shown_name(page) == "Acme Europe" and detail.account is not None
                    and detail.account.name == "Acme Europe")
    assert page.current_id() == env.ids["Acme Europe"]
    assert "Part of" in detail.card.role_text() and "Acme Ltd." in detail.card.role_text()
    qtbot.waitUntil(lambda: tab_names(detail.sub_accounts_model) == ["Acme Berlin"])
    # The parent in the card is a link back to it.
    detail.card.role.linkActivated.emit(f"account:{env.ids['Acme Ltd.']}")
    qtbot.waitUntil(lambda: shown_name(page) == "Acme Ltd.")

    select(qtbot, env, "Cobalt GmbH")
    qtbot.waitUntil(lambda: detail.sub_accounts_tab.currentWidget()
                    is detail.sub_accounts_empty)
    qtbot.mouseClick(detail.sub_accounts_empty.button, Qt.MouseButton.LeftButton)
    editor = open_editor(qtbot, env)
    assert editor.form.parent_picker.text() == "Cobalt GmbH"
    assert not editor.is_dirty()  # nothing typed yet: closing asks nothing
    qtbot.keyClicks(editor.form.name, "Cobalt Polska")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_name(page) == "Cobalt Polska")
    assert env.services.accounts.get(page.current_id()).parent_id == env.ids["Cobalt GmbH"]

    # A parent that went to the Trash meanwhile: the link says so instead of jumping.
    page.writer.run(lambda: env.services.accounts.delete([env.ids["Cobalt GmbH"]]))
    qtbot.waitUntil(lambda: "Cobalt GmbH" not in names(page))
    settle(qtbot, env)
    with qtbot.waitSignal(page.said) as said:
        detail.card.role.linkActivated.emit(f"account:{env.ids['Cobalt GmbH']}")
    assert "may be in the Trash" in said.args[0]


def test_the_window_plugs_a_tab_in_and_hears_which_account_is_shown(db, qtbot):
    env = make_page(db, qtbot, ACME)
    page = env.page
    at = page.detail.add_tab(QLabel("the history"), "History")
    assert page.detail.tabs.tabText(at) == "History"
    with qtbot.waitSignal(page.account_shown) as shown:
        select(qtbot, env, "Cobalt GmbH")
    assert shown.args == [env.ids["Cobalt GmbH"]]


# --- bad input ---------------------------------------------------------------------------------

def test_an_account_without_a_name_is_refused_beside_the_field(db, qtbot):
    env = make_page(db, qtbot, ACME)
    env.page.new_account()
    editor = open_editor(qtbot, env)
    qtbot.keyClicks(editor.form.industry, "Nameless trade")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    form = editor.form
    assert form.name_message.text() == NEEDS_A_NAME
    assert beside(form.name_message, form.name)
    assert "Fix the field marked" in editor.banner.text()
    assert not editor.save_button.isEnabled() and editor.isVisible()
    assert not env.page.writer.busy
    assert len(env.services.directory.account_ids()) == 3
    qtbot.keyClicks(form.name, "Named at last")  # the message goes as it is fixed
    assert not form.name_message.isVisible() and editor.save_button.isEnabled()


def test_an_account_cannot_be_part_of_itself_or_of_its_own_sub_account(db, qtbot):
    env = make_page(db, qtbot, [*ACME, Account(name="Acme Europe", parent_id="Acme Ltd."),
                                Account(name="Acme Berlin", parent_id="Acme Europe")])
    select(qtbot, env, "Acme Ltd.")
    env.page.edit_current()
    editor = open_editor(qtbot, env)
    version = env.services.accounts.get(env.ids["Acme Ltd."]).version
    picker = editor.form.parent_picker
    qtbot.keyClicks(picker.line, "Acme Ltd.")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert picker.message.text().startswith("An account cannot be part of itself.")
    assert beside(picker.message, picker.box)
    retype(qtbot, picker.line, "Acme Berlin")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert picker.message.text().startswith(
        "Acme Berlin is already part of Acme Ltd. (through Acme Europe)")
    retype(qtbot, picker.line, "Nobody Inc")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert picker.message.text().startswith("There is no account called “Nobody Inc”.")
    assert not env.page.writer.busy and editor.isVisible()
    assert env.services.accounts.get(env.ids["Acme Ltd."]).version == version
    # An account that is no descendant is a fine parent.
    retype(qtbot, picker.line, "Cobalt GmbH")
    assert not picker.message.isVisible()
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert env.services.accounts.get(env.ids["Acme Ltd."]).parent_id == env.ids["Cobalt GmbH"]


def test_a_bad_phone_and_web_address_are_named_and_nothing_is_saved(db, qtbot):
    env = make_page(db, qtbot, ACME)
    env.page.new_account()
    editor = open_editor(qtbot, env)
    form = editor.form
    qtbot.keyClicks(form.name, "Echo Ltd")
    qtbot.keyClicks(form.main_phone, "12")
    qtbot.keyClicks(form.website, "not a site")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "too few digits" in form.phone.message.text()
    assert form.web.message.text() == "A web address cannot contain spaces."
    assert beside(form.phone.message, form.main_phone)
    assert editor.banner.text() == "Fix the 2 fields marked ⚠ to save."
    assert len(env.services.directory.account_ids()) == 3


def test_a_stale_save_shows_both_versions_and_loses_nothing(db, qtbot):
    env = make_page(db, qtbot, ACME)
    select(qtbot, env, "Acme Ltd.")
    env.page.edit_current()
    editor = open_editor(qtbot, env)
    retype(qtbot, editor.form.industry, "Hardwood")
    aid = env.ids["Acme Ltd."]
    elsewhere = env.services.accounts.get(aid)
    elsewhere.notes = "Changed on the command line"
    elsewhere.industry = "Softwood"
    env.services.accounts.update(elsewhere)

    seen: list[tuple[list[str], dict[str, bool], str]] = []

    def answer_later(act) -> None:
        """Answer the dialog once it is up (noting what it offered: it is deleted once
        answered)."""
        def look() -> None:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, AccountConflictDialog) and widget.isVisible():
                    text = " ".join(label.text() for label in widget.findChildren(QLabel))
                    seen.append((list(widget.fields), widget.choices(), text))
                    act(widget)
                    return
            QTimer.singleShot(20, look)
        QTimer.singleShot(0, look)

    answer_later(lambda d: d.back_button.click())
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nothing was saved" in editor.banner.text(), timeout=5000)
    fields, choices, text = seen[0]
    assert fields == ["industry", "notes"]
    # Mine where I typed, theirs where only they changed it.
    assert choices == {"industry": True, "notes": False}
    assert "Acme Ltd. was changed elsewhere" in text and "Softwood" in text
    assert editor.isVisible() and editor.form.industry.text() == "Hardwood"
    assert env.services.accounts.get(aid).industry == "Softwood"

    answer_later(lambda d: d.save_button.click())
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    stored = env.services.accounts.get(aid)
    assert (stored.industry, stored.notes) == ("Hardwood", "Changed on the command line")


def test_closing_an_editor_with_changes_asks_first(db, qtbot, monkeypatch):
    asked: list[str] = []
    answers = [Answer.KEEP_EDITING, Answer.KEEP_EDITING, Answer.DISCARD]

    def ask(_parent: QWidget, name: str) -> Answer:
        asked.append(name)
        return answers.pop(0)

    monkeypatch.setattr(editor_module, "ask_about_changes", ask)
    env = make_page(db, qtbot, ACME)
    env.page.new_account()
    editor = open_editor(qtbot, env)
    qtbot.keyClicks(editor.form.name, "Unsaved Co")
    activate(qtbot, editor)
    qtbot.keyClick(editor.form.name, Qt.Key.Key_Escape)
    assert asked == ["Unsaved Co"] and editor.isVisible()
    assert not env.page.close_editors()  # the window would stay open: still editing
    assert env.page.close_editors()  # discarded: now it may close
    assert asked == ["Unsaved Co"] * 3
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert len(env.services.directory.account_ids()) == 3


# --- the list ----------------------------------------------------------------------------------

def test_the_list_sorts_by_a_click_on_a_column(db, qtbot):
    env = make_page(db, qtbot, ACME, PEOPLE)
    page = env.page
    header = page.table.horizontalHeader()

    def click(column: Column) -> None:
        x = header.sectionViewportPosition(column) + 10
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        settle(qtbot, env)

    page.table.fit_columns(900)  # every column shown
    click(Column.CITY)
    assert names(page) == ["Cobalt GmbH", "Acme Ltd.", "Borealis AB"]  # Aachen, London, Malmö
    click(Column.CITY)
    assert names(page) == ["Borealis AB", "Acme Ltd.", "Cobalt GmbH"]
    click(Column.CONTACTS)
    assert names(page) == ["Cobalt GmbH", "Borealis AB", "Acme Ltd."]  # 0, 1, 2 people
    click(Column.PHONE)  # not sortable: the list and its arrow stay as they were
    assert names(page) == ["Cobalt GmbH", "Borealis AB", "Acme Ltd."]
    assert header.sortIndicatorSection() == Column.CONTACTS


def test_the_filter_narrows_the_list_and_says_when_nothing_matches(db, qtbot):
    env = make_page(db, qtbot, ACME)
    page = env.page
    qtbot.keyClicks(page.filter_field, "malm")
    qtbot.waitUntil(lambda: names(page) == ["Borealis AB"])
    assert page.count_text() == "1 match for “malm”"
    retype(qtbot, page.filter_field, "7946")  # digits of the phone number
    qtbot.waitUntil(lambda: names(page) == ["Acme Ltd."])
    retype(qtbot, page.filter_field, "zebra")
    qtbot.waitUntil(lambda: page.no_matches.isVisible())
    assert "No accounts match “zebra”" in page.no_matches.text.text()
    qtbot.mouseClick(page.no_matches.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(names(page)) == 3 and page.table.isVisible())
    assert page.filter_field.text() == ""


def test_arrows_walk_the_list_and_the_pane_follows(db, qtbot):
    env = make_page(db, qtbot, ACME)
    page = env.page
    assert shown_name(page) == "Acme Ltd."  # the first account is shown from the start
    activate(qtbot, page.table)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: shown_name(page) == "Borealis AB")
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: shown_name(page) == "Cobalt GmbH")
    qtbot.waitUntil(lambda: page.detail.card.role_text() == "Mining")
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: shown_name(page) == "Borealis AB")
    # Ctrl+PgUp walks records from anywhere in the page, the pane's tabs too.
    page.detail.tabs.setFocus()
    qtbot.keyClick(page.detail.tabs, Qt.Key.Key_PageUp, CTRL)
    qtbot.waitUntil(lambda: shown_name(page) == "Acme Ltd.")
    # The filter box: typing then Return (or Down) goes to the first match in the list.
    page.filter_field.setFocus()
    qtbot.keyClicks(page.filter_field, "cob")
    qtbot.keyClick(page.filter_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: names(page) == ["Cobalt GmbH"] and shown_name(page) == "Cobalt GmbH")
    assert page.table.hasFocus()
    page.filter_field.setFocus()
    qtbot.keyClick(page.filter_field, Qt.Key.Key_Escape)  # Esc clears the filter
    qtbot.waitUntil(lambda: len(names(page)) == 3)
    assert shown_name(page) == "Cobalt GmbH"  # the account shown stays shown


def test_the_account_model_passes_qt_model_checks(db, qtmodeltester):
    services = Services.over(db)
    for i in range(300):
        services.accounts.create(Account(name=f"Firm {i:03}", industry="Trade"))
    model = AccountTableModel(services.directory)
    model.refresh()
    assert model.rowCount() == 300
    qtmodeltester.check(model, force_py=True)
