"""The main window: quick search over a contact table, with the selected contact beside it."""

from __future__ import annotations

import enum
import html
from importlib import metadata

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet
from app.services.directory import Directory
from app.services.registry import Services
from ui.contacts.detail_panel import ContactDetailPanel
from ui.contacts.editor import ContactEditor
from ui.contacts.table_model import ContactTableModel, selected_ids
from ui.contacts.table_view import ContactTable
from ui.edit_actions import EditActions
from ui.progress import Task
from ui.tasks import ChangeBus, ReadPool, Writer
from ui.trash import TrashPage
from ui.watch import ExternalChanges
from ui.welcome import SAMPLE_CONTACTS, Welcome

SEARCH_DELAY_MS = 150
SEARCH_PLACEHOLDER = "Search names, companies, e-mail, phone, notes…"
NO_MATCHES = (
    "<h2>No matches for “{text}”</h2>"
    "<p>Try part of a name, a company, an e-mail address, or a few digits of a phone "
    "number.</p>")


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
    def __init__(self, services: Services, *, title: str = "Rolodeck",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(1100, 700)
        self.services = services
        self.reads = ReadPool(self)
        self.bus = ChangeBus(self)
        self.writer = Writer(self.bus, self)
        self.model = ContactTableModel(services.directory, self, run_query=self.reads.run)
        self._keep_id: int | None = None
        self._successor: int | None = None  # what to select once a delete has gone through
        self._editors: list[ContactEditor] = []  # open (or opening) editors, new ones too
        self._editing: dict[int, ContactEditor] = {}  # by the contact they edit
        self._jump_to_first = False

        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_field.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search_field.textChanged.connect(self._search_timer.start)
        self.search_field.returnPressed.connect(self._on_return)

        self.table = ContactTable(self.model)
        self.empty_state = QLabel()
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.empty_state.setTextFormat(Qt.TextFormat.RichText)
        self.welcome = Welcome()
        self.welcome.load_sample.connect(self.load_sample_data)
        first = QPushButton("New Contact")
        first.clicked.connect(self.new_contact)
        self.welcome.add_button(first)
        self._list_pages = QStackedWidget()
        self._list_pages.addWidget(self.table)
        self._list_pages.addWidget(self.empty_state)
        self._list_pages.addWidget(self.welcome)

        self.detail = ContactDetailPanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self._list_pages)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([780, 340])
        self._split_dragged = False
        self.splitter.splitterMoved.connect(self._on_split_dragged)
        self.splitter.installEventFilter(self)

        top = QHBoxLayout()
        top.setContentsMargins(12, 10, 12, 10)
        top.addWidget(self.search_field)
        search_bar = QWidget()
        search_bar.setObjectName("searchBar")
        search_bar.setLayout(top)
        contacts_page = QWidget()
        layout = QVBoxLayout(contacts_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(search_bar)
        layout.addWidget(self.splitter, 1)

        self.trash = TrashPage(services, self.reads, self.writer, self)
        self.views = QStackedWidget()
        self.views.addWidget(contacts_page)
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
        self.bus.changed.connect(self.trash.apply_changes)
        self.trash.counted.connect(self._on_trash_counted)
        self.trash.said.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.watch = ExternalChanges(services.feed, self.reads, self.bus, self)
        self._make_menus()
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._on_reset)
        self.model.dataChanged.connect(self._on_data_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_current_changed)
        self.model.refresh()
        self.table.setFocus()

    def _make_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
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
        find_menu = QAction("&Find…", self)
        find_menu.setShortcut(QKeySequence("Ctrl+K"))
        find_menu.triggered.connect(self.focus_search)
        edit_menu.addAction(find_menu)

        view_menu = self.menuBar().addMenu("&View")
        for view in View:
            go = QAction(VIEW_NAMES[view], self)
            go.setShortcut(QKeySequence(f"Ctrl+{view + 1}"))
            go.triggered.connect(lambda _checked=False, v=view: self.show_view(v))
            view_menu.addAction(go)

        contact_menu = self.menuBar().addMenu("&Contact")
        self.new_action = QAction("&New Contact…", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_contact)
        contact_menu.addAction(self.new_action)
        self.edit_action = QAction("&Edit Contact…", self)
        self.edit_action.setShortcuts([QKeySequence("Ctrl+E"), QKeySequence("Return"),
                                       QKeySequence("Enter")])
        # Return opens the record only from the list; in a text box it means what it means.
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.edit_action.setEnabled(False)
        self.edit_action.triggered.connect(self.edit_current)
        self.table.addAction(self.edit_action)
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        contact_menu.addAction(self.edit_action)
        contact_menu.addSeparator()
        self.delete_action = QAction("&Delete", self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        # Only while the list has the focus: in the search box Delete deletes text.
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.setEnabled(False)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)
        contact_menu.addAction(self.delete_action)

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Rolodeck", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self._show_about)
        help_menu.addAction(about)

        find = QAction("Find", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        self.addAction(find)

    def eventFilter(self, watched, event) -> bool:
        if (event.type() == QEvent.Type.Resize and watched is self.splitter
                and not self._split_dragged):
            self._fit_split(event.size().width())
        return super().eventFilter(watched, event)

    def _fit_split(self, width: int) -> None:
        # Until the user drags it, the record pane takes a share of the width, so a small
        # window keeps a readable list instead of a fixed-width pane.
        pane = max(self.detail.minimumWidth(), min(420, width * 3 // 10))
        self.splitter.setSizes([max(0, width - pane), pane])

    def _on_split_dragged(self, *_args) -> None:
        self._split_dragged = True

    # --- gestures -----------------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802  Qt's name
        # Open editors first: each asks about unsaved changes, and one the user keeps (or
        # one still saving) keeps the window open; nothing typed is lost by quitting.
        for editor in list(self._editors):
            if editor.isVisible():
                editor.reject()
            if editor.isVisible():
                editor.raise_()
                editor.activateWindow()
                event.ignore()
                return
        self.watch.stop()
        self.writer.wait()  # a save under way finishes before the window goes
        self.reads.wait()  # a search still running must not outlive the database connection
        super().closeEvent(event)

    def new_contact(self) -> None:
        self._track(ContactEditor.new(self.services, self.reads, self.writer, self))

    def edit_current(self) -> None:
        index = self.table.currentIndex()
        cid = self.model.id_at(index.row()) if index.isValid() else None
        if cid is None:
            return
        open_one = self._editing.get(cid)
        if open_one is not None:  # one editor per contact (still loading, or up): bring it up
            open_one.raise_()
            open_one.activateWindow()
            return
        editor = ContactEditor.edit(self.services, self.reads, self.writer, cid, self)
        self._editing[cid] = editor
        self._track(editor)

    def _track(self, editor: ContactEditor) -> None:
        self._editors.append(editor)
        editor.saved.connect(self._on_contact_saved)

        def gone(*_args) -> None:
            if editor in self._editors:
                self._editors.remove(editor)
            for cid, e in list(self._editing.items()):
                if e is editor:
                    del self._editing[cid]
        editor.finished.connect(gone)
        editor.destroyed.connect(gone)

    def _on_contact_saved(self, contact_id: int) -> None:
        # A new contact arrives with the list's next reload: select it then. An edited one
        # is already where it was.
        if self.model.row_of(contact_id) is None:
            self._successor = contact_id
            self.search_field.clear()

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
            self._update_chrome()
            self.table.setFocus()

    def _on_trash_counted(self, text: str) -> None:
        if self.current_view() == View.TRASH:
            self.count_label.setText(text)

    def selected_ids(self) -> list[int]:
        return selected_ids(self.table)

    def delete_selected(self) -> None:
        """Move the selected contacts to the trash; Ctrl+Z brings them back."""
        ids = self.selected_ids()
        if not ids:
            return
        contacts = self.services.contacts
        what = self.model.named(ids)
        self._successor = self.model.neighbour(set(ids))
        self.writer.run(lambda: contacts.delete(ids), lambda _changes: self.statusBar()
                        .showMessage(f"Deleted {what}. {self._undo_key()} undoes it.", 8000))

    def load_sample_data(self) -> None:
        """Fill this database with the sample (one unit: Cancel or Ctrl+Z leaves it empty)."""
        services = self.services

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

        self.welcome.sample_button.setEnabled(False)
        self.sample_task = Task(self.writer, self, "Adding sample data…", work, done,
                                cancelled=lambda: self.welcome.sample_button.setEnabled(True))

    def _undo_key(self) -> str:
        return self.edit.undo.shortcut().toString(QKeySequence.SequenceFormat.NativeText)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def _run_search(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.search_field.text())

    def _on_return(self) -> None:
        # The results arrive from a read task: the jump happens when they are installed.
        self._jump_to_first = True
        self._run_search()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.model.apply_changes(changes)

    def _show_about(self) -> None:
        QMessageBox.about(
            self, "About Rolodeck",
            f"<h3>Rolodeck {version()}</h3>"
            "<p>An offline-first contact manager and small-business CRM.</p>"
            "<p>Your contacts stay in a file on this computer.</p>")

    # --- keeping the panes in step with the model ---------------------------------------------

    def _remember_current(self) -> None:
        current = self.model.id_at(self.table.currentIndex().row())
        self._keep_id = self._successor if self._successor is not None else current
        self._successor = None

    def _on_reset(self) -> None:
        if self._jump_to_first and self.model.rowCount():
            self._keep_id = self.model.id_at(0)
            self.table.setFocus()
        self._jump_to_first = False
        row = self.model.row_of(self._keep_id) if self._keep_id is not None else None
        self._keep_id = None
        if row is not None:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
        else:
            self.table.scrollToTop()
        self._show_current()
        self._update_chrome()

    def _on_data_changed(self, first: QModelIndex, last: QModelIndex) -> None:
        if first.row() <= self.table.currentIndex().row() <= last.row():
            self._show_current()

    def _on_current_changed(self, *_args) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.delete_action.setEnabled(chosen)
        self.edit_action.setEnabled(chosen)
        self._show_current()

    def _show_current(self) -> None:
        # The selected current row, not any current one: Qt makes the first row current
        # (without selecting it) when the list takes focus, which would show a contact nobody
        # chose, depending on whether the rows or the focus arrived first.
        index = self.table.currentIndex()
        chosen = index.isValid() and self.table.selectionModel().isRowSelected(
            index.row(), QModelIndex())
        summary = self.model.summary(index.row()) if chosen else None
        self.detail.show_summary(summary)
        if summary is None:
            return
        # The row has one e-mail and one phone; the pane shows every way to reach them, read
        # off the GUI thread (and dropped if the user has moved on by then).
        cid, contacts = summary.id, self.services.contacts

        def shown(contact) -> None:
            now = self.model.id_at(self.table.currentIndex().row())
            if now == cid:
                self.detail.show_contact(contact)

        self.reads.run(lambda: contacts.get(cid), shown, lambda _error: None)

    def _update_chrome(self) -> None:
        """Status bar, empty state and header, from what the list now holds."""
        rows, text = self.model.rowCount(), self.model.query.strip()
        if self.current_view() != View.CONTACTS:
            return
        if self.model.searching:
            shown = f"{rows:,} {'match' if rows == 1 else 'matches'}" if rows else "No matches"
            if rows >= Directory.SEARCH_LIMIT:
                shown = f"The best {rows:,} matches"  # there are more; typing more narrows
            self.count_label.setText(f"{shown} for “{text}”")
        else:
            self.count_label.setText(
                f"{rows:,} {'contact' if rows == 1 else 'contacts'}" if rows else "No contacts")
        if rows:
            self._list_pages.setCurrentWidget(self.table)
        else:
            if self.model.searching:
                self.empty_state.setText(NO_MATCHES.format(text=html.escape(text)))
                self._list_pages.setCurrentWidget(self.empty_state)
            else:
                self._list_pages.setCurrentWidget(self.welcome)
        self.detail.setVisible(rows > 0)
        # Search results come in order of relevance; a sort arrow would claim otherwise.
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(not self.model.searching)
        header.setSectionsClickable(not self.model.searching)
