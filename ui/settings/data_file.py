"""The settings page for the data file: where it is and how big, back up now, restore a
backup, open another database or start a new one.

Backups run in the read pool (a backup only reads), restores on the writer; both show a busy
bar and keep the dialog usable. File dialogs go through a FilePicker, so tests can choose the
files a user would."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet
from app.domain.errors import RolodeckError
from app.services.maintenance import shown
from app.services.registry import Services
from ui.errors import show_error
from ui.settings.formatting import DateStyle, format_datetime
from ui.tasks import ReadPool, Writer

DATABASE_FILTER = "Rolodeck databases (*.db *.rolodeck *.sqlite);;All files (*)"


class FilePicker(Protocol):
    """Where the page asks the user for a file; None when they cancel."""

    def open_path(self, parent: QWidget, title: str, folder: Path) -> Path | None: ...

    def save_path(self, parent: QWidget, title: str, suggested: Path,
                  confirm_overwrite: bool) -> Path | None: ...


class NativeFilePicker:
    """The platform's own file dialogs."""

    def open_path(self, parent: QWidget, title: str, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, str(folder), DATABASE_FILTER)
        return Path(name) if name else None

    def save_path(self, parent: QWidget, title: str, suggested: Path,
                  confirm_overwrite: bool) -> Path | None:
        options = QFileDialog.Option(0)
        if not confirm_overwrite:
            options |= QFileDialog.Option.DontConfirmOverwrite
        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), DATABASE_FILTER,
                                              "", options)
        return Path(name) if name else None


