"""The Accounts view: a filter box over the sorted list of accounts, and beside it the account
(detail.py) with its people, sub-accounts and history. Every read runs in the ReadPool and
every change on the Writer; the page refreshes from the ChangeSets the window hands it.

    page = AccountsPage(services, reads, writer, parent)
    bus.changed.connect(page.apply_changes); page.load() when it is first shown
    page.new_action / edit_action / delete_action: for the window's Account menu
    page.detail.add_tab(widget, "History"); page.account_shown(int) says which account
"""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet
from app.services.registry import Services
from ui.accounts.detail import AccountDetail
from ui.accounts.editor import AccountEditor
from ui.accounts.page_parts import EmptyList, FilterKeys, OpenEditors, action, undo_key
from ui.accounts.table_model import AccountTableModel, count_of
from ui.accounts.tables import AccountTable
from ui.contacts.editor import ContactEditor
from ui.paged_model import selected_ids
from ui.tasks import ReadPool, Writer

FILTER_DELAY_MS = 150
FILTER_PLACEHOLDER = "Filter accounts by name, industry, city or phone…"
NO_ACCOUNTS = ("<h2>No accounts yet</h2><p>Accounts are the companies your contacts work "
               "for: their people, branches and history in one place.</p>")
NO_MATCHES = ("<h2>No accounts match “{text}”</h2>"
              "<p>Try part of a name, an industry, a city or a few digits of a phone "
              "number.</p>")


