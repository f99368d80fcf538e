"""What the export dialog asks the user outside itself (a file, a folder, whether to replace
what is there) and what it remembers of their last export (folder, format, fields) in the
preferences' QSettings."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.services.export_files import ExportExists
from app.services.imports_export import FormatSpec, Part

FOLDER_KEY, FORMAT_KEY, PARTS_KEY = "export/folder", "export/format", "export/parts"


class ExportPicker(Protocol):
    """Where the dialog asks for a file or a folder; None when the user cancels."""

    def save_path(self, parent: QWidget, suggested: Path, file_filter: str) -> Path | None: ...

    def folder(self, parent: QWidget, start: Path) -> Path | None: ...


class NativePicker:
    def save_path(self, parent: QWidget, suggested: Path, file_filter: str) -> Path | None:
        # The dialog asks about an existing file itself, when it is really about to write.
        name, _ = QFileDialog.getSaveFileName(
            parent, "Export To", str(suggested), f"{file_filter};;All files (*)", "",
            QFileDialog.Option.DontConfirmOverwrite)
        return Path(name) if name else None

    def folder(self, parent: QWidget, start: Path) -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, "Export Into Folder", str(start))
        return Path(name) if name else None


AskReplace = Callable[[QWidget, ExportExists], bool]


def ask_replace(parent: QWidget, exists: ExportExists) -> bool:
    paths = exists.paths
    if len(paths) == 1:
        text = f"“{paths[0].name}” already exists in {paths[0].parent}. Replace it?"
    else:
        text = (f"{len(paths):,} of the files already exist in {paths[0].parent} "
                f"(“{paths[0].name}” and others). Replace them?")
    box = QMessageBox(QMessageBox.Icon.Question, "Export", text,
                      QMessageBox.StandardButton.Cancel, parent)
    replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setInformativeText("Replacing cannot be undone. Cancel leaves them as they are.")
    box.exec()
    return box.clickedButton() is replace


def documents() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def remembered_folder(settings: QSettings) -> Path:
    value = settings.value(FOLDER_KEY)
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    return documents()


def remembered_parts(settings: QSettings) -> set[Part]:
    value = settings.value(PARTS_KEY)
    if not isinstance(value, str):
        return set(Part)
    known = {p.value: p for p in Part}
    return {known[w] for w in value.split(",") if w in known}


def remember(settings: QSettings, folder: Path, spec: FormatSpec,
             parts: Collection[Part]) -> None:
    settings.setValue(FOLDER_KEY, str(folder))
    settings.setValue(FORMAT_KEY, spec.id)
    if spec.choosable:
        settings.setValue(PARTS_KEY, ",".join(sorted(p.value for p in parts)))
    settings.sync()
