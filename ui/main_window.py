"""The main window: the sidebar of views, the view on show, the menus and the status bar.

Each view is its own widget (ui/contacts/page.py, ui/trash.py...); the window routes between
them, owns the threads every view shares, and remembers how the user left it."""

from __future__ import annotations

import enum
import tempfile
from importlib import metadata

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.domain.changes import ChangeSet
from app.services.registry import Services
from ui.contacts.page import ContactsPage
from ui.edit_actions import EditActions
from ui.progress import Task
from ui.settings.preferences import Preferences
from ui.tasks import ChangeBus, ReadPool, Writer
from ui.trash import TrashPage
from ui.watch import ExternalChanges
from ui.welcome import SAMPLE_CONTACTS


class View(enum.IntEnum):
    """The sidebar's views, in its order (Ctrl+1, Ctrl+2...)."""

    CONTACTS = 0
    TRASH = 1


VIEW_NAMES = {View.CONTACTS: "Contacts", View.TRASH: "Trash"}


def version() -> str:
    try:
        return metadata.version("rolodeck")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0.1.0"


class MainWindow(QMainWindow):
    # Another database chosen in Settings: (path, create). Whoever started the window closes
    # it and opens one over that file (see ui.app.run_gui).
    reopen = Signal(object, bool)

    def __init__(self, services: Services, *, title: str = "Rolodeck",
                 settings: QSettings | None = None, prefs: Preferences | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(1180, 740)
        self.services = services
        # In memory unless given: a test or a screenshot must not read or change the user's.
        if prefs is None:
            self._prefs_folder = tempfile.TemporaryDirectory(prefix="rolodeck-prefs-")
            prefs = Preferences(QSettings(f"{self._prefs_folder.name}/prefs.ini",
                                          QSettings.Format.IniFormat), self)
        self.prefs = prefs
        # Where the window keeps its geometry and splits; None keeps nothing (tests, shots).
        self.settings = settings
        self.reads = ReadPool(self)
        self.bus = ChangeBus(self)
        self.writer = Writer(self.bus, self)

        self.contacts = ContactsPage(services, self.reads, self.writer, self._undo_key,
                                     self.prefs)
        self.contacts.welcome.load_sample.connect(self.load_sample_data)
        self.trash = TrashPage(services, self.reads, self.writer, self)
        self.views = QStackedWidget()
        self.views.addWidget(self.contacts)
        self.views.addWidget(self.trash)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        for view in View:
            self.sidebar.addItem(QListWidgetItem(VIEW_NAMES[view]))
        self.sidebar.setFixedWidth(self.sidebar.fontMetrics().horizontalAdvance("M" * 9))
        self.sidebar.setCurrentRow(View.CONTACTS)
        self.sidebar.currentRowChanged.connect(self._on_view_chosen)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.views, 1)
        self.setCentralWidget(central)

        # A permanent label, not showMessage(): a passing message must not erase the count.
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.statusBar().addWidget(self.count_label)
        self.undo_hint = QLabel()
        self.undo_hint.setObjectName("undoHint")
        self.statusBar().addPermanentWidget(self.undo_hint)
        self.edit = EditActions(services.journal, self.reads, self.writer, self)
        self.edit.hint_changed.connect(self.undo_hint.setText)
        self.bus.changed.connect(self.apply_changes)
        self.contacts.counted.connect(lambda text: self._counted(View.CONTACTS, text))
        self.trash.counted.connect(lambda text: self._counted(View.TRASH, text))
        for page in (self.contacts, self.trash):
            page.said.connect(self.say)
        self.watch = ExternalChanges(services.feed, self.reads, self.bus, self)
        self._make_menus()
        self._restore_state()
        self.contacts.table.setFocus()

    # Shortcuts to the Contacts view's parts, which most of the window is about.
    @property
    def table(self):
        return self.contacts.table

    @property
    def model(self):
        return self.contacts.model

    def _make_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        data_file = QAction("&Data File…", self)
        data_file.setStatusTip("Back up, restore, or open another database")
        data_file.triggered.connect(lambda: self.show_settings("Data File"))
        file_menu.addAction(data_file)
        settings = QAction("&Settings…", self)
        settings.setShortcut(QKeySequence.StandardKey.Preferences)
        if settings.shortcut().isEmpty():  # most Linux desktops have no standard key
            settings.setShortcut(QKeySequence("Ctrl+,"))
        settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        settings.triggered.connect(lambda: self.show_settings())
        file_menu.addAction(settings)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if quit_action.shortcut().isEmpty():  # Windows has no standard Quit key
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.edit.undo)
        edit_menu.addAction(self.edit.redo)
        edit_menu.addSeparator()
        find = QAction("&Find…", self)
        find.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence(QKeySequence.StandardKey.Find)])
        find.triggered.connect(self.focus_search)
        edit_menu.addAction(find)

        view_menu = self.menuBar().addMenu("&View")
        for view in View:
            go = QAction(VIEW_NAMES[view], self)
            go.setShortcut(QKeySequence(f"Ctrl+{view + 1}"))
            go.triggered.connect(lambda _checked=False, v=view: self.show_view(v))
            view_menu.addAction(go)

        contact_menu = self.menuBar().addMenu("&Contact")
        page = self.contacts
        contact_menu.addAction(page.new_action)
        contact_menu.addAction(page.edit_action)
        contact_menu.addSeparator()
        contact_menu.addAction(page.delete_action)

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Rolodeck", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self._show_about)
        help_menu.addAction(about)

    # --- remembering how the window was left --------------------------------------------------

    def _restore_state(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        split = self.settings.value("contacts/split")
        if isinstance(split, list):
            self.contacts.restore_split([int(x) for x in split if str(x).isdigit()])
        columns = self.settings.value("contacts/columns")
        if isinstance(columns, QByteArray):
            self.contacts.table.restore_columns(columns)
        view = self.settings.value("window/view")
        if isinstance(view, str) and view in View.__members__:
            self.show_view(View[view])

    def _save_state(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/view", self.current_view().name)
        if self.contacts.split_dragged:
            self.settings.setValue("contacts/split", self.contacts.splitter.sizes())
        columns = self.contacts.table.saved_columns()
        if columns is not None:
            self.settings.setValue("contacts/columns", columns)
        self.settings.sync()

    # --- gestures -----------------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802  Qt's name
        if not self.contacts.close_editors():
            event.ignore()
            return
        self._save_state()
        self.watch.stop()
        self.writer.wait()  # a save under way finishes before the window goes
        self.reads.wait()  # a search still running must not outlive the database connection
        super().closeEvent(event)

    def settled(self) -> bool:
        """Nothing read or written is still on its way to the screen."""
        return (not self.reads.busy and not self.writer.busy and self.edit.idle
                and self.contacts.settled())

    def new_contact(self) -> None:
        self.contacts.new_contact()

    def edit_current(self) -> None:
        self.contacts.edit_current()

    def delete_selected(self) -> None:
        self.contacts.delete_selected()

    def selected_ids(self) -> list[int]:
        return self.contacts.selected_ids()

    def show_view(self, view: View) -> None:
        self.sidebar.setCurrentRow(view)  # _on_view_chosen does the rest

    def current_view(self) -> View:
        return View(self.views.currentIndex())

    def _on_view_chosen(self, row: int) -> None:
        if row < 0:
            return
        view = View(row)
        self.views.setCurrentIndex(view)
        if view == View.TRASH:
            self.trash.load()
            self.count_label.setText(self.trash.count_text() if self.trash.model.loaded
                                     else "")
            self.trash.table.setFocus()
        else:
            self.contacts.update_chrome()
            self.contacts.table.setFocus()

    def _counted(self, view: View, text: str) -> None:
        if self.current_view() == view:
            self.count_label.setText(text)

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def load_sample_data(self) -> None:
        """Fill this database with the sample (one unit: Cancel or Ctrl+Z leaves it empty)."""
        services = self.services
        button = self.contacts.welcome.sample_button

        def work(cancel, progress) -> dict[str, int]:
            from app.sample import generate  # only needed here, and not small

            return generate(services, contacts=SAMPLE_CONTACTS, progress=progress,
                            cancel=cancel)

        def done(made: dict[str, int]) -> None:
            self.bus.changed.emit(ChangeSet.whole())  # every kind of record is new
            self.statusBar().showMessage(
                f"Added sample data: {made.get('contacts', 0):,} contacts, "
                f"{made.get('accounts', 0):,} accounts and {made.get('history', 0):,} history "
                f"items. {self._undo_key()} takes them out again.", 15000)

        button.setEnabled(False)
        self.sample_task = Task(self.writer, self, "Adding sample data…", work, done,
                                cancelled=lambda: button.setEnabled(True))

    def _undo_key(self) -> str:
        return self.edit.undo.shortcut().toString(QKeySequence.SequenceFormat.NativeText)

    def focus_search(self) -> None:
        self.show_view(View.CONTACTS)
        self.contacts.focus_search()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.contacts.apply_changes(changes)
        self.trash.apply_changes(changes)

    def show_settings(self, page: str | None = None) -> None:
        from ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.prefs, self.services, self.reads, self.writer, self)
        dialog.open_database.connect(lambda path: self._ask_reopen(path, create=False))
        dialog.new_database.connect(lambda path: self._ask_reopen(path, create=True))
        if page is not None:
            dialog.show_page(page)
        self.settings_dialog = dialog
        dialog.open()

    def _ask_reopen(self, path, *, create: bool) -> None:
        # The editors ask about what they hold before this window goes.
        if self.contacts.close_editors():
            self.reopen.emit(path, create)

    def _show_about(self) -> None:
        QMessageBox.about(
            self, "About Rolodeck",
            f"<h3>Rolodeck {version()}</h3>"
            "<p>An offline-first contact manager and small-business CRM.</p>"
            "<p>Your contacts stay in a file on this computer.</p>")
