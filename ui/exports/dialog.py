"""The export dialog: whose contacts (all, the selected ones, a group's, a saved search's),
which format, what of each contact, and where; then the export in a worker with a progress
bar and Cancel, and a last page that says what was written once it is there.

Formats, and what each can carry or leave out, come from the service's table
(app.services.imports_export.FORMATS): a format added there is listed here. Nothing is
replaced without asking: when the file (or one of the files) is there already the user is
asked, and only a Replace exports again over it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RolodeckError
from app.services.export_files import ExportExists, safe_stem
from app.services.imports_export import (
    FORMATS,
    PARTS,
    ExportChoices,
    Exporter,
    ExportResult,
    ExportScope,
    FormatSpec,
    Part,
)
from app.services.registry import Services
from ui.errors import show_error
from ui.exports.choosers import (
    FORMAT_KEY,
    AskReplace,
    ExportPicker,
    NativePicker,
    ask_replace,
    remember,
    remembered_folder,
    remembered_parts,
)
from ui.progress import Task
from ui.tasks import ReadPool, Writer

DEFAULT_FORMAT = "vcard3"  # what every address book and phone reads
ALL, SELECTED, GROUP, SEARCH = range(4)
_TIPS = {Part.RAW: "What imported files held that Rolodeck has no field for, kept so that "
                  "it goes out again",
         Part.TAGS: "As categories (vCard), labels (Google) or categories (Outlook)"}
# A file name ending so is the format's: it follows when another format is chosen.
_EXTENSIONS = frozenset({".vcf", ".vcard", ".csv", *(f.extension for f in FORMATS.values())})


def _n(count: int, noun: str = "contact") -> str:
    return f"{count:,} {noun if count == 1 else noun + 's'}"


class ExportDialog(QDialog):
    """Signal `said(str)` with the last page's one line, for the status bar."""

    said = Signal(str)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None, *, selection: Sequence[int] = (),
                 group_id: int | None = None, settings: QSettings | None = None,
                 picker: ExportPicker | None = None, ask: AskReplace = ask_replace):
        super().__init__(parent)
        self.setWindowTitle("Export Contacts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.exporter = Exporter(services.db)
        self.reads, self.writer = reads, writer
        self.selection, self.group_id = list(dict.fromkeys(selection)), group_id
        self.settings = settings if settings is not None else QSettings()
        self.picker: ExportPicker = picker or NativePicker()
        self._ask = ask
        self.choices: ExportChoices | None = None
        self.outcome: ExportResult | None = None
        self.task: Task | None = None
        self._folder = remembered_folder(self.settings)
        self._name: str | None = None  # a file name the user gave; None: the suggested one
        self._folder_shown = self._folder
        self._parts = remembered_parts(self.settings)
        self.pages = QStackedWidget()
        self.choose_page, self.done_page = self._choose_page(), self._done_page()
        self.pages.addWidget(self.choose_page)
        self.pages.addWidget(self.done_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._format_changed()
        self._show_page(0)
        reads.run(lambda: self.exporter.choices(self.selection), self._show_choices,
                  self._choices_failed)

    # --- 1. what to export, how, and where ----------------------------------------------------

    def _choose_page(self) -> QWidget:
        page = QWidget()
        self.scopes = QButtonGroup(self)
        self.all_button = QRadioButton("&All contacts")
        self.selected_button = QRadioButton("The &selected contacts")
        self.group_button = QRadioButton("&Group:")
        self.search_button = QRadioButton("Saved sea&rch:")
        self.group_combo, self.search_combo = QComboBox(), QComboBox()
        for n, button in enumerate((self.all_button, self.selected_button, self.group_button,
                                    self.search_button)):
            self.scopes.addButton(button, n)
        self.all_button.setChecked(True)
        self.scopes.idToggled.connect(lambda _id, _on: self._update())
        for combo, button in ((self.group_combo, self.group_button),
                              (self.search_combo, self.search_button)):
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.activated.connect(lambda _i, b=button: b.setChecked(True))
            combo.currentIndexChanged.connect(lambda _i: self._update())
        scope_box = QGroupBox("Contacts")
        grid = QGridLayout(scope_box)
        grid.addWidget(self.all_button, 0, 0, 1, 2)
        grid.addWidget(self.selected_button, 1, 0, 1, 2)
        grid.addWidget(self.group_button, 2, 0)
        grid.addWidget(self.group_combo, 2, 1)
        grid.addWidget(self.search_button, 3, 0)
        grid.addWidget(self.search_combo, 3, 1)
        grid.setColumnStretch(1, 1)

        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormat")
        for spec in FORMATS.values():
            self.format_combo.addItem(spec.label, spec.id)
        remembered = self.settings.value(FORMAT_KEY)
        found = self.format_combo.findData(remembered if remembered in FORMATS
                                           else DEFAULT_FORMAT)
        self.format_combo.setCurrentIndex(max(found, 0))
        self.format_combo.currentIndexChanged.connect(lambda _i: self._format_changed())
        format_label = QLabel("&Format:")
        format_label.setBuddy(self.format_combo)
        self.one_file = QRadioButton("&One file")
        self.per_contact = QRadioButton("A file &per contact, in a folder")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.one_file, 0)
        self.modes.addButton(self.per_contact, 1)
        self.one_file.setChecked(True)
        self.modes.idToggled.connect(lambda _id, _on: self._update())
        format_box = QGroupBox("Format")
        rows = QGridLayout(format_box)
        rows.addWidget(format_label, 0, 0)
        rows.addWidget(self.format_combo, 0, 1, 1, 2)
        rows.addWidget(self.one_file, 1, 1)
        rows.addWidget(self.per_contact, 1, 2)
        rows.setColumnStretch(2, 1)

        include_box = self.include_box = QGroupBox(
            "Include (names, company and job title always go)")
        checks = QGridLayout(include_box)
        self.part_boxes: dict[Part, QCheckBox] = {}
        for n, (part, text) in enumerate(PARTS.items()):
            box = QCheckBox(text)
            box.setProperty("part", part.value)
            box.toggled.connect(lambda on, p=part: self._part_toggled(p, on))
            self.part_boxes[part] = box
            checks.addWidget(box, n // 3, n % 3)
        widest = max(box.sizeHint().width() for box in self.part_boxes.values())
        for column in range(3):  # even columns, read down as well as across
            checks.setColumnMinimumWidth(column, widest)
            checks.setColumnStretch(column, 1)

        self.destination = QLineEdit()
        self.destination.setObjectName("exportDestination")
        self.destination.textEdited.connect(self._destination_typed)
        self.destination_label = QLabel("Save &to:")
        self.destination_label.setBuddy(self.destination)
        choose = QPushButton("&Choose…")
        choose.setAutoDefault(False)  # Enter anywhere in the dialog is Export
        choose.clicked.connect(self.choose_destination)
        where = QHBoxLayout()
        where.addWidget(self.destination_label)
        where.addWidget(self.destination, 1)
        where.addWidget(choose)

        self.message = QLabel()
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("primaryButton")
        self.export_button.setDefault(True)
        self.export_button.setAutoDefault(True)
        self.export_button.clicked.connect(self.export)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(scope_box)
        layout.addWidget(format_box)
        layout.addWidget(include_box)
        layout.addLayout(where)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(_buttons(cancel, self.export_button))
        return page

    def _show_choices(self, choices: ExportChoices) -> None:
        self.choices = choices
        self.all_button.setText(f"&All contacts ({choices.total:,})")
        n = choices.selected
        self.selected_button.setText(f"The {n:,} &selected contact{'' if n == 1 else 's'}"
                                     if n else "The &selected contacts (none selected)")
        self.selected_button.setEnabled(n > 0)
        for combo, button, items, none in (
                (self.group_combo, self.group_button, choices.groups, "No groups yet"),
                (self.search_combo, self.search_button, choices.searches,
                 "No saved searches yet")):
            combo.blockSignals(True)
            combo.clear()
            for item in items:
                combo.addItem(f"{item.name} ({item.count:,})", item.group_id)
            if not items:
                combo.addItem(none)
            combo.blockSignals(False)
            combo.setEnabled(bool(items))
            button.setEnabled(bool(items))
        picked = self.group_id is not None and self._pick_group(self.group_id)
        if not picked and n > 1:
            self.selected_button.setChecked(True)
        self._update()

    def _pick_group(self, group_id: int) -> bool:
        for combo, button in ((self.group_combo, self.group_button),
                              (self.search_combo, self.search_button)):
            i = combo.findData(group_id)
            if i >= 0:
                combo.setCurrentIndex(i)
                button.setChecked(True)
                return True
        return False

    def _choices_failed(self, error: BaseException) -> None:
        self._say(str(error) if isinstance(error, RolodeckError) else
                  "The groups and saved searches could not be read; close this and try again.",
                  error=True)
        if not isinstance(error, RolodeckError):
            show_error(self, error)

    def spec(self) -> FormatSpec:
        return FORMATS[self.format_combo.currentData()]

    def scope(self) -> tuple[ExportScope, int, str]:
        """(the scope chosen, how many contacts it holds, a name for a file of them)."""
        c, which = self.choices, self.scopes.checkedId()
        if c is None:
            return ExportScope.everyone(), 0, "contacts"
        if which == SELECTED:
            return ExportScope.of(self.selection), c.selected, "selected contacts"
        for scope_id, combo, items in ((GROUP, self.group_combo, c.groups),
                                       (SEARCH, self.search_combo, c.searches)):
            if which == scope_id and combo.currentData() is not None:
                item = next(i for i in items if i.group_id == combo.currentData())
                return ExportScope.group(item.group_id), item.count, item.name
        return ExportScope.everyone(), c.total, "contacts"

    def parts(self) -> set[Part]:
        """The parts that will be written: those chosen that the format carries."""
        spec = self.spec()
        return {p for p in self._parts if p in spec.carries} if spec.choosable else set(
            spec.carries)

    def _format_changed(self) -> None:
        spec = self.spec()
        if self._name is not None and Path(self._name).suffix.lower() in _EXTENSIONS:
            self._name = str(Path(self._name).with_suffix(spec.extension))
        self.per_contact.setEnabled(spec.per_contact)
        self.per_contact.setToolTip("" if spec.per_contact else
                                    "Only vCard can be written as a file per contact")
        if not spec.per_contact and self.per_contact.isChecked():
            self.one_file.setChecked(True)
        for part, box in self.part_boxes.items():
            carried = part in spec.carries
            box.blockSignals(True)
            box.setChecked(carried and (part in self._parts or not spec.choosable))
            box.blockSignals(False)
            box.setEnabled(carried and spec.choosable)
            box.setToolTip(_TIPS.get(part, "") if carried else
                           f"{spec.label.split(':')[0]} has no place for this")
        # A calendar holds the contacts' activities, none of their fields.
        self.include_box.setVisible(not spec.calendar)
        self._update()

    def _part_toggled(self, part: Part, on: bool) -> None:
        if on:
            self._parts.add(part)
        else:
            self._parts.discard(part)

    def _update(self) -> None:
        """The destination as the choices make it, and whether Export can start."""
        _scope, count, name = self.scope()
        if self.per_contact.isChecked():
            self.destination_label.setText("Save &into:")
            self.destination.setText(str(self._folder))
        else:
            self.destination_label.setText("Save &to:")
            self.destination.setText(str(self._folder / self._file_name(name)))
        self.export_button.setEnabled(self.choices is not None and count > 0)
        if self.spec().calendar:
            self.export_button.setText("Export Their Activities" if count else "Export")
        else:
            self.export_button.setText(f"Export {_n(count)}" if count else "Export")

    def _file_name(self, suggestion: str) -> str:
        """The user's own file name as they gave it (an extension added if it has none),
        else one made from what is exported ("Key accounts.vcf")."""
        extension = self.spec().extension
        if self._name:
            return self._name if Path(self._name).suffix else self._name + extension
        return (safe_stem(suggestion) or "contacts") + extension

    def _destination_typed(self, text: str) -> None:
        path = Path(text.strip()).expanduser()
        if self.per_contact.isChecked():
            self._folder = path
        elif text.strip():
            self._folder, self._name = path.parent, path.name

    def choose_destination(self) -> None:
        if self.per_contact.isChecked():
            folder = self.picker.folder(self, self._folder)
            if folder is not None:
                self._folder = folder
        else:
            current = Path(self.destination.text().strip() or self._folder)
            chosen = self.picker.save_path(self, current, self.spec().file_filter)
            if chosen is not None:
                self._folder, self._name = chosen.parent, chosen.name
        self._update()

    def target(self) -> Path:
        """Where the export goes: the folder, or the file (with the format's extension when
        the name given has none)."""
        text = self.destination.text().strip()
        path = Path(text).expanduser() if text else self._folder
        if not self.per_contact.isChecked() and text and not path.suffix:
            path = path.with_name(path.name + self.spec().extension)
        return path

    # --- 2. the export ------------------------------------------------------------------------

    def export(self, *, replace: bool = False) -> None:
        scope, count, _name = self.scope()
        if self.choices is None or count == 0 or (self.task and not self.task.finished):
            return
        fmt, parts, per_contact = self.spec().id, self.parts(), self.per_contact.isChecked()
        path, exporter = self.target(), self.exporter
        self._say("")
        self.export_button.setEnabled(False)
        self.task = Task(
            self.writer, self, f"Exporting {_n(count)}…",
            lambda cancel, progress: exporter.export(
                path, fmt, scope, parts=parts, per_contact=per_contact, replace=replace,
                cancel=cancel, progress=progress),
            self._done, cancelled=self._cancelled, failed=self._failed)

    def _cancelled(self) -> None:
        self._say("The export was cancelled; nothing was written.")
        self._update()

    def _failed(self, error: BaseException) -> None:
        self._update()
        if isinstance(error, ExportExists):
            if self._ask(self, error):
                self.export(replace=True)
            else:
                self._say("Nothing was written: choose another name or folder, or Export "
                          "again and say Replace.")
        elif isinstance(error, RolodeckError):
            self._say(str(error), error=True)
        else:
            show_error(self, error)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("kind", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- 3. what was written ------------------------------------------------------------------

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.where = QLabel()
        self.where.setObjectName("quietText")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_folder = QPushButton("Show in &Folder")
        self.show_folder.setAutoDefault(False)
        self.show_folder.clicked.connect(self._open_folder)
        close = self.close_button = QPushButton("Close")
        close.setObjectName("primaryButton")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(self.where)
        layout.addStretch(1)
        layout.addLayout(_buttons(self.show_folder, close))
        return page

    def _done(self, result: ExportResult) -> None:
        self.outcome = result
        self._update()
        missing = [p for p in result.files if not p.is_file()]
        per_contact = result.path not in result.files
        folder = result.path if per_contact else result.path.parent
        if missing:  # taken away the moment it was written: say so rather than "Exported"
            text = (f"The export finished, but {missing[0].name} is not in {folder} now; "
                    "export again.")
        elif per_contact:
            text = (f"Exported {_n(result.count)} to {_n(len(result.files), 'file')} in "
                    f"{result.path.name or result.path}.")
        else:
            noun = "activity" if self.spec().calendar else "contact"
            many = "activities" if result.count != 1 and noun == "activity" else None
            text = (f"Exported {result.count:,} {many} to {result.path.name}." if many else
                    f"Exported {_n(result.count, noun)} to {result.path.name}.")
        self.summary.setText(text)
        self.where.setText(f"In {folder}")
        self._folder_shown = folder
        self.show_folder.setVisible(not missing)
        remember(self.settings, folder, self.spec(), self._parts)
        self.said.emit(text)
        self._show_page(1)
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _show_page(self, index: int) -> None:
        """The page, with the dialog its size: a short report is not left in the middle of
        a window sized for the choices."""
        for i, page in enumerate((self.choose_page, self.done_page)):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.pages.setCurrentIndex(index)
        layout = self.layout()
        if layout is not None:
            layout.activate()
        if index == 0:
            self.adjustSize()
        else:
            self.resize(self.width(), self.minimumSizeHint().height())

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._folder_shown)))


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row
