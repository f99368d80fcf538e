"""The import wizard: choose files (each is said to be what it is as it is added), say what
the columns of a CSV file hold when it is no known export, see what importing them would
do, import, and read the report, with "Undo This Import" there while the report is open
(and Edit ▸ Undo after). The columns chosen for a CSV file are remembered under its column
names and come up again for the next file with the same ones.

Reading and writing run in a worker with a progress bar and Cancel; nothing is written until
the user has seen the preview and said Import, and a refused record is named with its file
and line before anything is saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.services.imports_mapping import ColumnMapping, FileInfo, inspect_file
from app.services.imports_plan import (
    WRITES,
    ImportOptions,
    ImportPlan,
    ImportReport,
    OnDuplicate,
)
from app.services.registry import Services
from ui.errors import show_error
from ui.imports.common import alive, buttons, fill, n_of, table
from ui.imports.mapping import MappingPage
from ui.imports.memory import ColumnChoices, SavedColumns
from ui.progress import Task
from ui.tasks import ReadPool, Writer

FILE_TYPES = ("Address books and calendars (*.vcf *.vcard *.csv *.ldif *.ics *.ical *.vcs);;"
              "vCard (*.vcf *.vcard);;CSV (*.csv);;LDIF (*.ldif);;"
              "Calendars (*.ics *.ical *.vcs);;All files (*)")
DUPLICATES = (("merge", "Merge them into the contact already here (keeps every value)"),
              ("skip", "Leave the contact already here as it is"),
              ("create", "Add them as new contacts anyway"))

PickFiles = Callable[[QWidget], list[str]]


def _native_pick(parent: QWidget) -> list[str]:
    paths, _filter = QFileDialog.getOpenFileNames(parent, "Import", "", FILE_TYPES)
    return paths


def _settings_of(parent: QWidget | None) -> QSettings | None:
    """The settings the window keeps the user's preferences in (MainWindow.prefs): in a
    test or a screenshot that window's are a file of its own, never the user's."""
    prefs = getattr(parent, "prefs", None)
    settings = getattr(prefs, "settings", None)
    return settings if isinstance(settings, QSettings) else None


def _blank_icon() -> QIcon:
    """Room for the warning a file without one does not have, so the names line up."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