def documents() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def file_size(size: int) -> str:
    """"4.2 MB": bytes as people read them (powers of 1,000, as file managers show)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


class DataFilePage(QWidget):
    open_database = Signal(object)  # Path
    new_database = Signal(object)  # Path
    busy_changed = Signal(bool)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer, *,
                 files: FilePicker, date_style: DateStyle,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.reads, self.writer = services, reads, writer
        self.files, self.date_style = files, date_style
        self.busy = False
        try:
            self.path: Path | None = services.path
        except RolodeckError:  # a database on a server: no file to copy or replace
            self.path = None

        heading = QLabel("This address book is kept in the file")
        self.path_field = QLineEdit(str(self.path) if self.path else services.db.name)
        self.path_field.setObjectName("dataFilePath")
        self.path_field.setReadOnly(True)
        self.path_field.setToolTip(self.path_field.text())
        self.path_field.setCursorPosition(0)
        self.show_folder = QPushButton("Show in Folder")
        self.show_folder.setToolTip("Open the folder that holds the file")
        self.show_folder.clicked.connect(self._show_folder)
        self.show_folder.setEnabled(self.path is not None)
        where = QHBoxLayout()
        where.addWidget(self.path_field, 1)
        where.addWidget(self.show_folder)
        self.size_label = QLabel("Counting…")
        self.size_label.setObjectName("settingsNote")
        self.size_label.setWordWrap(True)

        self.backup_button = QPushButton("&Back Up Now…")
        self.backup_button.setToolTip("Save a complete copy of this address book, checked "
                                      "before it is called done")
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setToolTip("Replace this address book's data with a backup's")
        self.restore_button.clicked.connect(self.restore)
        self.open_button = QPushButton("&Open Another Database…")
        self.open_button.clicked.connect(self.open_other)
        self.new_button = QPushButton("&New Database…")
        self.new_button.clicked.connect(self.make_new)
        self._buttons = (self.backup_button, self.restore_button, self.open_button,
                         self.new_button)
        for button in (self.backup_button, self.restore_button):
            button.setEnabled(self.path is not None)
        buttons = QGridLayout()
        buttons.addWidget(self.backup_button, 0, 0)
        buttons.addWidget(self.restore_button, 0, 1)
        buttons.addWidget(self.open_button, 1, 0)
        buttons.addWidget(self.new_button, 1, 1)
        buttons.setColumnStretch(2, 1)
        about = QLabel(
            "A backup is a complete copy, checked before Rolodeck reports it. Restoring "
            "replaces everything in this file with a backup's; what is there now is saved "
            "first, so a restore can be undone by restoring that copy.")
        about.setObjectName("settingsNote")
        about.setWordWrap(True)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # SQLite's backup reports no steps: a busy bar
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()
        self.message = QLabel()
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addLayout(where)
        layout.addWidget(self.size_label)
        layout.addSpacing(10)
        layout.addLayout(buttons)
        layout.addWidget(about)
        layout.addSpacing(6)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.count()

    # --- what the page shows ----------------------------------------------------------------

    def count(self) -> None:
        """The file's size and what it holds, read off the GUI thread."""
        maintenance, path = self.services.maintenance, self.path

        def work() -> tuple[int | None, dict[str, int]]:
            size = None
            if path is not None:
                size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal"))
                           if p.exists())
            return size, maintenance.stats()

        self.reads.run(work, self._counted, self._count_failed)

    def _counted(self, result: tuple[int | None, dict[str, int]]) -> None:
        size, stats = result
        parts = [file_size(size)] if size is not None else []
        parts += [_plural(stats.get("contacts", 0), "contact", "contacts"),
                  _plural(stats.get("accounts", 0), "account", "accounts"),
                  _plural(stats.get("history", 0), "history item", "history items")]
        self.size_label.setText(" · ".join(parts))

    def _count_failed(self, error: BaseException) -> None:
        self.size_label.setText(f"Its size could not be read: {error}")

    def say(self, text: str, kind: str = "") -> None:
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        for button in self._buttons:
            button.setEnabled(not busy and (self.path is not None or button in
                                            (self.open_button, self.new_button)))
        self.progress.setVisible(busy)
        if text:
            self.say(text)
        self.busy_changed.emit(busy)

    def _failed(self, what: str, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, RolodeckError):
            self.say(f"{what} {error}", "error")
        else:
            self.say(what, "error")
            show_error(self, error)

    def _show_folder(self) -> None:
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))

    # --- back up and restore -----------------------------------------------------------------

    def back_up(self) -> None:
        if self.path is None or self.busy:
            return
        suggested = documents() / f"{self.path.stem} backup {date.today().isoformat()}.db"
        dest = self.files.save_path(self, "Back Up Rolodeck", suggested, True)
        if dest is None:
            return
        if not dest.suffix:
            dest = dest.with_suffix(".db")
        # The save dialog has already asked before a file is chosen over.
        force = dest.exists()
        maintenance = self.services.maintenance

        def work() -> tuple[Path, int]:
            saved = maintenance.backup(dest, force=force)
            return saved, saved.stat().st_size

        self._set_busy(True, f"Backing up to {shown(dest)}…")
        self.reads.run(work, self._backed_up,
                       lambda error: self._failed("No backup was made.", error))

    def _backed_up(self, result: tuple[Path, int]) -> None:
        saved, size = result
        self._set_busy(False)
        # backup() returns only once the copy has been read back: intact, every table's
        # rows all there. Only then is it reported.
        self.say(f"Backed up to {shown(saved)} ({file_size(size)}). The copy was checked: "
                 "it opens, is intact and holds every record.", "done")

    def restore(self) -> None:
        if self.path is None or self.busy:
            return
        folder = self.path.parent / "backups"
        source = self.files.open_path(self, "Restore From a Backup",
                                      folder if folder.is_dir() else documents())
        if source is None or not self._confirm_restore(source):
            return
        maintenance = self.services.maintenance
        self._set_busy(True, f"Restoring from {shown(source)}…")
        self.writer.run(lambda: maintenance.restore(source),
                        lambda safety: self._restored(source, safety),
                        lambda error: self._failed("Nothing was restored.", error))

    def _confirm_restore(self, source: Path) -> bool:
        assert self.path is not None
        try:
            saved = format_datetime(datetime.fromtimestamp(os.stat(source).st_mtime),
                                    self.date_style)
            when = f" (saved {saved})"
        except OSError:
            when = ""
        box = QMessageBox(self)
        box.setObjectName("confirmRestore")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Restore from a backup")
        box.setText(f"Replace everything in {self.path.name} with the backup "
                    f"“{source.name}”{when}?")
        box.setInformativeText(
            "All contacts, accounts, history, activities, quotes, groups and custom fields "
            "stored in this address book now are replaced by the backup's, and changes "
            "made since the backup are gone from it. Before that, the current data is "
            "saved as a backup of its own (in the “backups” folder beside the file), so "
            "you can go back to it.")
        restore = box.addButton("Restore", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is restore

    def _restored(self, source: Path, safety: Path) -> None:
        self._set_busy(False)
        # The whole file changed under every view: each reloads.
        self.writer.bus.changed.emit(ChangeSet.whole())
        self.say(f"Restored from {shown(source)}. What was there before is saved as "
                 f"{shown(safety)}.", "done")
        self.count()

    # --- another database --------------------------------------------------------------------

    def open_other(self) -> None:
        if self.busy:
            return
        folder = self.path.parent if self.path is not None else documents()
        chosen = self.files.open_path(self, "Open Another Database", folder)
        if chosen is None:
            return
        if self.path is not None and chosen.exists() and os.path.samefile(chosen, self.path):
            self.say(f"{shown(chosen)} is the address book already open.", "error")
            return
        self.open_database.emit(chosen)

    def make_new(self) -> None:
        if self.busy:
            return
        suggested = documents() / "Rolodeck.db"
        n = 2
        while suggested.exists():
            suggested = suggested.with_name(f"Rolodeck {n}.db")
            n += 1
        chosen = self.files.save_path(self, "New Database", suggested, False)
        if chosen is None:
            return
        if not chosen.suffix:
            chosen = chosen.with_suffix(".db")
        if chosen.exists():
            self.say(f"{shown(chosen)} already exists, and a new database never replaces a "
                     "file. Choose another name, or Open Another Database… to use that one.",
                     "error")
            return
        self.new_database.emit(chosen)
