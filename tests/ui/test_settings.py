"""Settings as a user meets them: choices that are still there after a restart, a theme the
whole application follows, a backup that is checked before it is reported, a restore that
asks first and brings the backed-up data back, and the choice of another data file.

Preferences live in an ini file under tmp_path, never in the user's own settings. File
dialogs are answered by a FilePicker that returns what the test chose."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.domain.changes import ChangeSet
from app.domain.contact import Contact
from app.services.registry import Services
from ui import theme
from ui.app import follow_preferences, stylesheet
from ui.contacts.checks import system_country
from ui.settings import data_file
from ui.settings.dialog import SettingsDialog
from ui.settings.formatting import DateFormat, NameOrder
from ui.settings.preferences import (
    DATE_FORMAT,
    DEFAULT_COUNTRY,
    NAME_ORDER,
    THEME,
    Preferences,
)
from ui.tasks import ChangeBus, ReadPool, Writer
from ui.theme import Theme


def settings_file(folder: Path) -> QSettings:
    return QSettings(str(folder / "rolodeck.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def prefs(tmp_path) -> Preferences:
    return Preferences(settings_file(tmp_path))


@dataclass
class Picker:
    """Answers the file dialogs with the paths a test queued; records what was asked."""

    answers: list[Path | None] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def open_path(self, parent: QWidget, title: str, folder: Path) -> Path | None:
        self.asked.append(title)
        return self.answers.pop(0)

    def save_path(self, parent: QWidget, title: str, suggested: Path,
                  confirm_overwrite: bool) -> Path | None:
        self.asked.append(title)
        return self.answers.pop(0)


@dataclass
class Env:
    services: Services
    reads: ReadPool
    writer: Writer
    bus: ChangeBus
    picker: Picker
    dialog: SettingsDialog
    parent: QWidget  # holds the pools and the dialog


@pytest.fixture(autouse=True)
def errors_fail_the_test(monkeypatch):
    def shown(_parent, exc: BaseException) -> None:
        raise AssertionError(f"an error dialog was shown: {exc!r}") from exc

    monkeypatch.setattr(data_file, "show_error", shown)


@pytest.fixture
def themed(qapp) -> Iterator[QApplication]:
    """The application with Rolodeck's sheet; put back as it was afterwards."""
    palette, sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    qapp.setStyleSheet(stylesheet())
    yield qapp
    theme.forget(qapp)
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)


@pytest.fixture
def env(db, qtbot, prefs) -> Env:
    parent = QWidget()
    bus = ChangeBus(parent)
    reads, writer = ReadPool(parent), Writer(bus, parent)

    def finish(_w: QWidget) -> None:
        writer.wait()  # the database closes after the test: nothing may still be using it
        reads.wait()

    qtbot.addWidget(parent, before_close_func=finish)
    services = Services.over(db)
    picker = Picker()
    dialog = SettingsDialog(prefs, services, reads, writer, parent, files=picker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    e = Env(services, reads, writer, bus, picker, dialog, parent)
    settle(qtbot, e)
    return e


def settle(qtbot, e: Env) -> None:
    qtbot.waitUntil(lambda: not e.reads.busy and not e.writer.busy and not e.dialog.data_page.busy)


def answer_box(act: Callable[[QMessageBox], None]) -> list[str]:
    """Answer the next message box from a timer (exec() blocks the test's own line); returns
    its text and informative text once it has been shown."""
    seen: list[str] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.extend((widget.text(), widget.informativeText()))
                act(widget)
                return
        QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return seen


def click(box: QMessageBox, text: str) -> None:
    next(b for b in box.buttons() if b.text() == text).click()


def names(services: Services) -> list[str]:
    return [services.contacts.get(i).display_name for i in services.directory.contact_ids()]


# --- preferences ---------------------------------------------------------------------------

def test_choices_are_still_there_for_the_next_start(tmp_path, qtbot):
    first = Preferences(settings_file(tmp_path))
    assert first.theme == Theme.SYSTEM  # nothing chosen yet: the defaults
    assert first.name_order == NameOrder.GIVEN_FIRST
    assert first.date_format == DateFormat.SYSTEM
    assert first.default_country == system_country()
    keys: list[str] = []
    first.changed.connect(keys.append)
    first.default_country = "de"
    first.name_order = NameOrder.FAMILY_FIRST
    first.date_format = DateFormat.ISO
    first.theme = Theme.DARK
    first.theme = Theme.DARK  # no change: no signal
    first.last_database = tmp_path / "other.db"
    assert keys == [DEFAULT_COUNTRY, NAME_ORDER, DATE_FORMAT, THEME, "last_database"]

    again = Preferences(settings_file(tmp_path))
    assert (again.default_country, again.name_order, again.date_format, again.theme) == (
        "DE", NameOrder.FAMILY_FIRST, DateFormat.ISO, Theme.DARK)
    assert again.last_database == tmp_path / "other.db"
    assert again.date_style().date == "yyyy-MM-dd"


def test_a_settings_file_with_values_it_cannot_use_gives_the_defaults(tmp_path):
    raw = settings_file(tmp_path)
    for key, value in ((THEME, "purple"), (DATE_FORMAT, 12), (DEFAULT_COUNTRY, "XX"),
                       (NAME_ORDER, "backwards")):
        raw.setValue(key, value)
    raw.sync()
    prefs = Preferences(settings_file(tmp_path))
    assert prefs.theme == Theme.SYSTEM
    assert prefs.date_format == DateFormat.SYSTEM
    assert prefs.default_country == system_country()
    assert prefs.name_order == NameOrder.GIVEN_FIRST
    with pytest.raises(ValueError):
        prefs.default_country = "Atlantis"


# --- general page --------------------------------------------------------------------------

def test_the_country_is_found_by_typing_part_of_its_name(env, qtbot, prefs):
    box = env.dialog.country
    completer = box.completer()
    completer.setCompletionPrefix("zeal")
    found = [completer.completionModel().index(r, 0).data()
             for r in range(completer.completionModel().rowCount())]
    assert found == ["New Zealand"]
    line = box.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "Germany")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert prefs.default_country == "DE"
    assert env.dialog.country_note.text().endswith("are read with +49 (Germany).")
    # Something that is no country puts the one in use back.
    line.selectAll()
    qtbot.keyClicks(line, "Narnia")
    line.editingFinished.emit()
    assert prefs.default_country == "DE" and box.currentText() == "Germany"


