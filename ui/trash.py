"""The Trash: contacts deleted from the list wait here until they are restored or deleted for
good. Both are writes like any other (on the writer thread, journaled), so Ctrl+Z takes either
back, an emptied trash included."""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet
from app.services.registry import Services
from ui.contacts.table_model import ContactTableModel, selected_ids
from ui.fast_delegate import FastTextDelegate
from ui.tasks import ReadPool, Writer

EMPTY_TRASH = ("<h2>The Trash is empty</h2>"
               "<p>Contacts you delete wait here until you restore them or delete them for "
               "good.</p>")
NO_MATCHES = "<h2>Nothing in the Trash matches “{text}”</h2>"


class TrashPage(QWidget):
    """The trashed contacts, searchable, with Restore, Delete for Good and Empty Trash."""

    counted = Signal(str)  # the status bar's count for this page
    said = Signal(str)  # what a restore or delete did, for the status bar

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.reads, self.writer = services, reads, writer
        self.model = ContactTableModel(services.directory, self, run_query=reads.run,
                                       trash=True)
        self._successor: int | None = None

        self.search_field = QLineEdit()
        self.search_field.setObjectName("trashSearch")
        self.search_field.setPlaceholderText("Search the Trash by name, company or e-mail…")
        self.search_field.setClearButtonEnabled(True)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(150)
        timer.timeout.connect(lambda: self.model.set_query(self.search_field.text()))
        self.search_field.textChanged.connect(timer.start)

        self.restore_button = QPushButton("Restore")
        self.purge_button = QPushButton("Delete for Good")
        self.empty_button = QPushButton("Empty Trash…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button.clicked.connect(self.purge_selected)
        self.empty_button.clicked.connect(self.empty)

        self.table = QTableView()
        self.table.setObjectName("trashTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(FastTextDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(False)  # the trash lists in name order only
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # The trash is read, not arranged: its columns share the width, no sideways scroll.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        self.restore_action = QAction("&Restore", self)
        self.restore_action.setShortcut(QKeySequence("Ctrl+R"))
        self.restore_action.triggered.connect(self.restore_selected)
        self.purge_action = QAction("Delete for &Good", self)
        self.purge_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete),
                                        QKeySequence("Shift+Del")])
        self.purge_action.triggered.connect(self.purge_selected)
        for action in (self.restore_action, self.purge_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)

        self.empty_state = QLabel()
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.empty_state.setTextFormat(Qt.TextFormat.RichText)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty_state)

        bar = QHBoxLayout()
        bar.setContentsMargins(12, 10, 12, 10)
        bar.addWidget(self.search_field, 1)
        for button in (self.restore_button, self.purge_button, self.empty_button):
            bar.addWidget(button)
        top = QWidget()
        top.setObjectName("searchBar")
        top.setLayout(bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.pages, 1)

        self.model.modelReset.connect(self._on_reset)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def load(self) -> None:
        """Read the trash (the page reads nothing until it is first shown)."""
        if not self.model.loaded:
            self.model.refresh()

    def apply_changes(self, changes: ChangeSet) -> None:
        if self.model.loaded:
            self.model.apply_changes(changes)

    def selected_ids(self) -> list[int]:
        return selected_ids(self.table)

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._write(ids, self.services.contacts.restore, "Restored")

    def purge_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._write(ids, self.services.contacts.purge, "Deleted for good:")

    def empty(self) -> None:
        count = self.model.rowCount() if not self.model.searching else None
        if count == 0:
            return
        what = f"all {count:,} contacts" if count is not None else "every contact"
        answer = QMessageBox.question(
            self, "Empty the Trash",
            f"Delete {what} in the Trash for good?\n\nEdit ▸ Undo can still bring them back "
            "until the change history is trimmed.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Discard:
            return
        directory, contacts = self.services.directory, self.services.contacts

        def purge_all() -> ChangeSet:
            return contacts.purge(directory.contact_ids(trash=True))
        self.writer.run(purge_all, lambda _c: self.said.emit(
            "Emptied the Trash. Ctrl+Z undoes it."))

    def _write(self, ids: list[int], op, said: str) -> None:
        what = self.model.named(ids)
        self._successor = self.model.neighbour(set(ids))
        self.writer.run(lambda: op(ids), lambda _c: self.said.emit(
            f"{said} {what}. Ctrl+Z undoes it."))

    def _on_reset(self) -> None:
        rows, text = self.model.rowCount(), self.model.query.strip()
        if rows:
            self.pages.setCurrentWidget(self.table)
        else:
            self.empty_state.setText(NO_MATCHES.format(text=html.escape(text)) if text
                                     else EMPTY_TRASH)
            self.pages.setCurrentWidget(self.empty_state)
        row = self.model.row_of(self._successor) if self._successor is not None else None
        self._successor = None
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._update_buttons()
        self.counted.emit(self.count_text())

    def count_text(self) -> str:
        rows = self.model.rowCount()
        if self.model.searching:
            return f"{rows:,} in the Trash match “{self.model.query.strip()}”"
        return f"{rows:,} {'contact' if rows == 1 else 'contacts'} in the Trash" if rows \
            else "The Trash is empty"

    def _update_buttons(self, *_args) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        for widget in (self.restore_button, self.purge_button, self.restore_action,
                       self.purge_action):
            widget.setEnabled(chosen)
        self.empty_button.setEnabled(self.model.rowCount() > 0)
