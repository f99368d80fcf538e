"""The Contacts view: the searchable rolodex list, with the current contact's record beside it."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet
from app.domain.filters import ContactFilter, SavedSearch
from app.domain.history import HistoryKind
from app.services.directory import Directory
from app.services.registry import Services
from ui import icons
from ui.contacts.bulk_actions import BulkActions
from ui.contacts.editor import ContactEditor
from ui.contacts.filter_bar import FilterBar
from ui.contacts.page_actions import context_menu, make_actions
from ui.contacts.record_pane import RecordPane
from ui.contacts.record_tabs import CustomFieldsTab, GroupsTagsTab, NotesTab
from ui.contacts.relationships_tab import RelationshipsTab
from ui.contacts.rolodex_strip import RolodexStrip
from ui.contacts.table_model import ContactTableModel, selected_ids
from ui.contacts.table_view import ContactTable
from ui.history.log_dialog import LogDialog
from ui.history.timeline import TimelineView
from ui.settings.preferences import Preferences
from ui.tasks import ReadPool, Writer
from ui.welcome import Welcome

SEARCH_DELAY_MS = 150
SEARCH_PLACEHOLDER = "Search names, companies, e-mail, phone, notes…"
NO_MATCHES = (
    "<h2>No matches for “{text}”</h2>"
    "<p>Try part of a name, a company, an e-mail address, or a few digits of a phone "
    "number.</p>")
NO_FILTER_MATCHES = ("<h2>No contacts match the filters</h2><p>Take a filter off with its ✕ "
                     "beside the search box, or choose Filter ▸ Clear Filters.</p>")
NO_FILTER_MATCHES_TOO = "<p>The filters beside the search box narrow it too.</p>"


class ContactsPage(QWidget):
    """Signals `counted` (the status bar's count) and `said` (a passing status message)."""

    counted = Signal(str)
    said = Signal(str)
    # Once, when the list first has its rows on screen (or has shown that it has none).
    first_rows_painted = Signal()

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 undo_key: Callable[[], str], prefs: Preferences,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.prefs = prefs
        self._painted_once = False
        self.services, self.reads, self.writer = services, reads, writer
        self._undo_key = undo_key
        self.model = ContactTableModel(services.directory, self, run_query=reads.run)
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
        self.search_field.installEventFilter(self)

        self.table = ContactTable(self.model)
        self.empty_state = QLabel()
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.empty_state.setTextFormat(Qt.TextFormat.RichText)
        self.welcome = Welcome()
        first = QPushButton("New Contact")
        first.clicked.connect(self.new_contact)
        self.welcome.add_button(first)
        self.strip = RolodexStrip()
        self.strip.letter_chosen.connect(self.jump_to_letter)
        self.table.letter_typed.connect(self.jump_to_letter)
        table_area = QWidget()
        column = QVBoxLayout(table_area)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.strip)
        column.addWidget(self.table, 1)
        self._table_area = table_area
        self._list_pages = QStackedWidget()
        self._list_pages.addWidget(table_area)
        self._list_pages.addWidget(self.empty_state)
        self._list_pages.addWidget(self.welcome)

        self.record = RecordPane(services, reads, writer)
        self.detail = self.record.card
        self.record.edit_requested.connect(self.edit_current)
        self.history_tab = TimelineView(services, reads, writer)
        self.history_tab.said.connect(self.said)
        self.history_tab.log_requested.connect(self.log)
        self.record.add_tab(self.history_tab, "History")
        log_call = QPushButton(icons.icon("call", self, role=QPalette.ColorRole.ButtonText),
                               "Log Call")
        log_call.setToolTip("Log a call with this contact (Ctrl+L)")
        log_call.clicked.connect(lambda: self.log(HistoryKind.CALL))
        self.record.add_action_button(log_call)
        self.notes_tab = NotesTab(services, reads)
        self.notes_tab.edit_requested.connect(self.edit_current)
        self.groups_tab = GroupsTagsTab(services, reads)
        self.fields_tab = CustomFieldsTab(services, reads)
        self.fields_tab.edit_requested.connect(self.edit_current)
        self.record.add_tab(self.notes_tab, "Notes")
        self.record.add_tab(self.groups_tab, "Groups && Tags")
        self.record.add_tab(self.fields_tab, "Custom Fields")
        self.relationships_tab = RelationshipsTab(services, reads, writer)
        self.relationships_tab.open_contact.connect(self.select_contact)
        self.relationships_tab.said.connect(self.said)
        self.record.add_tab(self.relationships_tab, "Relationships")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("contactsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self._list_pages)
        self.splitter.addWidget(self.record)
        # A wider window widens the list; the pane keeps the width it was given.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([700, 400])
        self._split_dragged = False
        self.splitter.splitterMoved.connect(self._on_split_dragged)
        self.splitter.installEventFilter(self)

        top = QHBoxLayout()
        top.setContentsMargins(12, 10, 12, 10)
        top.addWidget(self.search_field, 1)
        self.filters = FilterBar(services, reads)
        self.filters.changed.connect(self._on_filter_changed)
        top.addWidget(self.filters)
        search_bar = QWidget()
        search_bar.setObjectName("searchBar")
        search_bar.setLayout(top)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(search_bar)
        layout.addWidget(self.splitter, 1)

        self._make_actions()
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._on_reset)
        self.model.dataChanged.connect(self._on_data_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_current_changed)
        self.table.viewport().installEventFilter(self)
        self.model.refresh()

    def _make_actions(self) -> None:
        actions = make_actions(self)
        self.new_action, self.edit_action = actions.new, actions.edit
        self.delete_action, self.log_actions = actions.delete, actions.log
        self.next_action, self.previous_action = actions.next, actions.previous
        self.save_search_action = actions.save_search
        self.bulk = BulkActions(self.services, self.reads, self.writer, self.selected_ids, self)
        self.bulk.said.connect(self.said)
        self.table.addAction(self.bulk.copy)
        self.groups_tab.add_to_group.connect(self.bulk.open_add_to_group)
        self.groups_tab.edit_tags.connect(self.bulk.open_tags)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda at: context_menu(self, self.table.viewport().mapToGlobal(at)))

    def walk(self, step: int) -> None:
        """To the next (1) or previous (-1) contact, from wherever the focus is."""
        rows = self.model.rowCount()
        if rows:
            index = self.table.currentIndex()
            row = index.row() + step if index.isValid() else 0
            self._select_row(max(0, min(rows - 1, row)))

    def eventFilter(self, watched, event) -> bool:
        if (not self._painted_once and event.type() == QEvent.Type.Paint
                and watched is self.table.viewport() and self.settled()):
            self._first_paint()
        elif (event.type() == QEvent.Type.Resize and watched is self.splitter
                and not self._split_dragged):
            self._fit_split(event.size().width())
        elif (event.type() == QEvent.Type.KeyPress and watched is self.search_field
              and event.key() == Qt.Key.Key_Down and self.model.rowCount()):
            # From the box straight into the results, as a mail reader's search does.
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if not self.table.selectionModel().selectedRows():
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def _first_paint(self) -> None:
        self._painted_once = True
        self.table.viewport().removeEventFilter(self)
        # After this paint has been drawn, not before it.
        QTimer.singleShot(0, self, self.first_rows_painted.emit)

    def _fit_split(self, width: int) -> None:
        # Until the user drags it, the record pane takes a share of the width, so a small
        # window keeps a readable list instead of a fixed-width pane.
        pane = max(self.record.minimumWidth(), min(460, width * 38 // 100))
        self.splitter.setSizes([max(0, width - pane), pane])

    def _on_split_dragged(self, *_args) -> None:
        self._split_dragged = True

    def restore_split(self, sizes: list[int]) -> None:
        """Sizes the user dragged the split to in an earlier session."""
        if len(sizes) == 2 and all(s > 0 for s in sizes):
            self._split_dragged = True
            self.splitter.setSizes(sizes)

    @property
    def split_dragged(self) -> bool:
        return self._split_dragged

    # --- gestures -----------------------------------------------------------------------------

    def close_editors(self) -> bool:
        """Ask every open editor to close; False when one stays (the user kept its changes,
        or it is still saving): nothing typed is lost by quitting."""
        for editor in list(self._editors):
            if editor.isVisible():
                editor.reject()
            if editor.isVisible():
                editor.raise_()
                editor.activateWindow()
                return False
        return True

    def open_editors(self) -> list[ContactEditor]:
        return [e for e in self._editors if e.isVisible()]

    def settled(self) -> bool:
        """Every read the list and the record pane asked for has arrived."""
        model = self.model
        if not model.loaded:
            return False
        first = self.table.rowAt(0)
        last = self.table.rowAt(max(0, self.table.viewport().height() - 1))
        last = model.rowCount() - 1 if last < 0 else last
        return first < 0 or all(model.cached(r) for r in range(first, last + 1))

    def new_contact(self) -> None:
        self._track(ContactEditor.new(self.services, self.reads, self.writer, self,
                                      default_country=self.prefs.default_country))

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if not (index.isValid() and self.table.selectionModel().isRowSelected(
                index.row(), QModelIndex())):
            return None
        return self.model.id_at(index.row())

    def edit_current(self) -> None:
        cid = self.current_id()
        if cid is not None:
            self.edit_contact(cid)

    def edit_contact(self, cid: int) -> None:
        open_one = self._editing.get(cid)
        if open_one is not None:  # one editor per contact (still loading, or up): bring it up
            open_one.raise_()
            open_one.activateWindow()
            return
        editor = ContactEditor.edit(self.services, self.reads, self.writer, cid, self,
                                    default_country=self.prefs.default_country)
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

    def log(self, kind: HistoryKind = HistoryKind.CALL) -> None:
        """Log a call, meeting, note or e-mail with the contact on show."""
        cid = self.current_id()
        if cid is None:
            return
        summary = self.model.summary(self.table.currentIndex().row())
        LogDialog.for_contact(self.services, self.writer, cid, kind, self,
                              about=summary.display_name if summary else "")

    def select_contact(self, contact_id: int) -> None:
        """Show `contact_id` in the list (clearing a search that hides it) and select it."""
        row = self.model.row_of(contact_id)
        if row is None:
            self._successor = contact_id
            if self.search_field.text():
                self.search_field.clear()
                self._run_search()
            else:
                self.model.refresh()
            return
        self._select_row(row)
        self.table.setFocus()

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
        self.writer.run(lambda: contacts.delete(ids), lambda _changes: self.said.emit(
            f"Deleted {what}. {self._undo_key()} undoes it."))

    def jump_to_letter(self, letter: str) -> None:
        """Select the first contact filed under `letter`, at the top of the list."""
        model, directory = self.model, self.services.directory
        if model.searching or model.sort_key not in Directory.LETTER_SORTS or not model.rowCount():
            return
        sort, rows, generation = model.sort_key, model.rowCount(), model.generation
        descending = model.sort_order == Qt.SortOrder.DescendingOrder
        filters = model.filters

        def found(row: int) -> None:
            if model.generation != generation or not model.rowCount():
                return  # the list changed meanwhile: the count was of another list
            row = min(row, model.rowCount() - 1)
            self._select_row(row)
            self.table.scrollTo(model.index(row, 0),
                                QAbstractItemView.ScrollHint.PositionAtTop)
            self.table.setFocus()

        self.reads.run(lambda: directory.letter_row(letter, sort, rows=rows,
                                                    descending=descending, filters=filters),
                       found)

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

    def _on_filter_changed(self, filters: ContactFilter) -> None:
        self.model.set_filters(filters)

    def open_search(self, search: SavedSearch) -> None:
        """Show what a saved search finds: its text in the box, its filters on."""
        self.filters.set_filter(search.filters)
        self.search_field.setText(search.text)
        self._run_search()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.model.apply_changes(changes)
        self.filters.apply_changes(changes)
        self.record.apply_changes(changes)

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
            self._select_row(row)
        else:
            self.table.scrollToTop()
        self._show_current()
        self.update_chrome()
        if not self._painted_once and not self.model.rowCount():
            self._first_paint()  # the welcome page or the empty list is what there is

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _on_data_changed(self, first: QModelIndex, last: QModelIndex) -> None:
        if first.row() <= self.table.currentIndex().row() <= last.row():
            self._show_current()

    def _on_current_changed(self, *_args) -> None:
        chosen = self.table.selectionModel().hasSelection()
        self.delete_action.setEnabled(chosen)
        self.edit_action.setEnabled(chosen)
        self.bulk.set_enabled(chosen)
        for action in self.log_actions:
            action.setEnabled(chosen)
        self._show_current()
        self.update_chrome()

    def _show_current(self) -> None:
        # The selected current row, not any current one: Qt makes the first row current
        # (without selecting it) when the list takes focus, which would show a contact nobody
        # chose, depending on whether the rows or the focus arrived first.
        cid = self.current_id()
        row = self.table.currentIndex().row()
        self.record.show_summary(self.model.summary(row) if cid is not None else None)

    def update_chrome(self) -> None:
        """Status bar, empty state and header, from what the list now holds."""
        rows, text = self.model.rowCount(), self.model.query.strip()
        if self.model.searching:
            shown = f"{rows:,} {'match' if rows == 1 else 'matches'}" if rows else "No matches"
            if rows >= Directory.SEARCH_LIMIT:
                shown = f"The best {rows:,} matches"  # there are more; typing more narrows
            count = f"{shown} for “{text}”"
        else:
            count = f"{rows:,} {'contact' if rows == 1 else 'contacts'}" if rows else "No contacts"
        filtered = not self.model.filters.empty
        if filtered:
            count += " (filtered)"
        # Counted by ranges: after Ctrl+A on 100,000 rows, selectedRows() would make 100,000
        # indexes to be counted.
        ranges = self.table.selectionModel().selection()
        chosen = sum(ranges.at(i).height() for i in range(ranges.size())) if rows else 0
        self.counted.emit(f"{count} · {chosen:,} selected" if chosen > 1 else count)
        if rows:
            self._list_pages.setCurrentWidget(self._table_area)
        elif self.model.searching:
            self.empty_state.setText(NO_MATCHES.format(text=html.escape(text))
                                     + (NO_FILTER_MATCHES_TOO if filtered else ""))
            self._list_pages.setCurrentWidget(self.empty_state)
        elif filtered:
            self.empty_state.setText(NO_FILTER_MATCHES)
            self._list_pages.setCurrentWidget(self.empty_state)
        else:
            self._list_pages.setCurrentWidget(self.welcome)
        self.record.setVisible(rows > 0)
        self.save_search_action.setEnabled(self.model.searching or filtered)
        self.strip.setVisible(not self.model.searching
                              and self.model.sort_key in Directory.LETTER_SORTS)
        # Search results come in order of relevance; a sort arrow would claim otherwise.
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(not self.model.searching)
        header.setSectionsClickable(not self.model.searching)