def test_the_date_example_follows_the_chosen_format(env, qtbot, prefs):
    combo = env.dialog.date_format
    combo.setCurrentIndex(combo.findData(DateFormat.MONTH_DAY_YEAR.value))
    assert prefs.date_format == DateFormat.MONTH_DAY_YEAR
    assert env.dialog.date_example.text().startswith("Today 10:40 AM · Yesterday · ")
    combo.setCurrentIndex(combo.findData(DateFormat.ISO.value))
    text = env.dialog.date_example.text()
    assert text.startswith("Today 10:40 · Yesterday · ")
    assert text.rsplit(" · ", 1)[1][:2] in ("19", "20")  # a whole ISO date: year first
    order = env.dialog.name_order
    order.setCurrentIndex(order.findData(NameOrder.FAMILY_FIRST.value))
    assert prefs.name_order == NameOrder.FAMILY_FIRST
    assert order.currentText().startswith("Lovelace, Ada")


# --- appearance ----------------------------------------------------------------------------

def test_choosing_dark_turns_the_whole_application_dark_and_light_back(env, qtbot, prefs,
                                                                      themed):
    follow_preferences(themed, prefs)
    assert not theme.is_dark(themed)  # the offscreen desktop has no dark scheme
    env.dialog.show_page("Appearance")
    env.dialog._theme_radio[Theme.DARK].click()
    assert prefs.theme == Theme.DARK
    assert theme.is_dark(themed)
    assert env.dialog._theme_radio[Theme.SYSTEM].text() == "Follow the system"
    # What is on screen follows, the style sheet's colours included: the dialog's page list
    # (a style-sheet background over the window) is drawn dark.
    pages = env.dialog.pages
    spot = pages.geometry().bottomLeft() + QPoint(10, -10)  # below the last page's name
    shot = env.dialog.grab().toImage()
    assert shot.pixelColor(spot).lightness() < 80
    window = themed.palette().color(QPalette.ColorRole.Window)
    assert window.lightness() < 60
    env.dialog._theme_radio[Theme.LIGHT].click()
    assert not theme.is_dark(themed)
    shot = env.dialog.grab().toImage()
    assert shot.pixelColor(spot).lightness() > 200
    # A theme chosen elsewhere (another window's dialog) shows here too.
    prefs.theme = Theme.SYSTEM
    assert env.dialog._theme_radio[Theme.SYSTEM].isChecked()
    assert "(now light)" in env.dialog._theme_radio[Theme.SYSTEM].text()


# --- data file -----------------------------------------------------------------------------

def test_the_page_shows_the_file_and_what_it_holds(db, qtbot, prefs):
    services = Services.over(db)
    services.contacts.create(Contact(given="Ada", family="Lovelace"))
    parent = QWidget()
    qtbot.addWidget(parent)
    reads, writer = ReadPool(parent), Writer(ChangeBus(parent), parent)
    dialog = SettingsDialog(prefs, services, reads, writer, parent, files=Picker())
    qtbot.waitUntil(lambda: "contact" in dialog.data_page.size_label.text())
    assert dialog.data_page.path_field.text() == str(db.file)
    assert " · 1 contact · 0 accounts" in dialog.data_page.size_label.text()
    reads.wait()