class AccountsPage(QWidget):
    open_contact = Signal(int)  # a contact double-clicked in the account's Contacts tab
    counted = Signal(str)  # the status bar's count: "1,204 accounts"
    said = Signal(str)  # what an action did: "Deleted Acme Ltd. Ctrl+Z undoes it."
    account_shown = Signal(int)  # the pane now shows this account (the history follows)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.reads, self.writer = services, reads, writer
        self.model = AccountTableModel(services.directory, self, run_query=reads.run)
        self._keep_id: int | None = None  # selected again once the list is read again
        self._successor: int | None = None  # what to select once a change has gone through
        self._jump_to_first = False
        self._asked_for: int | None = None  # select_account() of one not in the list
        self._editors = OpenEditors()
        # Phone numbers typed without a + are read in this country (None: the computer's).
        self.default_country: str | None = None

        self.filter_field = QLineEdit()
        self.filter_field.setObjectName("accountSearch")
        self.filter_field.setPlaceholderText(FILTER_PLACEHOLDER)
        self.filter_field.setClearButtonEnabled(True)
        self.filter_field.setAccessibleName("Filter accounts")
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._run_filter)
        self.filter_field.textChanged.connect(self._filter_timer.start)
        self._filter_keys = FilterKeys(self)
        self._filter_keys.to_list.connect(self._filter_to_list)
        self.filter_field.installEventFilter(self._filter_keys)
        self.new_button = QPushButton("New Account")
        self.new_button.setToolTip("New account (Ctrl+Shift+N)")
        self.new_button.clicked.connect(lambda: self.new_account())

        self.table = AccountTable(self.model)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        self.empty_state = EmptyList(NO_ACCOUNTS, "New Account")
        self.empty_state.button.clicked.connect(lambda: self.new_account())
        self.no_matches = EmptyList("", "Clear Filter")
        self.no_matches.button.clicked.connect(self.clear_filter)
        self._list_pages = QStackedWidget()
        for page in (self.table, self.empty_state, self.no_matches):
            self._list_pages.addWidget(page)

        self.detail = AccountDetail(services, run_query=reads.run)
        self.detail.account_shown.connect(self.account_shown)
        self.detail.contact_activated.connect(self.open_contact)
        self.detail.account_activated.connect(self.select_account)
        self.detail.edit_clicked.connect(self.edit_current)
        self.detail.new_contact_clicked.connect(self.new_contact_at)
        self.detail.new_sub_account_clicked.connect(
            lambda aid, name: self.new_account(parent=(aid, name)))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self._list_pages)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self._split_dragged = False
        self.splitter.splitterMoved.connect(self._on_split_dragged)
        self.splitter.installEventFilter(self)

        bar = QHBoxLayout()
        bar.setContentsMargins(12, 10, 12, 10)
        bar.addWidget(self.filter_field, 1)
        bar.addWidget(self.new_button)
        top = QWidget()
        top.setObjectName("searchBar")
        top.setLayout(bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.splitter, 1)

        self._make_actions()
        QWidget.setTabOrder(self.filter_field, self.new_button)
        QWidget.setTabOrder(self.new_button, self.table)
        QWidget.setTabOrder(self.table, self.detail.card.edit_button)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._on_reset)
        self.model.dataChanged.connect(self._on_data_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_current_changed)
        self._update_actions()

    def _make_actions(self) -> None:
        self.new_action = action(self, "&New Account…", "Ctrl+Shift+N",
                                 context=Qt.ShortcutContext.WindowShortcut)
        self.new_action.triggered.connect(lambda: self.new_account())
        self.edit_action = action(self, "&Edit Account…", "Ctrl+E")
        self.edit_action.triggered.connect(self.edit_current)
        self.delete_action = action(self, "&Delete Account", "Del")
        self.delete_action.triggered.connect(self.delete_selected)
        # Return opens the account from the list only; in the filter box it goes to the list,
        # in the Contacts tab it opens the contact.
        self._open_action = action(self, "Open", "Return", "Enter")
        self._open_action.triggered.connect(self.edit_current)
        self.next_action = action(self, "Next Account", "Ctrl+PgDown")
        self.next_action.triggered.connect(lambda: self.walk(1))
        self.previous_action = action(self, "Previous Account", "Ctrl+PgUp")
        self.previous_action.triggered.connect(lambda: self.walk(-1))
        for page_wide in (self.new_action, self.edit_action, self.next_action,
                          self.previous_action):
            self.addAction(page_wide)
        # In the filter box Delete deletes text: the list's own.
        self.table.addAction(self.delete_action)
        self.table.addAction(self._open_action)

    # --- loading and changes -------------------------------------------------------------------

    def load(self) -> None:
        """Read the accounts (the page reads nothing until it is first shown)."""
        if not self.model.loaded:
            self.model.refresh()

    def apply_changes(self, changes: ChangeSet) -> None:
        if not self.model.loaded:
            return  # read fresh when first shown
        self.model.apply_changes(changes)
        self.detail.apply_changes(changes)

    def count_text(self) -> str:
        rows = self.model.rowCount()
        if self.model.searching:
            text = self.model.query.strip()
            shown = f"{rows:,} {'match' if rows == 1 else 'matches'}" if rows \
                else "No matches"
            return f"{shown} for “{text}”"
        return count_of(rows, "account") if rows else "No accounts"

    # --- gestures ------------------------------------------------------------------------------

    def settled(self) -> bool:
        """The list and the rows on screen have been read."""
        model = self.model
        if not model.loaded:
            return False
        last = self.table.rowAt(max(0, self.table.viewport().height() - 1))
        last = model.rowCount() - 1 if last < 0 else last
        return all(model.cached(r) for r in range(max(0, self.table.rowAt(0)), last + 1))

    def select_first(self) -> None:
        if self.model.rowCount():
            self.table.selectRow(0)

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(
                index.row(), QModelIndex()):
            return None
        return self.model.id_at(index.row())

    def selected_ids(self) -> list[int]:
        return selected_ids(self.table)

    def select_account(self, account_id: int) -> None:
        """Select `account_id` in the list (clearing a filter that hides it) and show it."""
        row = self.model.row_of(account_id)
        if row is not None:
            self._select_row(row)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._successor = self._asked_for = account_id
        if self.model.searching:
            self.filter_field.clear()
            self._run_filter()
        else:
            self.model.refresh()

    def walk(self, step: int) -> None:
        """To the next (1) or previous (-1) account, from wherever the focus is."""
        rows = self.model.rowCount()
        if not rows:
            return
        index = self.table.currentIndex()
        row = index.row() + step if index.isValid() else 0
        self._select_row(max(0, min(rows - 1, row)))

    def new_account(self, parent: tuple[int, str] | None = None) -> None:
        """The editor for a new account (part of `parent`, (id, name), when given)."""
        editor = AccountEditor.new(self.services, self.reads, self.writer, self,
                                   parent_account=parent, default_country=self.default_country)
        editor.saved.connect(self._on_saved)
        self._editors.add(editor)

    def edit_current(self) -> None:
        account_id = self.current_id() or self.detail.current_id
        if account_id is None:
            return
        open_one = self._editors.editing(account_id)
        if open_one is not None:  # one editor per account: bring it up
            open_one.raise_()
            open_one.activateWindow()
            return
        editor = AccountEditor.edit(self.services, self.reads, self.writer, account_id, self,
                                    default_country=self.default_country)
        editor.saved.connect(self._on_saved)
        self._editors.add(editor, account_id)

    def new_contact_at(self, account_id: int, name: str) -> None:
        """A new contact whose company is this account (the Contacts tab's empty state)."""
        editor = ContactEditor.new(self.services, self.reads, self.writer, self,
                                   default_country=self.default_country)
        editor.form.account.set_current(account_id, name)
        self._editors.add(editor)

    def delete_selected(self) -> None:
        """Move the selected accounts to the trash; Ctrl+Z brings them back."""
        ids = self.selected_ids()
        if not ids:
            return
        accounts, what = self.services.accounts, self.model.named(ids)
        self._successor = self.model.neighbour(set(ids))
        # "Acme Ltd." ends the sentence itself: no second full stop after it.
        said = f"Deleted {what}" + ("" if what.endswith(".") else ".")
        self.writer.run(lambda: accounts.delete(ids), lambda _changes: self.said.emit(
            f"{said} {undo_key()} undoes it."))

    def clear_filter(self) -> None:
        self.filter_field.clear()
        self._run_filter()
        self.filter_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_editors(self) -> bool:
        """Ask every open editor to close (each asks about unsaved changes); False when one
        stays open, which the window then brings up instead of quitting."""
        return self._editors.close_all()

    @property
    def editors(self) -> list[QDialog]:
        return self._editors.all()

    def _on_saved(self, account_id: int) -> None:
        # A new account arrives with the list's next read: it is selected then.
        if self.model.row_of(account_id) is None:
            self._successor = account_id
            if self.model.searching:
                self.filter_field.clear()
                self._run_filter()

    def _context_menu(self, at: QPoint) -> None:
        menu = QMenu(self)
        for item in (self.new_action, self.edit_action, self.delete_action):
            menu.addAction(item)
        menu.exec(self.table.viewport().mapToGlobal(at))

    # --- the filter ----------------------------------------------------------------------------

    def _run_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_query(self.filter_field.text())

    def _filter_to_list(self) -> None:
        if self._filter_timer.isActive():  # the list for what was typed is still to come
            self._jump_to_first = True
            self._run_filter()
        elif self.model.rowCount() and self.current_id() is None:
            self._select_row(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- keeping the pane in step with the list ------------------------------------------------

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _remember_current(self) -> None:
        current = self.model.id_at(self.table.currentIndex().row())
        self._keep_id = self._successor if self._successor is not None else current
        self._successor = None

    def _on_reset(self) -> None:
        row = self.model.row_of(self._keep_id) if self._keep_id is not None else None
        if self._asked_for is not None and self.model.row_of(self._asked_for) is None:
            self.said.emit("That account is not in the list any more: it may be in the Trash.")
        self._keep_id = self._asked_for = None
        if self._jump_to_first and self.model.rowCount():
            row = 0
        self._jump_to_first = False
        if row is None and self.model.rowCount():
            row = 0  # the pane shows an account from the start, and Down goes to the second
        if row is not None:
            self._select_row(row)
        self._show_current()
        self._update_list_page()
        self.counted.emit(self.count_text())

    def _on_data_changed(self, first: QModelIndex, last: QModelIndex) -> None:
        if first.row() <= self.table.currentIndex().row() <= last.row():
            self._show_current()

    def _on_current_changed(self, *_args: object) -> None:
        self._update_actions()
        self._show_current()

    def _show_current(self) -> None:
        index = self.table.currentIndex()
        chosen = index.isValid() and self.table.selectionModel().isRowSelected(
            index.row(), QModelIndex())
        listing = self.model.listing(index.row()) if chosen else None
        if listing is not None or not chosen:  # else its row is being read: it comes
            self.detail.show_listing(listing)

    def _update_actions(self) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        for item in (self.edit_action, self.delete_action, self._open_action):
            item.setEnabled(chosen)

    def _update_list_page(self) -> None:
        rows = self.model.rowCount()
        if rows:
            self._list_pages.setCurrentWidget(self.table)
        elif self.model.searching:
            self.no_matches.text.setText(NO_MATCHES.format(
                text=html.escape(self.model.query.strip())))
            self._list_pages.setCurrentWidget(self.no_matches)
        else:
            self._list_pages.setCurrentWidget(self.empty_state)
        self.detail.setVisible(rows > 0)

    # --- the split -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  Qt's name
        if (event.type() == QEvent.Type.Resize and watched is self.splitter
                and not self._split_dragged):
            self._fit_split(self.splitter.width())
        return super().eventFilter(watched, event)

    def _fit_split(self, width: int) -> None:
        # Until the user drags it, the account pane takes a share of the width: its tabs hold
        # tables too, and a small window keeps a readable list.
        pane = max(self.detail.minimumWidth(), min(560, width * 45 // 100))
        self.splitter.setSizes([max(0, width - pane), pane])

    def _on_split_dragged(self, *_args: object) -> None:
        self._split_dragged = True