class ImportDialog(QDialog):
    """Signal `said(str)` with the report's one line, for the status bar. `settings` keep the
    CSV columns chosen (by default the parent window's preferences; with neither, they are
    kept only while the dialog is open)."""

    said = Signal(str)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None, *, paths: Sequence[Path | str] = (),
                 region: str | None = None, pick_files: PickFiles = _native_pick,
                 settings: QSettings | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 560)
        self.services, self.reads, self.writer = services, reads, writer
        self._region, self._pick = region, pick_files
        self.choices = ColumnChoices(
            SavedColumns(settings if settings is not None else _settings_of(parent)))
        self.plan: ImportPlan | None = None
        self.report: ImportReport | None = None
        self.task: Task | None = None
        self.info: dict[str, FileInfo] = {}  # what each chosen file is, once looked at
        self._looking: set[str] = set()  # files being looked at
        self._then_preview = False  # preview once every file has been looked at
        self._queue: list[str] = []  # files whose columns are being asked for
        self._at = 0  # the one asked now
        self._queue_then_preview = False
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._report_page())
        self.mapping_page = MappingPage(reads)
        self.mapping_page.back.connect(self._mapping_back)
        self.mapping_page.chosen.connect(self._mapping_chosen)
        self.pages.addWidget(self.mapping_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        for path in paths:
            self._add(str(path))
        self._update_choose()

    # --- 1. the files and what to do with duplicates -----------------------------------------

    def _choose_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel("Choose vCard (.vcf), CSV or LDIF (.ldif) files exported from another "
                       "address book, or calendars (.ics). You will see what importing them "
                       "would do before anything is saved.")
        intro.setWordWrap(True)
        self.files = QListWidget()
        self.files.setObjectName("importFiles")
        self.files.setWordWrap(True)  # a file's line says what it is: all of it shows
        self.files.setIconSize(QSize(16, 16))
        self.files.setSpacing(2)
        self.files.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        add = QPushButton("&Add Files…")
        add.clicked.connect(self._add_files)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self._remove_file)
        self.columns_button = QPushButton("Change &Columns…")
        self.columns_button.setToolTip("Choose what each column of the selected CSV file holds")
        self.columns_button.clicked.connect(self.change_columns)
        self.files.currentRowChanged.connect(lambda _row: self._update_choose())
        self.files.itemActivated.connect(lambda _item: self.change_columns())
        side = QVBoxLayout()
        side.addWidget(add)
        side.addWidget(self.remove_button)
        side.addWidget(self.columns_button)
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
        self.past_history = QCheckBox("&Log events that have already happened as history")
        self.past_history.setToolTip("Calendar events that ended before today become "
                                     "meetings and calls in History; later ones are "
                                     "scheduled as activities")
        self.past_history.setChecked(True)
        self.past_history.setVisible(False)
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
        layout.addWidget(self.past_history)
        layout.addLayout(buttons(cancel, self.preview_button))
        return page

    def _add_files(self) -> None:
        for path in self._pick(self):
            if path:
                self._add(path)
        self._update_choose()

    def _add(self, path: str) -> None:
        key = str(Path(path))
        if key in self.info or key in self._looking:
            return
        item = QListWidgetItem(f"{Path(key).name or key} — looking at it…")
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setToolTip(key)
        self.files.addItem(item)
        self._looking.add(key)
        self.reads.run(lambda: inspect_file(key), lambda info: self._looked_at(key, info),
                       lambda error: self._looked_at(key, FileInfo(
                           Path(key), Path(key).name, None, f"cannot be read: {error}",
                           str(error))))

    def _looked_at(self, key: str, info: FileInfo) -> None:
        if not alive(self) or key not in self._looking:  # closed, or removed meanwhile
            return
        self._looking.discard(key)
        self.info[key] = info
        self._show_file(key)
        self._update_choose()
        if self._then_preview and not self._looking:
            self.preview()

    def _item(self, key: str) -> QListWidgetItem | None:
        for i in range(self.files.count()):
            item = self.files.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                return item
        return None

    def _show_file(self, key: str) -> None:
        item, info = self._item(key), self.info.get(key)
        if item is None or info is None:
            return
        text = info.line + self.choices.status(key, info)
        if info.problem and info.problem not in text:
            text += f": {info.problem}"
        item.setText(text)
        item.setToolTip("\n".join([key] + ([info.problem] if info.problem else [])))
        item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                     if info.problem else _blank_icon())

    def _remove_file(self) -> None:
        row = self.files.currentRow()
        if row >= 0:
            item = self.files.takeItem(row)
            key = item.data(Qt.ItemDataRole.UserRole)
            self._looking.discard(key)
            self.info.pop(key, None)
            self.choices.drop(key)
        self._update_choose()
        if self._then_preview and not self._looking:  # the file waited for is gone
            self._then_preview = False
            if self.files.count():
                self.preview()

    def _update_choose(self) -> None:
        asks = any(self._needs_columns(key) for key in self._keys())
        self.preview_button.setText("&Next" if asks else "&Preview")
        self.preview_button.setEnabled(self.files.count() > 0)
        self.remove_button.setEnabled(self.files.currentRow() >= 0)
        self.columns_button.setEnabled(self._csv_at(self.files.currentRow()) is not None)
        self.past_history.setVisible(any(i.format == "ics" for i in self.info.values()))

    def _keys(self) -> list[str]:
        return [self.files.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.files.count())]

    def _csv_at(self, row: int) -> str | None:
        """The file at `row` when it is a CSV file whose columns can be chosen."""
        if row < 0 or row >= self.files.count():
            return None
        key = self.files.item(row).data(Qt.ItemDataRole.UserRole)
        info = self.info.get(key)
        ok = info is not None and info.csv is not None and info.csv.error is None
        return key if ok else None

    def _needs_columns(self, key: str) -> bool:
        info = self.info.get(key)
        return info is not None and self.choices.needs_step(key, info)

    def paths(self) -> list[Path]:
        return [Path(key) for key in self._keys()]

    def options(self) -> ImportOptions:
        n = self.duplicates.checkedId()
        choice: OnDuplicate = ("merge", "skip", "create")[n] if 0 <= n < 3 else "merge"
        mappings: dict[str, ColumnMapping] = {}
        for key in self._keys():
            mapping = self.choices.for_import(key, self.info.get(key))
            if mapping is not None:
                mappings[key] = mapping
        return ImportOptions(on_duplicate=choice, region=self._region, csv_mappings=mappings,
                             past_as_history=self.past_history.isChecked())

    def preview(self) -> None:
        """Ask what the columns of each CSV file that is no known export hold, then read the
        files and work out what importing them would do; nothing is written."""
        if self._looking:  # the files are still being looked at: go on when they are
            self._then_preview = True
            self.preview_button.setEnabled(False)
            return
        self._then_preview = False
        todo = [key for key in self._keys() if self._needs_columns(key)]
        if todo:
            self._ask_columns(todo, then_preview=True)
            return
        imports, paths, options = self.services.imports, self.paths(), self.options()
        self.task = Task(self.writer, self, "Reading the files…",
                         lambda cancel, progress: imports.plan(paths, options, cancel=cancel,
                                                               progress=progress),
                         self._show_plan)

    # --- 1b. what the columns of a CSV file hold ------------------------------------------

    def change_columns(self) -> None:
        """The column step for the selected CSV file, known export or not."""
        key = self._csv_at(self.files.currentRow())
        if key is not None:
            self._ask_columns([key], then_preview=False)

    def _ask_columns(self, keys: list[str], then_preview: bool) -> None:
        self._queue, self._at, self._queue_then_preview = list(keys), 0, then_preview
        self._show_columns()

    def _show_columns(self) -> None:
        key = self._queue[self._at]
        info = self.info[key]
        found = info.csv
        assert found is not None
        mapping, note = self.choices.for_step(key, info)
        count = len(self._queue)
        step = f" (file {self._at + 1:,} of {count:,})" if count > 1 else ""
        last = self._at == count - 1
        go_on = "&Next" if not last else ("&Preview" if self._queue_then_preview else "&Done")
        self.mapping_page.load(
            Path(key), found, mapping, go_on=go_on, note=note,
            title=f"What do the columns of {info.name} hold?{step}",
            about=f"{info.detail}. The preview below shows the first rows as they will be "
                  "imported.")
        self.pages.setCurrentWidget(self.mapping_page)

    def _mapping_chosen(self, mapping: ColumnMapping) -> None:
        key = self._queue[self._at]
        self.choices.take(key, self.info[key], mapping)
        self._show_file(key)
        self._update_choose()
        self._at += 1
        if self._at < len(self._queue):
            self._show_columns()
            return
        self._queue = []
        self.pages.setCurrentIndex(0)
        if self._queue_then_preview:
            self.preview()

    def _mapping_back(self) -> None:
        self._queue = []
        self.pages.setCurrentIndex(0)

    # --- 2. what it would do ------------------------------------------------------------------

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.plan_summary = QLabel()
        self.plan_summary.setObjectName("importSummary")
        self.plan_summary.setWordWrap(True)
        self.plan_table = table(("Where", "Record", "What"))
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
        layout.addStretch()  # with nothing to list (no table), the summary stays at the top
        layout.addLayout(buttons(back, self.import_button))
        return page

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        c = plan.counts
        parts = [text for n, text in (
            (c.created, n_of(c.created, "new contact")),
            (c.updated, f"{n_of(c.updated, 'contact')} updated"),
            (c.merged, f"{n_of(c.merged, 'record')} merged into contacts already here"),
            (c.unchanged, f"{n_of(c.unchanged, 'contact')} already here as the file has them"),
            (c.skipped, f"{n_of(c.skipped, 'duplicate')} left alone"),
            (len(plan.new_accounts), n_of(len(plan.new_accounts), "new company", "new companies")),
        ) if n]
        e = plan.events
        made = e.created - plan.logged
        parts += [text for n, text in (
            (made, n_of(made, "new activity", "new activities")),
            (plan.logged, f"{n_of(plan.logged, 'past event')} logged as history"),
            (e.updated, f"{n_of(e.updated, 'event')} updated"),
            (e.unchanged, f"{n_of(e.unchanged, 'event')} already here as the file has them"),
            (e.skipped, f"{n_of(e.skipped, 'event')} left out"),
        ) if n]
        text = ("Importing would bring in " + ", ".join(parts) + "." if parts
                else "There is nothing in these files to import.")
        if plan.refused:
            text += (f" {n_of(plan.refused, 'record')} cannot be imported: the table says "
                     "which and why.")
        self.plan_summary.setText(text)
        rows = [(ln.where, ln.name, ln.reason or _SAID[ln.action.value])
                for ln in plan.lines if ln.action not in WRITES and ln.action.value != "unchanged"]
        rows += [(f.name, "", f"the file was not read: {f.error}") for f in plan.failed_files]
        rows += [(i.where, "", i.message) for i in plan.issues if not i.error]
        fill(self.plan_table, rows)
        self.good_only.setVisible(bool(plan.refused) and plan.writes + plan.event_writes > 0)
        self.good_only.setChecked(False)
        good = plan.writes + plan.event_writes
        self.good_only.setText(f"Import the {good:,} good records and leave the "
                               f"{plan.refused:,} that cannot be imported")
        self._update_import_button()
        self.pages.setCurrentIndex(1)

    def _update_import_button(self) -> None:
        plan = self.plan
        can = plan is not None and plan.writes + plan.event_writes > 0 and (
            not plan.refused or self.good_only.isChecked())
        self.import_button.setEnabled(bool(can))

    def commit(self) -> None:
        plan = self.plan
        if plan is None:
            return
        imports, good = self.services.imports, self.good_only.isChecked()
        self.choices.keep({key: self.info[key] for key in self._keys() if key in self.info})
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
        self.report_table = table(("Where", "Record", "What"))
        self.undo_button = QPushButton("Undo This Import")
        self.undo_button.clicked.connect(self.undo_import)
        close = QPushButton("Close")
        close.setObjectName("primaryButton")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.addWidget(self.report_summary)
        layout.addWidget(self.report_table, 1)
        layout.addLayout(buttons(self.undo_button, close))
        return page

    def _show_report(self, report: ImportReport) -> None:
        self.report = report
        if report.committed:
            self.writer.bus.changed.emit(report.changes)  # every open view follows
        text = report.summary + "."
        if report.not_imported:
            text += f" Not imported: {len(report.not_imported):,} records, below with why."
        self.report_summary.setText(text)
        fill(self.report_table, [(ln.where, ln.name, ln.reason)
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
