"""The contact editor as a user meets it: typing a new contact and finding it, editing one,
being told beside the field what is wrong (and nothing saved), a save that meets a change made
elsewhere, dates without a year, vCard details an edit must not lose, the photo, and an editor
closed with unsaved changes. Real widgets over a real database, reads and saves on the real
ReadPool and Writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import MAX_PHOTO_BYTES, Contact, ContactStatus, Email, Phone
from app.domain.dates import PartialDate
from app.domain.errors import DatabaseLockedError
from app.services.registry import Services
from ui.contacts import editor as editor_module
from ui.contacts.account_picker import NAME_ROLE
from ui.contacts.conflict import ConflictDialog
from ui.contacts.editor import Answer, ContactEditor
from ui.contacts.editor_fields import AddressRow, EmailRow, ImRow, PhoneRow
from ui.tasks import ChangeBus, ReadPool, Writer

CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass
class Env:
    services: Services
    reads: ReadPool
    writer: Writer
    parent: QWidget


@pytest.fixture(autouse=True)
def errors_fail_the_test(monkeypatch):
    """An error dialog would wait for a click that never comes: fail with the error instead."""
    def shown(_parent, exc: BaseException) -> None:
        raise AssertionError(f"an error dialog was shown: {exc!r}") from exc

    monkeypatch.setattr(editor_module, "show_error", shown)


@pytest.fixture
def env(db, qtbot) -> Env:
    parent = QWidget()
    bus = ChangeBus(parent)
    reads, writer = ReadPool(parent), Writer(bus, parent)

    def finish(_w: QWidget) -> None:
        writer.wait()  # the database closes after the test: nothing may still be using it
        reads.wait()

    qtbot.addWidget(parent, before_close_func=finish)
    return Env(Services.over(db), reads, writer, parent)


def open_new(env: Env, qtbot) -> ContactEditor:
    editor = ContactEditor.new(env.services, env.reads, env.writer, env.parent,
                               default_country="GB")
    qtbot.waitUntil(lambda: editor.ready)
    return editor


def open_edit(env: Env, qtbot, contact_id: int) -> ContactEditor:
    editor = ContactEditor.edit(env.services, env.reads, env.writer, contact_id, env.parent,
                                default_country="GB")
    qtbot.waitUntil(lambda: editor.isVisible() and editor.ready)
    return editor


def activate(qtbot, editor: ContactEditor) -> None:
    """Shortcuts and Tab need the editor to be the active window, as it is on screen."""
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)


def retype(qtbot, field, text: str) -> None:
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def save_and_wait(qtbot, editor: ContactEditor) -> int:
    with qtbot.waitSignal(editor.saved, timeout=5000) as signal:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    return signal.args[0]


def when_shown(kind: type, act: Callable[[QWidget], None]) -> list[QWidget]:
    """Run `act` on the `kind` window once it is up: a modal dialog blocks the test's own
    line until it closes, so the test answers it from a timer."""
    seen: list[QWidget] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible():
                seen.append(widget)
                act(widget)
                return
        QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return seen


def stored_ids(env: Env) -> list[int]:
    return env.services.directory.contact_ids()


def beside(message: QWidget, field: QWidget) -> bool:
    """The message is shown just under its own field (not at the top of the dialog)."""
    window = field.window()
    field_bottom = field.mapTo(window, QPoint(0, field.height())).y()
    top = message.mapTo(window, QPoint(0, 0)).y()
    left_edge = abs(message.mapTo(window, QPoint(0, 0)).x()
                    - field.mapTo(window, QPoint(0, 0)).x())
    return message.isVisible() and 0 <= top - field_bottom < 12 and left_edge < 4


# --- new contacts ----------------------------------------------------------------------------

def test_a_contact_typed_into_a_new_editor_is_saved_and_found(env, qtbot):
    editor = open_new(env, qtbot)
    assert editor.windowTitle().startswith("New contact")
    form = editor.form
    qtbot.keyClicks(form.given, "Priya")
    qtbot.keyClicks(form.family, "Raman")
    qtbot.keyClicks(form.title, "Head of Purchasing")
    phone = form.phones.rows[0]
    assert isinstance(phone, PhoneRow)
    qtbot.keyClicks(phone.number, "020 7946 0958")
    qtbot.keyClick(phone.number, Qt.Key.Key_Return)  # leaving the field (Return saves nothing)
    assert phone.number.text() == "+44 20 7946 0958"
    assert not env.writer.busy and editor.isVisible()
    email = form.emails.rows[0]
    assert isinstance(email, EmailRow)
    qtbot.keyClicks(email.first_box(), "p.raman@lagostimber.example")
    qtbot.keyClicks(form.account.box.lineEdit(), "Lagos Timber")
    assert "not an account yet" in form.account.note.text()
    form.status.setCurrentIndex(form.status.findData(ContactStatus.CUSTOMER))
    qtbot.keyClicks(form.tags, "supplier,  key   account, Supplier")
    assert editor.windowTitle() == "New contact: Priya Raman[*]"

    contact_id = save_and_wait(qtbot, editor)

    hits = env.services.directory.search("Raman")
    assert [(h.kind, h.id, h.title) for h in hits if h.kind == "contact"] == [
        ("contact", contact_id, "Priya Raman")]
    stored = env.services.contacts.get(contact_id)
    assert stored.title == "Head of Purchasing"
    assert [(p.value, p.label) for p in stored.phones] == [("+44 20 7946 0958", "mobile")]
    assert [e.value for e in stored.emails] == ["p.raman@lagostimber.example"]
    assert stored.status == ContactStatus.CUSTOMER
    assert sorted(stored.tags) == ["key account", "supplier"]
    # The company typed was new: the save made the account too, and linked it.
    assert stored.account_name == "Lagos Timber"
    assert [a.name for a in env.services.directory.accounts()] == ["Lagos Timber"]


def test_a_company_typed_as_it_is_known_is_linked_not_created_again(env, qtbot):
    acme = env.services.accounts.create(Account("Acme Ltd")).new_id(Entity.ACCOUNT)
    editor = open_new(env, qtbot)
    qtbot.keyClicks(editor.form.given, "Wile")
    line = editor.form.account.box.lineEdit()
    qtbot.keyClicks(line, "acm")
    offered = editor.form.account.completer.completionModel()
    texts = [offered.index(r, 0).data() for r in range(offered.rowCount())]
    assert texts == ["Acme Ltd", "Create account “acm”"]
    retype(qtbot, line, "ACME LTD")
    assert not editor.form.account.note.isVisible()
    contact_id = save_and_wait(qtbot, editor)
    assert env.services.contacts.get(contact_id).account_id == acme
    assert len(env.services.directory.accounts()) == 1


def test_choosing_create_account_from_the_list_keeps_the_bare_name(env, qtbot):
    env.services.accounts.create(Account("Northwind Traders"))
    editor = open_new(env, qtbot)
    activate(qtbot, editor)
    qtbot.keyClicks(editor.form.given, "Nancy")
    line = editor.form.account.box.lineEdit()
    line.setFocus()
    qtbot.keyClicks(line, "North")
    completer = editor.form.account.completer
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    model = completer.completionModel()
    create_row = next(r for r in range(model.rowCount())
                      if model.index(r, 0).data().startswith("Create account"))
    assert model.index(create_row, 0).data(NAME_ROLE) == "North"
    popup.setCurrentIndex(model.index(create_row, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert line.text() == "North"
    contact_id = save_and_wait(qtbot, editor)
    assert env.services.contacts.get(contact_id).account_name == "North"
    assert sorted(a.name for a in env.services.directory.accounts()) == [
        "North", "Northwind Traders"]


# --- editing ---------------------------------------------------------------------------------

def test_an_edit_is_stored_and_ctrl_s_saves_it(env, qtbot):
    cid = env.services.contacts.create(Contact(
        given="Grace", family="Hopper", title="Commodore", notes="COBOL\r\nNavy")
    ).new_id(Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    assert editor.form.title.text() == "Commodore"
    assert editor.windowTitle() == "Grace Hopper[*]"
    assert not editor.is_dirty()
    retype(qtbot, editor.form.title, "Rear Admiral")
    assert editor.is_dirty()
    activate(qtbot, editor)
    editor.form.title.setFocus()
    with qtbot.waitSignal(editor.saved, timeout=5000) as signal:
        qtbot.keyClick(editor.form.title, Qt.Key.Key_S, CTRL)
    assert signal.args == [cid]
    stored = env.services.contacts.get(cid)
    assert stored.title == "Rear Admiral"
    # The notes nobody touched were not rewritten (their line ends and all).
    assert stored.notes == "COBOL\r\nNavy"
    assert stored.version == 2


def test_ctrl_return_saves_even_from_the_notes(env, qtbot):
    cid = env.services.contacts.create(Contact(given="Alan", family="Turing")).new_id(
        Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    activate(qtbot, editor)
    editor.form.notes.setFocus()
    qtbot.keyClicks(editor.form.notes, "Bletchley")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.keyClick(editor.form.notes, Qt.Key.Key_Return, CTRL)
    assert env.services.contacts.get(cid).notes == "Bletchley"


def test_an_existing_phones_vcard_details_survive_an_edit(env, qtbot):
    work = Phone("+44 20 7946 0958", "work", True,
                 params=(("TYPE", "WORK"), ("TYPE", "VOICE"), ("X-ABLabel", "Office")),
                 group="item1")
    home = Phone("+44 161 496 0000", "home", params=(("TYPE", "HOME"),), group="item2")
    cid = env.services.contacts.create(Contact(
        given="Ada", family="Lovelace", phones=[work, home],
        emails=[Email("ada@example.org", params=(("TYPE", "INTERNET"),))])
    ).new_id(Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    qtbot.keyClicks(editor.form.department, "Analytical Engines")
    # And the second phone's number itself changes: its parameters still go with it.
    second = editor.form.phones.rows[1]
    assert isinstance(second, PhoneRow)
    retype(qtbot, second.number, "0161 496 0123")
    qtbot.keyClick(second.number, Qt.Key.Key_Return)
    save_and_wait(qtbot, editor)
    stored = env.services.contacts.get(cid)
    assert stored.department == "Analytical Engines"
    assert stored.phones[0] == work
    assert stored.phones[1] == replace(home, value="+44 161 496 0123")
    assert stored.emails[0].params == (("TYPE", "INTERNET"),)


def test_a_stored_number_the_library_rejects_does_not_block_another_edit(env, qtbot):
    cid = env.services.contacts.create(Contact(given="Imported", phones=[Phone("12")])
                                       ).new_id(Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    qtbot.keyClicks(editor.form.family, "Person")
    editor.form.phones.rows[0].label_box.setCurrentText("reception")
    save_and_wait(qtbot, editor)
    stored = env.services.contacts.get(cid)
    assert (stored.family, [(p.value, p.label) for p in stored.phones]) == (
        "Person", [("12", "reception")])


def test_preferred_is_one_per_kind_and_rows_come_and_go(env, qtbot):
    editor = open_new(env, qtbot)
    form = editor.form
    qtbot.keyClicks(form.given, "Katherine")
    first = form.phones.rows[0]
    qtbot.keyClicks(first.first_box(), "+1 202 555 0143")
    qtbot.mouseClick(form.phones.add_button, Qt.MouseButton.LeftButton)
    second = form.phones.rows[1]
    qtbot.keyClicks(second.first_box(), "+1 202 555 0188")
    second.label_box.setCurrentText("lab")  # a label of her own
    qtbot.mouseClick(first.star, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(second.star, Qt.MouseButton.LeftButton)
    assert (first.preferred, second.preferred) == (False, True)
    qtbot.mouseClick(form.phones.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.phones.rows[2].first_box(), "+1 202 555 0199")
    qtbot.mouseClick(form.phones.rows[2].remove, Qt.MouseButton.LeftButton)
    cid = save_and_wait(qtbot, editor)
    phones = env.services.contacts.get(cid).phones
    assert [(p.value, p.label, p.preferred) for p in phones] == [
        ("+1 202-555-0143", "mobile", False), ("+1 202-555-0188", "lab", True)]


# --- being told what is wrong ----------------------------------------------------------------

def test_a_bad_email_and_a_bad_phone_are_named_beside_them_and_nothing_is_saved(env, qtbot):
    editor = open_new(env, qtbot)
    form = editor.form
    qtbot.keyClicks(form.given, "Dorothy")
    phone, email = form.phones.rows[0], form.emails.rows[0]
    qtbot.keyClicks(phone.first_box(), "12")
    qtbot.keyClicks(email.first_box(), "dorothy.vaughan.example.com")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert "has too few digits for a phone number in the United Kingdom" in \
        phone.message.text()
    assert "is not an e-mail address: it needs an @" in email.message.text()
    assert beside(phone.message, phone.first_box())
    assert beside(email.message, email.first_box())
    assert editor.banner.text() == "Fix the 2 fields marked ⚠ to save."
    assert not editor.save_button.isEnabled()
    qtbot.wait(100)
    assert not env.writer.busy and stored_ids(env) == []
    assert editor.isVisible()
    assert (form.given.text(), phone.first_box().text(), email.first_box().text()) == (
        "Dorothy", "12", "dorothy.vaughan.example.com")

    # Fixed, the messages go as they are fixed, and the save goes through.
    retype(qtbot, email.first_box(), "dorothy@vaughan.example")
    assert not email.message.isVisible() and editor.banner.isVisible()
    retype(qtbot, phone.first_box(), "+44 20 7946 0000")
    assert not phone.message.isVisible() and not editor.banner.isVisible()
    assert editor.save_button.isEnabled()
    cid = save_and_wait(qtbot, editor)
    assert env.services.contacts.get(cid).emails[0].value == "dorothy@vaughan.example"


def test_a_number_that_is_no_number_is_said_on_leaving_the_field(env, qtbot):
    editor = open_new(env, qtbot)
    phone = editor.form.phones.rows[0]
    qtbot.keyClicks(phone.first_box(), "call reception")
    assert not phone.message.isVisible()  # not while still typing
    qtbot.keyClick(phone.first_box(), Qt.Key.Key_Return)
    assert phone.message.text().startswith("“call reception” is not a phone number")
    assert not editor.save_button.isEnabled()


def test_a_contact_without_a_name_or_email_is_refused_in_words(env, qtbot):
    editor = open_new(env, qtbot)
    qtbot.keyClicks(editor.form.title, "Someone")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.form.name_message.text().startswith("A contact needs a name or an e-mail")
    assert stored_ids(env) == [] and editor.isVisible()
    qtbot.keyClicks(editor.form.emails.rows[0].first_box(), "someone@example.org")
    assert not editor.form.name_message.isVisible()
    cid = save_and_wait(qtbot, editor)
    assert env.services.contacts.get(cid).display_name == "someone@example.org"


def test_a_save_the_database_refuses_keeps_the_editor_and_says_why(env, qtbot, monkeypatch):
    cid = env.services.contacts.create(Contact(given="Grace")).new_id(Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    qtbot.keyClicks(editor.form.family, "Hopper")

    def locked(_contact: Contact, **_kw) -> None:
        raise DatabaseLockedError("The database is busy in another program; try again.")

    monkeypatch.setattr(env.services.contacts, "save", locked)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.banner.isVisible() and not env.writer.busy)
    assert editor.banner.text() == \
        "Not saved: The database is busy in another program; try again."
    assert editor.isVisible() and editor.form.family.text() == "Hopper"
    assert editor.save_button.isEnabled() and editor.is_dirty()
    monkeypatch.undo()
    save_and_wait(qtbot, editor)
    assert env.services.contacts.get(cid).family == "Hopper"


# --- dates -----------------------------------------------------------------------------------

def test_a_birthday_without_a_year_round_trips(env, qtbot):
    editor = open_new(env, qtbot)
    qtbot.keyClicks(editor.form.given, "Leap")
    birthday = editor.form.birthday
    birthday.day.setCurrentIndex(birthday.day.findData(29))
    birthday.month.setCurrentIndex(birthday.month.findData(2))
    assert not birthday.message.isVisible()  # 29 February with no year is someone's birthday
    cid = save_and_wait(qtbot, editor)
    assert env.services.contacts.get(cid).birthday == PartialDate(2, 29)

    again = open_edit(env, qtbot, cid)
    shown = again.form.birthday
    assert (shown.day.currentData(), shown.month.currentData(), shown.year.text()) == (
        29, 2, "")
    # Given a year that had no 29 February, it says so and will not save.
    qtbot.keyClicks(shown.year, "2023")
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert shown.message.text() == "2023 was not a leap year, so it had no 29 February."
    retype(qtbot, shown.year, "2024")
    assert not shown.message.isVisible()
    save_and_wait(qtbot, again)
    assert env.services.contacts.get(cid).birthday == PartialDate(2, 29, 2024)


def test_a_day_without_a_month_is_not_a_date(env, qtbot):
    editor = open_new(env, qtbot)
    qtbot.keyClicks(editor.form.given, "Half")
    editor.form.anniversary.day.setCurrentIndex(12)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.form.anniversary.message.text() == \
        "Choose both the day and the month, or neither."
    assert stored_ids(env) == []


# --- the photo -------------------------------------------------------------------------------

def picture(path: Path, width: int, height: int) -> Path:
    """Red on the left third, green in the middle, blue on the right."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("green"))
    for x in range(width // 3):
        for y in range(height):
            image.setPixelColor(x, y, QColor("red"))
            image.setPixelColor(width - 1 - x, y, QColor("blue"))
    image.save(str(path))
    return path


def test_a_picked_photo_is_stored_as_a_centred_square_jpeg_of_at_most_512(env, qtbot,
                                                                         tmp_path):
    editor = open_new(env, qtbot)
    qtbot.keyClicks(editor.form.given, "Pictured")
    assert editor.load_photo(str(picture(tmp_path / "wide.png", 1800, 600)))
    assert editor.form.photo.remove_button.isEnabled()
    cid = save_and_wait(qtbot, editor)
    stored = env.services.contacts.get(cid)
    assert stored.photo_mime == "image/jpeg" and len(stored.photo) <= MAX_PHOTO_BYTES
    image = QImage.fromData(stored.photo)
    assert (image.width(), image.height()) == (512, 512)
    # The middle of the picture, not its left edge: green all the way across.
    for x in (12, 256, 500):
        colour = image.pixelColor(x, 256)
        assert colour.green() > 100 and colour.red() < 60 and colour.blue() < 60


def test_a_small_photo_is_not_blown_up_and_removing_it_is_saved(env, qtbot, tmp_path):
    cid = env.services.contacts.create(Contact(given="Small")).new_id(Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    assert editor.load_photo(str(picture(tmp_path / "tall.png", 120, 300)))
    save_and_wait(qtbot, editor)
    image = QImage.fromData(env.services.contacts.get(cid).photo)
    assert (image.width(), image.height()) == (120, 120)

    again = open_edit(env, qtbot, cid)
    qtbot.mouseClick(again.form.photo.remove_button, Qt.MouseButton.LeftButton)
    save_and_wait(qtbot, again)
    assert env.services.contacts.get(cid).photo is None


def test_a_file_that_is_no_picture_is_said_and_the_photo_stays(env, qtbot, tmp_path):
    editor = open_new(env, qtbot)
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture")
    assert not editor.load_photo(str(notes))
    assert "“notes.png” could not be read as a picture" in editor.form.photo.message.text()
    assert editor.form.photo.photo() == (None, "")


# --- a save that meets a change made elsewhere -----------------------------------------------

@pytest.fixture
def stale(env, qtbot):
    """An editor open on Priya, whose record then changes under it (the command line, another
    window): the title and the notes are changed elsewhere."""
    cid = env.services.contacts.create(Contact(
        given="Priya", family="Raman", title="Buyer", notes="Met in Lagos")).new_id(
        Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    retype(qtbot, editor.form.title, "Head of Purchasing")
    qtbot.keyClicks(editor.form.nickname, "PR")
    elsewhere = env.services.contacts.get(cid)
    elsewhere.title = "Senior Buyer"
    elsewhere.notes = "Met in Lagos; moved to Abuja"
    env.services.contacts.update(elsewhere)
    return editor, cid


def test_a_stale_save_shows_both_versions_and_keep_mine_saves_mine(env, qtbot, stale):
    editor, cid = stale
    seen: dict[str, object] = {}

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, ConflictDialog)
        seen["fields"] = list(dialog.fields)
        seen["text"] = " ".join(w.text() for w in dialog.findChildren(QLabel))
        dialog.keep_mine_button.click()

    shown = when_shown(ConflictDialog, answer)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert shown, "the conflict dialog never showed"
    assert seen["fields"] == ["nickname", "title", "notes"]
    text = str(seen["text"])
    assert "Priya Raman was changed elsewhere" in text and "today at" in text
    assert "Head of Purchasing" in text and "Senior Buyer" in text
    stored = env.services.contacts.get(cid)
    assert (stored.title, stored.nickname, stored.notes) == (
        "Head of Purchasing", "PR", "Met in Lagos")


def test_backing_out_of_a_conflict_loses_nothing_typed(env, qtbot, stale):
    editor, cid = stale
    shown = when_shown(ConflictDialog, lambda d: d.back_button.click())
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nothing was saved" in editor.banner.text(), timeout=5000)
    assert shown and editor.isVisible()
    assert (editor.form.title.text(), editor.form.nickname.text()) == (
        "Head of Purchasing", "PR")
    assert env.services.contacts.get(cid).title == "Senior Buyer"

    # Saved again, the per-field choices start from who changed what: mine where I typed,
    # theirs where only they did; saved, both survive.
    def pick(dialog: QWidget) -> None:
        assert isinstance(dialog, ConflictDialog)
        assert dialog.choices() == {"nickname": True, "title": True, "notes": False}
        dialog.save_button.click()

    when_shown(ConflictDialog, pick)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    stored = env.services.contacts.get(cid)
    assert (stored.title, stored.nickname, stored.notes) == (
        "Head of Purchasing", "PR", "Met in Lagos; moved to Abuja")


def test_take_theirs_keeps_the_stored_version_and_closes(env, qtbot, stale):
    editor, cid = stale
    version = env.services.contacts.get(cid).version
    when_shown(ConflictDialog, lambda d: d.take_theirs_button.click())
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    stored = env.services.contacts.get(cid)
    assert (stored.title, stored.nickname, stored.version) == ("Senior Buyer", "", version)


# --- closing ---------------------------------------------------------------------------------

def test_closing_a_dirty_editor_asks_and_keep_editing_keeps_it(env, qtbot, monkeypatch):
    asked: list[str] = []
    answers = [Answer.KEEP_EDITING, Answer.DISCARD]

    def ask(_parent: QWidget, name: str) -> Answer:
        asked.append(name)
        return answers.pop(0)

    monkeypatch.setattr(editor_module, "ask_about_changes", ask)
    editor = open_new(env, qtbot)
    qtbot.keyClicks(editor.form.given, "Unsaved")
    activate(qtbot, editor)
    qtbot.keyClick(editor.form.given, Qt.Key.Key_Escape)
    assert asked == ["Unsaved"]
    assert editor.isVisible() and editor.form.given.text() == "Unsaved"
    with qtbot.waitSignal(editor.finished):
        qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert asked == ["Unsaved", "Unsaved"]
    assert stored_ids(env) == []


def test_the_real_question_offers_save_and_save_saves(env, qtbot):
    editor = open_new(env, qtbot)
    qtbot.keyClicks(editor.form.given, "Asked")
    texts: list[str] = []

    def click_save(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        texts.append(box.text())
        texts.extend(b.text() for b in box.buttons())
        next(b for b in box.buttons() if b.text() == "Save").click()

    when_shown(QMessageBox, click_save)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.close()  # the window's close button
    assert texts[0] == "Save your changes to Asked?"
    assert sorted(texts[1:]) == ["Discard", "Keep editing", "Save"]
    assert len(stored_ids(env)) == 1


def test_an_untouched_editor_closes_without_asking(env, qtbot, monkeypatch):
    monkeypatch.setattr(editor_module, "ask_about_changes",
                        lambda *_a: pytest.fail("asked about an editor with no changes"))
    cid = env.services.contacts.create(Contact(given="Calm")).new_id(Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    with qtbot.waitSignal(editor.finished):
        editor.reject()


# --- keyboard --------------------------------------------------------------------------------

def test_tab_follows_reading_order_through_added_rows(env, qtbot):
    editor = open_new(env, qtbot)
    activate(qtbot, editor)
    form = editor.form
    qtbot.mouseClick(form.phones.add_button, Qt.MouseButton.LeftButton)
    first, second = form.phones.rows
    assert QApplication.focusWidget() is second.first_box()  # the new row, ready to type in

    def tab_from(widget: QWidget) -> QWidget | None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        return QApplication.focusWidget()

    assert tab_from(form.prefix) is form.given
    assert tab_from(form.given) is form.middle
    assert tab_from(form.suffix) is form.nickname
    assert tab_from(form.department) is form.status
    assert tab_from(first.remove) is second.label_box
    assert tab_from(second.remove) is form.phones.add_button
    assert tab_from(form.notes) is editor.cancel_button


def test_addresses_web_sites_and_im_handles_typed_are_stored(env, qtbot):
    editor = open_new(env, qtbot)
    form = editor.form
    qtbot.keyClicks(form.given, "Giulia")
    qtbot.mouseClick(form.addresses.add_button, Qt.MouseButton.LeftButton)
    address = form.addresses.rows[0]
    assert isinstance(address, AddressRow)
    for box, text in ((address.street, "Via Roma 1"), (address.locality, "Torino"),
                      (address.postal_code, "10121"), (address.country, "Italy")):
        qtbot.keyClicks(box, text)
    qtbot.mouseClick(form.websites.add_button, Qt.MouseButton.LeftButton)
    site = form.websites.rows[0]
    qtbot.keyClicks(site.first_box(), "esposito example")
    qtbot.keyClick(site.first_box(), Qt.Key.Key_Return)
    assert site.message.text() == "A web address cannot contain spaces."
    assert not editor.save_button.isEnabled()
    retype(qtbot, site.first_box(), "esposito.example")
    qtbot.mouseClick(form.ims.add_button, Qt.MouseButton.LeftButton)
    im = form.ims.rows[0]
    assert isinstance(im, ImRow)
    im.service.setCurrentText("Signal")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert im.message.text().startswith("Type the handle too")
    assert stored_ids(env) == []
    qtbot.keyClicks(im.handle, "@giulia")
    cid = save_and_wait(qtbot, editor)
    stored = env.services.contacts.get(cid)
    assert [(a.street, a.locality, a.postal_code, a.country) for a in stored.addresses] == [
        ("Via Roma 1", "Torino", "10121", "Italy")]
    assert [w.url for w in stored.websites] == ["esposito.example"]
    assert [(m.service, m.handle) for m in stored.ims] == [("Signal", "@giulia")]


def test_a_value_wider_than_its_box_shows_whole_in_its_tooltip(env, qtbot):
    long = "procurement.department.head@lagos-timber-and-hardwood-cooperative.example.com"
    cid = env.services.contacts.create(Contact(
        given="Priya", emails=[Email(long), Email("p@r.example")])).new_id(Entity.CONTACT)
    editor = open_edit(env, qtbot, cid)
    editor.resize(420, 500)
    qtbot.waitUntil(lambda: editor.form.emails.rows[0].first_box().toolTip() == long)
    assert editor.form.emails.rows[1].first_box().toolTip() == ""
