"""The main window: the sidebar of views, the view on show, the menus and the status bar.

Each view is its own widget (ui/contacts/page.py, ui/trash.py...); the window routes between
them, owns the threads every view shares, and remembers how the user left it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.filters import SavedSearch
from app.services.registry import Services
from ui.contacts.page import ContactsPage
from ui.edit_actions import EditActions
from ui.menus import add_commands, make_menus
from ui.progress import Task
from ui.settings.formatting import NameOrder, use_style
from ui.settings.preferences import DATE_FORMAT, DEFAULT_COUNTRY, NAME_ORDER, Preferences
from ui.sidebar import Sidebar, View
from ui.tasks import ChangeBus, ReadPool, Writer
from ui.watch import ExternalChanges
from ui.welcome import SAMPLE_CONTACTS

if TYPE_CHECKING:  # built after the first paint, imported then (see MainWindow._build_rest)
    from ui.accounts.page import AccountsPage
    from ui.groups.page import GroupsPage
    from ui.history.timeline import TimelineView
    from ui.quick_search import QuickSearch
    from ui.trash import TrashPage


__all__ = ["MainWindow", "View", "version"]


def version() -> str:
    try:
        return metadata.version("rolodeck")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0.1.0"


@dataclass(frozen=True)
class _Rest:
    """What the window builds once its first rows are painted."""

    accounts: AccountsPage
    account_history: TimelineView
    groups: GroupsPage
    trash: TrashPage
    quick: QuickSearch


class MainWindow(QMainWindow):
    # Another database chosen in Settings: (path, create). Whoever started the window closes
    # it and opens one over that file (see ui.app.run_gui).
    reopen = Signal(object, bool)
    # Made with the menus (ui.menus), once the rest of the window is built.
    data_file_action: QAction
    export_action: QAction
    export_dialog: QWidget  # the last one opened (ui/window_dialogs.py), kept alive
    merge_action: QAction
    scan_action: QAction
    settings_action: QAction

    def __init__(self, services: Services, *, title: str = "Rolodeck",
                 settings: QSettings | None = None, prefs: Preferences | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(1180, 740)
        self.services = services
        self._rest: _Rest | None = None  # see _build_rest
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
        self.contacts.welcome.import_requested.connect(self.import_files)
        self.setAcceptDrops(True)  # address books dropped on the window are imported
        self.views = QStackedWidget()
        self.views.addWidget(self.contacts)
        self.sidebar = Sidebar()
        self.sidebar.view_chosen.connect(self._on_view_chosen)
        self.sidebar.group_chosen.connect(self._on_group_chosen)
        self.sidebar.search_chosen.connect(self._on_search_chosen)
        self.sidebar.rename_search.connect(self._rename_search)
        self.sidebar.delete_search.connect(self._delete_search)
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
        self.contacts.said.connect(self.say)
        self.watch = ExternalChanges(services.feed, self.reads, self.bus, self)
        self._restore_geometry()
        self._follow_preference(NAME_ORDER)
        self._follow_preference(DATE_FORMAT)
        self.prefs.changed.connect(self._follow_preference)
        self.contacts.table.setFocus()
        # The other views, the menus and the quick search are built once the first rows are
        # on screen: the list is what a user opens the window for, and building the rest
        # first would keep it off the screen for a third of a second (see _build_rest).
        self.contacts.first_rows_painted.connect(self._first_rows_painted)

    def _follow_preference(self, key: str) -> None:
        """Views take up a changed setting at once, with no restart."""
        if key == NAME_ORDER:
            family_first = self.prefs.name_order == NameOrder.FAMILY_FIRST
            self.contacts.model.set_family_first(family_first)
            if self._rest is not None:
                self._rest.trash.model.set_family_first(family_first)
        elif key == DATE_FORMAT:
            use_style(self.prefs.date_style())
            for view in self.findChildren(QAbstractItemView):  # dates are drawn, not stored
                view.viewport().update()
        elif key == DEFAULT_COUNTRY and self._rest is not None:
            self._rest.accounts.default_country = self.prefs.default_country

    def _first_rows_painted(self) -> None:
        if os.environ.get("ROLODECK_REPORT_START"):
            # For the start-up benchmark, which times this line from outside.
            print("rolodeck: first rows painted", flush=True)
        QTimer.singleShot(0, self, self._build_rest)

    def _build_rest(self) -> _Rest:
        if self._rest is not None:
            return self._rest
        from ui.accounts.page import AccountsPage
        from ui.groups.page import GroupsPage
        from ui.history.timeline import TimelineView
        from ui.quick_search import QuickSearch
        from ui.trash import TrashPage

        services = self.services
        accounts = AccountsPage(services, self.reads, self.writer, self)
        accounts.default_country = self.prefs.default_country  # followed: _follow_preference
        account_history = TimelineView(services, self.reads, self.writer)
        account_history.said.connect(self.say)
        account_history.log_requested.connect(account_history.open_log_dialog)
        accounts.detail.add_tab(account_history, "History")
        accounts.account_shown.connect(account_history.show_account)
        accounts.open_contact.connect(self.open_contact)
        groups = GroupsPage(services, self.reads, self.writer, self)
        trash = TrashPage(services, self.reads, self.writer, self)
        quick = QuickSearch(services, self.reads, self)
        self._rest = rest = _Rest(accounts, account_history, groups, trash, quick)
        trash.model.set_family_first(self.prefs.name_order == NameOrder.FAMILY_FIRST)
        for page in (accounts, groups, trash):  # in View order, after Contacts
            self.views.addWidget(page)
        self.sidebar.contacts_dropped.connect(groups.add_contacts)
        groups.groups_changed.connect(self.sidebar.show_groups)
        groups.open_contact.connect(self.open_contact)
        groups.show_contacts.connect(lambda: self.show_view(View.CONTACTS))
        trash.counted.connect(lambda text: self._counted(View.TRASH, text))
        groups.counted.connect(lambda text: self._counted(View.GROUPS, text))
        accounts.counted.connect(lambda text: self._counted(View.ACCOUNTS, text))
        for page in (accounts, groups, trash):
            page.said.connect(self.say)
        quick.open_contact.connect(self.open_contact)
        quick.open_account.connect(self.open_account)
        quick.open_history.connect(self._open_history)
        make_menus(self)
        add_commands(self)
        groups.load()  # the sidebar lists the groups before the Groups view is opened
        self._read_saved_searches()
        self._restore_view()
        return rest

    @property
    def ready(self) -> bool:
        """Whether the menus and every view have been built (just after the first paint)."""
        return self._rest is not None

    @property
    def accounts(self) -> AccountsPage:
        return self._build_rest().accounts

    @property
    def account_history(self) -> TimelineView:
        return self._build_rest().account_history

    @property
    def groups(self) -> GroupsPage:
        return self._build_rest().groups

    @property
    def trash(self) -> TrashPage:
        return self._build_rest().trash

    @property
    def quick(self) -> QuickSearch:
        return self._build_rest().quick

    # Shortcuts to the Contacts view's parts, which most of the window is about.
    @property
    def table(self):
        return self.contacts.table

    @property
    def model(self):
        return self.contacts.model

    def _restore_geometry(self) -> None:
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
        hidden = self.settings.value("contacts/hidden_columns")
        if isinstance(hidden, list | str):
            self.contacts.table.restore_hidden([hidden] if isinstance(hidden, str) else
                                               [str(x) for x in hidden])

    def _restore_view(self) -> None:
        view = self.settings.value("window/view") if self.settings is not None else None
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
        self.settings.setValue("contacts/hidden_columns",
                               sorted(c.name for c in self.contacts.table.user_hidden()))
        self.settings.sync()

    # --- gestures -----------------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802  Qt's name
        if not (self.contacts.close_editors()
                and (self._rest is None or self._rest.accounts.close_editors())):
            event.ignore()
            return
        self._save_state()
        self.watch.stop()
        self.writer.wait()  # a save under way finishes before the window goes
        self.reads.wait()  # a search still running must not outlive the database connection
        super().closeEvent(event)

    def settled(self) -> bool:
        """Nothing read or written is still on its way to the screen."""
        return (self._rest is not None and not self.reads.busy and not self.writer.busy
                and self.edit.idle and self.contacts.settled())

    def new_contact(self) -> None:
        self.contacts.new_contact()

    def edit_current(self) -> None:
        self.contacts.edit_current()

    def delete_selected(self) -> None:
        self.contacts.delete_selected()

    def selected_ids(self) -> list[int]:
        return self.contacts.selected_ids()

    def show_view(self, view: View) -> None:
        if self.current_view() == view and self.sidebar.current_group() is None:
            return
        self.sidebar.select_view(view)  # _on_view_chosen does the rest

    def current_view(self) -> View:
        return View(self.views.currentIndex())

    def open_contact(self, contact_id: int) -> None:
        self.show_view(View.CONTACTS)
        self.contacts.select_contact(contact_id)

    def open_account(self, account_id: int) -> None:
        self.show_view(View.ACCOUNTS)
        self.accounts.select_account(account_id)

    def _open_history(self, _history_id: int, contact_id: int | None) -> None:
        if contact_id is not None:
            self.open_contact(contact_id)
            record = self.contacts.record
            record.tabs.setCurrentWidget(self.contacts.history_tab)

    def _on_group_chosen(self, group_id: int) -> None:
        self._on_view_chosen(View.GROUPS)
        self.groups.select_group(group_id)

    def _on_view_chosen(self, view: View) -> None:
        self._build_rest()
        self.views.setCurrentIndex(view)
        if view == View.TRASH:
            self.trash.load()
            self.count_label.setText(self.trash.count_text() if self.trash.model.loaded
                                     else "")
            self.trash.table.setFocus()
        elif view == View.ACCOUNTS:
            self.accounts.load()
            self.count_label.setText(self.accounts.count_text())
            self.accounts.setFocus()
        elif view == View.GROUPS:
            self.count_label.setText(self.groups.count_text())
            self.groups.setFocus()
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

    def _read_saved_searches(self) -> None:
        self.reads.run(self.services.organize.saved_searches, self.sidebar.show_saved)

    def _on_search_chosen(self, search: SavedSearch) -> None:
        self._build_rest()
        self.views.setCurrentIndex(View.CONTACTS)
        self.contacts.open_search(search)
        self.contacts.table.setFocus()

    def _rename_search(self, group_id: int, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename Saved Search", "New name:", text=name)
        if ok and new.strip() and new.strip() != name:
            organize = self.services.organize
            self.writer.run(lambda: organize.rename_group(group_id, new))

    def _delete_search(self, group_id: int, name: str) -> None:
        organize = self.services.organize
        self.writer.run(lambda: organize.delete_group(group_id), lambda _changes: self.say(
            f"Deleted the saved search “{name}”. {self._undo_key()} brings it back."))

    def apply_changes(self, changes: ChangeSet) -> None:
        self.contacts.apply_changes(changes)
        if self._rest is not None and changes.touches(Entity.GROUP):
            self._read_saved_searches()
        rest = self._rest
        if rest is not None:
            for page in (rest.groups, rest.accounts, rest.account_history, rest.quick,
                         rest.trash):
                page.apply_changes(changes)

    def import_files(self, paths: Sequence[Path | str] = ()) -> None:
        """The import wizard, over `paths` when files were dropped on the window."""
        from ui.imports.wizard import ImportDialog

        dialog = ImportDialog(self.services, self.reads, self.writer, self, paths=paths,
                              region=self.prefs.default_country, settings=self.prefs.settings)
        dialog.said.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.import_dialog = dialog
        dialog.open()
        if paths:
            dialog.preview()

    def dragEnterEvent(self, event) -> None:  # noqa: N802  Qt's name
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802  Qt's name
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
            self.import_files([u.toLocalFile() for u in urls])
        else:
            super().dropEvent(event)

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
