"""Scan for Duplicates: the whole address book compared in a worker (a progress bar and
Cancel), then the pairs that look like one person, most certain first, each with why in
words. Merge… opens the two side by side; Not a Duplicate puts a pair away for good (with
an Undo while the dialog is open); after either the list follows without a new scan."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.duplicates import (
    DuplicatePair,
    DuplicateReport,
    DuplicateService,
    Side,
    follow_merge,
)
from app.services.registry import Services
from ui.contacts.form_bits import Note, quiet_button
from ui.duplicates.merge import MergeDialog
from ui.progress import Task
from ui.tasks import ReadPool, Writer

COLUMNS = ("Sure", "This record", "That record", "Why")
HOW = ("Rolodeck compares e-mail addresses, phone numbers, and names of people at the same "
       "company. Contacts in the Trash are not compared.")
Index = QModelIndex | QPersistentModelIndex


def _who(side: Side) -> str:
    return f"{side.name} ({side.company})" if side.company else side.name


class PairsModel(QAbstractTableModel):
    """The pairs a scan found, one row each."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.pairs: list[DuplicatePair] = []

    def set_pairs(self, pairs: list[DuplicatePair]) -> None:
        self.beginResetModel()
        self.pairs = list(pairs)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.pairs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802  Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.pairs):
            return None
        pair, col = self.pairs[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (f"{pair.certainty}%", _who(pair.first), _who(pair.second), pair.why)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DuplicatesDialog(QDialog):
    """Signal `said(str)` with one line for the status bar after a merge."""

    said = Signal(str)

    def __init__(self, services: Services, writer: Writer, parent: QWidget | None = None, *,
                 reads: ReadPool | None = None, region: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Scan for Duplicates")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setSizeGripEnabled(True)
        self.resize(860, 520)
        self.services, self.writer, self.reads = services, writer, reads
        self.duplicates = DuplicateService(services.db, region)
        self.report: DuplicateReport | None = None
        self.task: Task | None = None
        self.merge_dialog: MergeDialog | None = None
        self._put_away: tuple[int, DuplicatePair] | None = None  # the last dismissed

        self.summary = QLabel("Looking for contacts that are one person twice…")
        self.summary.setObjectName("duplicatesSummary")
        self.summary.setWordWrap(True)
        self.model = PairsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 230)
        header.resizeSection(2, 230)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.merge_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.empty_note = Note(HOW)
        self.status = Note()
        self.undo_button = quiet_button("&Undo")
        self.undo_button.setToolTip("Show that pair again, and in later scans")
        self.undo_button.clicked.connect(self.undo_dismiss)
        self.undo_button.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.undo_button)

        self.rescan_button = quiet_button("Scan &Again")
        self.rescan_button.setToolTip("Compare every contact again (F5)")
        self.rescan_button.clicked.connect(self.scan)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.scan)
        self.dismiss_button = quiet_button("&Not a Duplicate")
        self.dismiss_button.setToolTip("These are two people: leave them out of this and "
                                       "later scans (Delete)")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        dismiss_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        dismiss_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        dismiss_key.activated.connect(self.dismiss_selected)
        close = quiet_button("Close")
        close.setToolTip("Esc")
        close.clicked.connect(self.reject)
        self.merge_button = quiet_button("&Merge…")
        self.merge_button.setObjectName("primaryButton")
        self.merge_button.setToolTip("See both side by side and merge them (Enter)")
        self.merge_button.setDefault(True)
        self.merge_button.setAutoDefault(True)
        self.merge_button.clicked.connect(self.merge_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rescan_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_note)
        layout.addStretch(0)
        layout.addLayout(status_row)
        layout.addLayout(buttons)
        self._show_state()

    # --- the scan -------------------------------------------------------------------------

    def scan(self) -> None:
        """Compare the whole address book (in a worker; Cancel stops it)."""
        if self.task is not None and not self.task.finished:
            return
        duplicates = self.duplicates
        self.rescan_button.setEnabled(False)
        self.summary.setText("Looking for contacts that are one person twice…")
        self.task = Task(self.writer, self, "Comparing every contact…",
                         lambda cancel, progress: duplicates.scan(cancel, progress),
                         self.show_report, cancelled=self._cancelled,
                         failed=self._failed)

    def _cancelled(self) -> None:
        self.rescan_button.setEnabled(True)
        if self.report is None:
            self.summary.setText("The scan was cancelled before it finished. Scan Again "
                                 "compares every contact.")
        self._show_state()

    def _failed(self, error: BaseException) -> None:
        from ui.errors import show_error

        self._cancelled()
        show_error(self, error)

    def show_report(self, report: DuplicateReport) -> None:
        self.report = report
        self.rescan_button.setEnabled(True)
        self.model.set_pairs(report.pairs)
        self._say_status("")
        self._show_state()
        if report.pairs:
            self.table.selectRow(0)
            self.table.setFocus()

    def _show_state(self) -> None:
        report, n = self.report, self.model.rowCount()
        if report is not None:
            people = f"{report.contacts:,} contact{'' if report.contacts == 1 else 's'}"
            if n:
                self.summary.setText(
                    f"{n:,} likely duplicate pair{'' if n == 1 else 's'} among {people}, "
                    "most certain first. Merge… shows both side by side.")
            else:
                self.summary.setText(f"No likely duplicates among {people}.")
            hidden = report.dismissed
            left_out = ("" if not hidden else " 1 pair you marked as not a duplicate is left "
                        "out." if hidden == 1 else f" {hidden:,} pairs you marked as not "
                        "duplicates are left out.")
            self.empty_note.setText(HOW + left_out)
        self.table.setVisible(n > 0)
        self.empty_note.setVisible(report is not None and n == 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.merge_button.setEnabled(chosen)
        self.dismiss_button.setEnabled(chosen)

    def selected(self) -> DuplicatePair | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self.model.pairs[row] if 0 <= row < self.model.rowCount() else None

    def _say_status(self, text: str, *, undo: bool = False) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.undo_button.setVisible(undo)

    # --- merge ----------------------------------------------------------------------------

    def merge_selected(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        dialog = MergeDialog(self.services, self.writer, pair.first.id, pair.second.id, self,
                             reads=self.reads, reasons=pair.reasons)
        dialog.merged.connect(self._merged)
        dialog.said.connect(self.said)
        dialog.said.connect(lambda text: self._say_status(text))
        self.merge_dialog = dialog
        dialog.open()

    def _merged(self, kept_id: int, gone_id: int, name: str) -> None:
        row = self.table.currentIndex().row()
        pairs = self.model.pairs
        company = next((s.company for p in pairs for s in (p.first, p.second)
                        if s.id == kept_id), "")
        self.model.set_pairs(follow_merge(pairs, Side(kept_id, name, company), gone_id))
        if self.report is not None:  # one contact fewer: the other is in the Trash
            self.report = replace(self.report, contacts=max(0, self.report.contacts - 1))
        self._after_change(row)

    def _after_change(self, row: int) -> None:
        self._show_state()
        n = self.model.rowCount()
        if n:
            self.table.selectRow(min(max(row, 0), n - 1))
            self.table.setFocus()

    # --- not a duplicate ------------------------------------------------------------------

    def dismiss_selected(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        row = self.model.pairs.index(pair)
        duplicates = self.duplicates
        a, b = pair.ids

        def done(_result: object) -> None:
            pairs = [p for p in self.model.pairs if p is not pair]
            self.model.set_pairs(pairs)
            self._put_away = (row, pair)
            self._count_dismissed(1)
            self._say_status(f"{pair.first.name} and {pair.second.name} will not be suggested "
                             "again.", undo=True)
            self._after_change(row)

        self.writer.run(lambda: duplicates.dismiss(a, b), done)

    def _count_dismissed(self, more: int) -> None:
        if self.report is not None:
            self.report = replace(self.report, dismissed=max(0, self.report.dismissed + more))

    def undo_dismiss(self) -> None:
        if self._put_away is None:
            return
        row, pair = self._put_away
        self._put_away = None
        duplicates = self.duplicates
        a, b = pair.ids

        def done(_result: object) -> None:
            pairs = list(self.model.pairs)
            pairs.insert(min(row, len(pairs)), pair)
            self.model.set_pairs(pairs)
            self._count_dismissed(-1)
            self._say_status(f"{pair.first.name} and {pair.second.name} are back in the list.")
            self._after_change(row)

        self.writer.run(lambda: duplicates.undismiss(a, b), done)
