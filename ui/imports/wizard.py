"""The import wizard: choose files, see what importing them would do, import, and read the
report, with "Undo This Import" there while the report is open (and Edit ▸ Undo after).

Reading and writing run in a worker with a progress bar and Cancel; nothing is written until
the user has seen the preview and said Import, and a refused record is named with its file
and line before anything is saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.services.imports_plan import (
    WRITES,
    ImportOptions,
    ImportPlan,
    ImportReport,
    OnDuplicate,
)
from app.services.registry import Services
from ui.errors import show_error
from ui.progress import Task
from ui.tasks import ReadPool, Writer

FILE_TYPES = ("Address books and calendars (*.vcf *.vcard *.csv *.ldif *.ics *.ical);;"
              "vCard (*.vcf *.vcard);;CSV (*.csv);;All files (*)")
ROWS_SHOWN = 1000  # lines of a preview or report table; the rest are counted
DUPLICATES = (("merge", "Merge them into the contact already here (keeps every value)"),
              ("skip", "Leave the contact already here as it is"),
              ("create", "Add them as new contacts anyway"))

PickFiles = Callable[[QWidget], list[str]]


def _native_pick(parent: QWidget) -> list[str]:
    paths, _filter = QFileDialog.getOpenFileNames(parent, "Import", "", FILE_TYPES)
    return paths


class ImportDialog(QDialog):
    """Signal `said(str)` with the report's one line, for the status bar."""

    said = Signal(str)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None, *, paths: Sequence[Path | str] = (),
                 region: str | None = None, pick_files: PickFiles = _native_pick):
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 520)
        self.services, self.reads, self.writer = services, reads, writer
        self._region, self._pick = region, pick_files
        self.plan: ImportPlan | None = None
        self.report: ImportReport | None = None
        self.task: Task | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._report_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        for path in paths:
            self.files.addItem(str(path))
        self._update_choose()

    # --- 1. the files and what to do with duplicates -----------------------------------------

    def _choose_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel("Choose vCard (.vcf) or CSV files exported from another address book. "
                       "You will see what importing them would do before anything is saved.")
        intro.setWordWrap(True)
        self.files = QListWidget()
        self.files.setObjectName("importFiles")
        add = QPushButton("Add Files…")
        add.clicked.connect(self._add_files)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove_file)
        self.files.currentRowChanged.connect(lambda _row: self._update_choose())
        side = QVBoxLayout()
        side.addWidget(add)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.files, 1)
        row.addLayout(side)
        question = QLabel("When a record is someone already in Rolodeck (the same e-mail "
                          "address, phone number, or name and company):")
        question.setWordWrap(True)
        self.duplicates = QButtonGroup(self)
        choices = QVBoxLayout()
        for n, (key, text) in enumerate(DUPLICATES):
            button = QRadioButton(text)
            button.setProperty("choice", key)
            button.setChecked(n == 0)
            self.duplicates.addButton(button, n)
            choices.addWidget(button)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setObjectName("primaryButton")
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.preview)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(row, 1)
        layout.addWidget(question)
        layout.addLayout(choices)
        layout.addLayout(_buttons(cancel, self.preview_button))
        return page

    def _add_files(self) -> None:
        for path in self._pick(self):
            if path and not self.files.findItems(path, Qt.MatchFlag.MatchExactly):
                self.files.addItem(path)
        self._update_choose()

    def _remove_file(self) -> None:
        row = self.files.currentRow()
        if row >= 0:
            self.files.takeItem(row)
        self._update_choose()

    def _update_choose(self) -> None:
        self.preview_button.setEnabled(self.files.count() > 0)
        self.remove_button.setEnabled(self.files.currentRow() >= 0)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def options(self) -> ImportOptions:
        n = self.duplicates.checkedId()
        choice: OnDuplicate = ("merge", "skip", "create")[n] if 0 <= n < 3 else "merge"
        return ImportOptions(on_duplicate=choice, region=self._region)

    def preview(self) -> None:
        """Read the files and work out what importing them would do; nothing is written."""
        imports, paths, options = self.services.imports, self.paths(), self.options()
        self.task = Task(self.writer, self, "Reading the files…",
                         lambda cancel, progress: imports.plan(paths, options, cancel=cancel,
                                                               progress=progress),
                         self._show_plan)

    # --- 2. what it would do ------------------------------------------------------------------

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.plan_summary = QLabel()
        self.plan_summary.setObjectName("importSummary")
        self.plan_summary.setWordWrap(True)
        self.plan_table = _table()
        self.good_only = QCheckBox()
        self.good_only.toggled.connect(lambda _on: self._update_import_button())
        back = QPushButton("Back")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("primaryButton")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.commit)
        layout = QVBoxLayout(page)
        layout.addWidget(self.plan_summary)
        layout.addWidget(self.plan_table, 1)
        layout.addWidget(self.good_only)
        layout.addLayout(_buttons(back, self.import_button))
        return page

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        c = plan.counts
        parts = [text for n, text in (
            (c.created, _n(c.created, "new contact")),
            (c.updated, f"{_n(c.updated, 'contact')} updated"),
            (c.merged, f"{_n(c.merged, 'record')} merged into contacts already here"),
            (c.unchanged, f"{_n(c.unchanged, 'contact')} already here as the file has them"),
            (c.skipped, f"{_n(c.skipped, 'duplicate')} left alone"),
            (len(plan.new_accounts), _n(len(plan.new_accounts), "new company", "new companies")),
        ) if n]
        text = ("Importing would bring in " + ", ".join(parts) + "." if parts
                else "There is nothing in these files to import.")
        if plan.refused:
            text += (f" {_n(plan.refused, 'record')} cannot be imported: the table says "
                     "which and why.")
        self.plan_summary.setText(text)
        rows = [(ln.where, ln.name, ln.reason or _SAID[ln.action.value])
                for ln in plan.lines if ln.action not in WRITES and ln.action.value != "unchanged"]
        rows += [(f.name, "", f"the file was not read: {f.error}") for f in plan.failed_files]
        rows += [(i.where, "", i.message) for i in plan.issues if not i.error]
        _fill(self.plan_table, rows)
        self.good_only.setVisible(bool(plan.refused) and plan.writes > 0)
        self.good_only.setChecked(False)
        self.good_only.setText(f"Import the {plan.writes:,} good records and leave the "
                               f"{plan.refused:,} that cannot be imported")
        self._update_import_button()
        self.pages.setCurrentIndex(1)

    def _update_import_button(self) -> None:
        plan = self.plan
        can = plan is not None and plan.writes > 0 and (
            not plan.refused or self.good_only.isChecked())
        self.import_button.setEnabled(bool(can))

    def commit(self) -> None:
        plan = self.plan
        if plan is None:
            return
        imports, good = self.services.imports, self.good_only.isChecked()
        self.task = Task(self.writer, self, "Importing…",
                         lambda cancel, progress: imports.commit(
                             plan, commit_good=good, cancel=cancel, progress=progress),
                         self._show_report, failed=self._commit_failed)

    def _commit_failed(self, error: BaseException) -> None:
        show_error(self, error)
        if isinstance(error, ValidationError):  # changed since the preview: read it again
            self.preview()

    # --- 3. what it did -----------------------------------------------------------------------

    def _report_page(self) -> QWidget:
        page = QWidget()
        self.report_summary = QLabel()
        self.report_summary.setObjectName("importSummary")
        self.report_summary.setWordWrap(True)
        self.report_table = _table()
        self.undo_button = QPushButton("Undo This Import")
        self.undo_button.clicked.connect(self.undo_import)
        close = QPushButton("Close")
        close.setObjectName("primaryButton")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.addWidget(self.report_summary)
        layout.addWidget(self.report_table, 1)
        layout.addLayout(_buttons(self.undo_button, close))
        return page

    def _show_report(self, report: ImportReport) -> None:
        self.report = report
        if report.committed:
            self.writer.bus.changed.emit(report.changes)  # every open view follows
        text = report.summary + "."
        if report.not_imported:
            text += f" Not imported: {len(report.not_imported):,} records, below with why."
        self.report_summary.setText(text)
        _fill(self.report_table, [(ln.where, ln.name, ln.reason)
                                  for ln in report.not_imported])
        self.undo_button.setVisible(report.committed and report.seq is not None)
        self.undo_button.setEnabled(True)
        self.said.emit(report.summary + ".")
        self.pages.setCurrentIndex(2)

    def undo_import(self) -> None:
        """Take the whole import back (the journal's revert of its unit)."""
        report = self.report
        if report is None or report.seq is None:
            return
        journal, seq = self.services.journal, report.seq
        self.undo_button.setEnabled(False)

        def undone(_changes) -> None:
            self.report_summary.setText("The import was undone: everything it added is gone "
                                        "and what it changed is as it was.")
            self.said.emit("The import was undone.")

        self.writer.run(lambda: journal.revert(seq), undone)


_SAID = {"skip": "left alone: already in Rolodeck", "refuse": "cannot be imported"}


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def _table() -> QTableWidget:
    table = QTableWidget(0, 3)
    table.setHorizontalHeaderLabels(["Where", "Record", "What"])
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, str, str]]) -> None:
    shown = rows[:ROWS_SHOWN]
    extra = len(rows) - len(shown)
    table.setRowCount(len(shown) + (1 if extra else 0))
    for r, cells in enumerate(shown):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    if extra:
        table.setItem(len(shown), 0, QTableWidgetItem(f"and {extra:,} more"))
    table.setVisible(bool(rows))


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row
