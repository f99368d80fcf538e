"""The import wizard's column step: for a CSV file that is no known export (or one whose
columns the user wants to change), one row per column with its name, two of its values and
what it fills, and under it the first contacts as they would be imported, redrawn a moment
after each change.

The preview is read in the read pool (it reads only the head of the file) and an answer to
an older choice is dropped, so quick changes never show a stale table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.imports_mapping import (
    KEEP,
    ColumnMapping,
    CsvInspection,
    PreviewRow,
    label_of,
    missing,
    preview,
    target_choices,
)
from ui.imports.common import alive, n_of, table
from ui.tasks import ReadPool

DEBOUNCE_MS = 250
PREVIEW_ROWS = 10
_NAME, _SAMPLES, _HOLDS = range(3)
PREVIEW_HEADERS = ("Line", "Name", "Company", "E-mail", "Phone", "Also")


class MappingPage(QWidget):
    """`back()` when the user goes back; `chosen(ColumnMapping)` when they go on;
    `previewed()` each time the preview table shows the current choice."""

    back = Signal()
    chosen = Signal(object)
    previewed = Signal()

    def __init__(self, reads: ReadPool, parent: QWidget | None = None):
        super().__init__(parent)
        self.reads = reads
        self.path: Path | None = None
        self.inspection: CsvInspection | None = None
        self._suggested = ColumnMapping()
        self._generation = 0
        self.combos: list[QComboBox] = []
        self._choices = target_choices()

        self.title = QLabel()
        self.title.setObjectName("importSummary")
        self.title.setWordWrap(True)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("quietText")
        self.note.setWordWrap(True)
        self.columns = QTableWidget(0, 3)
        self.columns.setObjectName("importColumns")
        self.columns.setHorizontalHeaderLabels(["Column", "Sample values", "Holds"])
        self.columns.verticalHeader().hide()
        self.columns.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.columns.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.columns.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Tab goes from one combo to the next (they are made in row order), not cell to cell.
        self.columns.setTabKeyNavigation(False)
        self.columns.setWordWrap(False)
        header = self.columns.horizontalHeader()
        header.setSectionResizeMode(_NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(_SAMPLES, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_HOLDS, QHeaderView.ResizeMode.Fixed)
        self.columns.setColumnWidth(_NAME, 170)
        self.columns.setColumnWidth(_HOLDS, 240)
        self.has_header = QCheckBox("&First row holds column names")
        self.has_header.toggled.connect(self._header_toggled)
        self.day_first = QCheckBox("&Dates are day first (03/04/1990 is 3 April)")
        self.day_first.toggled.connect(lambda _on: self._changed())
        self.reset_button = QPushButton("&Suggested Columns")
        self.reset_button.setToolTip("Choose again what Rolodeck suggests for these columns")
        self.reset_button.clicked.connect(self.reset)
        checks = QHBoxLayout()
        checks.addWidget(self.has_header)
        checks.addWidget(self.day_first)
        checks.addStretch(1)
        checks.addWidget(self.reset_button)

        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_table = table(PREVIEW_HEADERS, fit=1)
        self.preview_table.setObjectName("importColumnsPreview")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.preview_label)
        lower_layout.addWidget(self.preview_table, 1)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.columns, 1)
        upper_layout.addLayout(checks)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.reason = QLabel()
        self.reason.setObjectName("quietText")
        self.reason.setWordWrap(True)
        back = QPushButton("&Back")
        back.clicked.connect(self.back)
        self.next_button = QPushButton("&Next")
        self.next_button.setObjectName("primaryButton")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._go_on)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reason, 1)
        bottom.addWidget(back)
        bottom.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.about)
        layout.addWidget(self.note)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._read_preview)

    # --- what is shown --------------------------------------------------------------------

    def load(self, path: Path, inspection: CsvInspection, mapping: ColumnMapping, *,
             title: str, about: str = "", note: str = "", go_on: str = "&Next") -> None:
        """Show the columns of `inspection` (the file at `path`) with `mapping` chosen."""
        self.path, self.inspection = path, inspection
        self._suggested = inspection.suggested or ColumnMapping()
        self.title.setText(title)
        self.about.setText(about)
        self.about.setVisible(bool(about))
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.next_button.setText(go_on)
        width = max(inspection.width, max(mapping.columns, default=-1) + 1)
        self.columns.setRowCount(width)
        self.combos = []
        for i in range(width):
            combo = self._combo()
            self.columns.setCellWidget(i, _HOLDS, combo)
            self.combos.append(combo)
        # Reading order: down the combos, then the check boxes under them.
        for before, after in zip(self.combos, [*self.combos[1:], self.has_header], strict=True):
            QWidget.setTabOrder(before, after)
        self._apply(mapping)
        self.columns.scrollToTop()
        if self.combos:
            self.combos[0].setFocus()

    def _combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for target, label in self._choices:
            combo.addItem(label, target)
        combo.setMaxVisibleItems(20)
        combo.installEventFilter(self)
        combo.currentIndexChanged.connect(lambda _i: self._changed())
        return combo

    def _apply(self, mapping: ColumnMapping) -> None:
        """Set every combo, and the check boxes, to what `mapping` says."""
        for i, combo in enumerate(self.combos):
            target = mapping.columns.get(i, KEEP)
            at = combo.findData(target)
            if at < 0:  # a known export's own target (Google's "E-mail 1 - Value")
                combo.insertItem(0, label_of(target), target)
                at = 0
            combo.blockSignals(True)
            combo.setCurrentIndex(at)
            combo.blockSignals(False)
        for box, on in ((self.has_header, mapping.has_header),
                        (self.day_first, mapping.day_first)):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self._show_names()
        self._changed(at_once=True)

    def _show_names(self) -> None:
        found = self.inspection
        if found is None:
            return
        has_header = self.has_header.isChecked()
        for i in range(len(self.combos)):
            name = found.column_name(i, has_header)
            samples = found.samples(i, has_header)
            shown = " · ".join(s if len(s) <= 40 else s[:39] + "…" for s in samples)
            for column, text in ((_NAME, name), (_SAMPLES, shown or "(empty)")):
                item = QTableWidgetItem(text)
                item.setToolTip("\n".join(samples) if column == _SAMPLES else name)
                if column == _SAMPLES and not samples:
                    item.setForeground(self.palette().placeholderText())
                self.columns.setItem(i, column, item)
        self.columns.resizeColumnToContents(_NAME)
        self.columns.setColumnWidth(_NAME, min(max(self.columns.columnWidth(_NAME), 110), 220))

    def mapping(self) -> ColumnMapping:
        """What the combos and check boxes say now. A column kept as an extra field is left
        out: a column the mapping does not name is kept so."""
        columns = {i: target for i, combo in enumerate(self.combos)
                   if (target := combo.currentData()) != KEEP}
        return ColumnMapping(columns, self.has_header.isChecked(), self.day_first.isChecked())

    def reset(self) -> None:
        self._apply(self._suggested)

    def target(self, column: int) -> str:
        return str(self.combos[column].currentData())

    def choose(self, column: int, target: str) -> None:
        """Set what a column fills, as the user picking it in its combo does."""
        combo = self.combos[column]
        at = combo.findData(target)
        if at < 0:
            combo.insertItem(0, label_of(target), target)
            at = 0
        combo.setCurrentIndex(at)

    # --- reacting to changes --------------------------------------------------------------

    def _header_toggled(self, _on: bool) -> None:
        self._show_names()
        self._changed()

    def _changed(self, at_once: bool = False) -> None:
        reason = missing(self.mapping())
        self.reason.setText(reason or "")
        self.next_button.setEnabled(reason is None)
        self._generation += 1  # an answer on its way is about an older choice now
        if at_once:
            self._timer.stop()
            self._read_preview()
        else:
            self._timer.start()

    def _read_preview(self) -> None:
        path = self.path
        if path is None:
            return
        self._generation += 1
        generation, mapping = self._generation, self.mapping()
        self.preview_label.setText("Reading the first rows…")
        self.reads.run(lambda: preview(path, mapping, PREVIEW_ROWS),
                       lambda rows: self._show_preview(generation, rows),
                       lambda error: self._show_preview(generation, [
                           PreviewRow(None, problem=f"The preview could not be read: {error}")]))

    def _show_preview(self, generation: int, rows: list[PreviewRow]) -> None:
        if not alive(self) or generation != self._generation:
            return
        view = self.preview_table
        view.clearSpans()
        view.setRowCount(len(rows))
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for r, row in enumerate(rows):
            view.setItem(r, 0, _item(f"{row.line:,}" if row.line is not None else ""))
            if row.problem is not None:
                item = _item(f"Not imported: {row.problem}")
                item.setIcon(warning)
                view.setItem(r, 1, item)
                for c in range(2, len(PREVIEW_HEADERS)):
                    view.setItem(r, c, _item(""))
                view.setSpan(r, 1, 1, len(PREVIEW_HEADERS) - 1)
                continue
            for c, text in enumerate((row.name, row.company, row.emails, row.phones,
                                      row.also), 1):
                view.setItem(r, c, _item(text))
        self._size_preview()
        good = sum(1 for row in rows if row.problem is None)
        bad = len(rows) - good
        if not rows:
            text = ("The file holds no rows to import under its column names."
                    if self.has_header.isChecked() else "The file holds no rows to import.")
        else:
            text = (f"The first {n_of(len(rows), 'row')} as they would be imported: "
                    f"{n_of(good, 'contact')}")
            text += f", {bad:,} not imported (marked, with why)." if bad else "."
        self.preview_label.setText(text)
        self.previewed.emit()

    def _size_preview(self) -> None:
        """Each column as wide as its text, up to a bound; "Also" takes the rest (its full
        text is in the tooltip)."""
        view = self.preview_table
        # What the four middle columns may share so that "Also" keeps some room and the
        # table needs no sideways scrolling.
        room = view.viewport().width() - view.columnWidth(0) - 140
        cap = max(90, min(200, room // 4))
        for column in range(1, len(PREVIEW_HEADERS) - 1):
            view.resizeColumnToContents(column)
            view.setColumnWidth(column, max(90, min(view.columnWidth(column), cap)))

    def resizeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().resizeEvent(event)
        if self.preview_table.rowCount():
            self._size_preview()

    def _go_on(self) -> None:
        if missing(self.mapping()) is None:
            self.chosen.emit(self.mapping())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  Qt's name
        if isinstance(watched, QComboBox) and watched in self.combos:
            if event.type() == QEvent.Type.FocusIn:
                # Tabbing to a combo below the fold brings its row into view.
                row = self.combos.index(watched)
                item = self.columns.item(row, _NAME)
                if item is not None:
                    self.columns.scrollToItem(item)
            elif event.type() == QEvent.Type.Wheel and not watched.hasFocus():
                # The wheel scrolls the list of columns, never a combo it passes over.
                QApplication.sendEvent(self.columns.viewport(), event)
                return True
        return super().eventFilter(watched, event)


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    return item