def test_back_up_now_writes_a_checked_copy_and_says_so(env, qtbot, tmp_path):
    env.services.contacts.create(Contact(given="Grace", family="Hopper"))
    dest = tmp_path / "copies" / "monday"
    env.picker.answers.append(dest)
    env.dialog.show_page("Data File")
    page = env.dialog.data_page
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert page.busy and not page.backup_button.isEnabled()
    assert page.message.text().startswith("Backing up to")
    settle(qtbot, env)
    saved = dest.with_suffix(".db")
    assert page.message.text().startswith(f"Backed up to {saved} (")
    assert "The copy was checked" in page.message.text()
    copy = Services.open(saved, create=False)
    try:
        assert names(copy) == ["Grace Hopper"]
    finally:
        copy.close()


def test_a_backup_that_cannot_be_made_says_why_and_claims_nothing(env, qtbot):
    env.picker.answers.append(env.services.path)  # onto the database itself
    page = env.dialog.data_page
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    settle(qtbot, env)
    assert page.message.text().startswith("No backup was made.")
    assert "cannot overwrite the database" in page.message.text()
    assert page.message.property("kind") == "error"
    assert page.backup_button.isEnabled()


def test_restore_asks_first_and_brings_back_the_backed_up_data(env, qtbot, tmp_path):
    contacts = env.services.contacts
    contacts.create(Contact(given="Grace", family="Hopper"))
    backup = env.services.maintenance.backup(tmp_path / "friday.db")
    contacts.create(Contact(given="Alan", family="Turing"))
    assert names(env.services) == ["Alan Turing", "Grace Hopper"]
    page = env.dialog.data_page

    # Cancel: nothing is replaced.
    env.picker.answers.append(backup)
    asked = answer_box(lambda box: click(box, "Cancel"))
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert asked[0].startswith(f"Replace everything in {env.services.path.name} with the "
                               "backup “friday.db”")
    assert "current data is saved as a backup of its own" in asked[1]
    settle(qtbot, env)
    assert names(env.services) == ["Alan Turing", "Grace Hopper"]
    assert not page.message.text()

    env.picker.answers.append(backup)
    answer_box(lambda box: click(box, "Restore"))
    with qtbot.waitSignal(env.bus.changed, timeout=10_000) as changed:
        qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert changed.args == [ChangeSet.whole()]
    settle(qtbot, env)
    assert names(env.services) == ["Grace Hopper"]
    assert page.message.text().startswith(f"Restored from {backup}. What was there before "
                                          "is saved as ")
    # The data that was replaced is kept, as the message says.
    safety = Path(page.message.text().split("is saved as ", 1)[1].rstrip("."))
    kept = Services.open(safety, create=False)
    try:
        assert names(kept) == ["Alan Turing", "Grace Hopper"]
    finally:
        kept.close()


def test_open_another_database_hands_over_the_chosen_file_and_closes(env, qtbot, tmp_path):
    other = tmp_path / "other.db"
    Services.open(other).close()
    env.picker.answers.append(other)
    with qtbot.waitSignal(env.dialog.open_database) as opened:
        qtbot.mouseClick(env.dialog.data_page.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [other]
    assert not env.dialog.isVisible()


def test_the_open_file_itself_is_not_opened_again(env, qtbot):
    env.picker.answers.append(env.services.path)
    with qtbot.assertNotEmitted(env.dialog.open_database):
        qtbot.mouseClick(env.dialog.data_page.open_button, Qt.MouseButton.LeftButton)
    assert "already open" in env.dialog.data_page.message.text()
    assert env.dialog.isVisible()


def test_new_database_hands_over_a_new_name_and_never_an_existing_file(env, qtbot, tmp_path):
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"someone's file")
    env.picker.answers.append(taken)
    page = env.dialog.data_page
    with qtbot.assertNotEmitted(env.dialog.new_database):
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert "already exists" in page.message.text()
    assert taken.read_bytes() == b"someone's file"

    env.picker.answers.append(tmp_path / "shop")
    with qtbot.waitSignal(env.dialog.new_database) as made:
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert made.args == [tmp_path / "shop.db"]
    assert not env.dialog.isVisible()


def test_cancelled_file_dialogs_change_nothing(env, qtbot):
    env.picker.answers.extend([None, None, None, None])
    page = env.dialog.data_page
    with qtbot.assertNotEmitted(env.dialog.open_database), \
            qtbot.assertNotEmitted(env.dialog.new_database):
        for button in (page.backup_button, page.restore_button, page.open_button,
                       page.new_button):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert env.picker.asked == ["Back Up Rolodeck", "Restore From a Backup",
                                "Open Another Database", "New Database"]
    assert not page.busy and not page.message.text()
    assert env.dialog.isVisible()


def test_escape_closes_the_dialog(env, qtbot):
    qtbot.keyClick(env.dialog, Qt.Key.Key_Escape)
    assert not env.dialog.isVisible()
