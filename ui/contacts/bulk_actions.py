"""What can be done to the selected contacts at once: add to a group, tag, change status,
copy; in the Contact menu, on the list's right-click menu, and each with its key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.contact import ContactStatus
from app.services.registry import Services
from ui.contacts.table_model import status_label
from ui.groups.dialogs import AddToGroupDialog
from ui.groups.tags import TagDialog
from ui.tasks import ReadPool, Writer

VCARD_MIME = "text/vcard"  # RFC 6350 section 10.1; older programs look for text/x-vcard
COPY_LIMIT = 10_000  # a clipboard of more than this helps nobody; export is for that


class BulkActions(QObject):
    """Signal `said(str)` for the status bar."""

    said = Signal(str)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 selected: Callable[[], list[int]], parent: QWidget):
        super().__init__(parent)
        self.services, self.reads, self.writer = services, reads, writer
        self._selected = selected
        self._parent = parent

        self.add_to_group = QAction("Add to &Group…", self)
        self.add_to_group.setShortcut(QKeySequence("Ctrl+G"))
        self.add_to_group.triggered.connect(self.open_add_to_group)
        self.tag = QAction("&Tags…", self)
        self.tag.setShortcut(QKeySequence("Ctrl+T"))
        self.tag.triggered.connect(self.open_tags)
        self.status_menu = QMenu("Change &Status", parent)
        self.status_actions: list[QAction] = []
        for n, status in enumerate(ContactStatus, start=1):
            action = QAction(status_label(status), self)
            action.setShortcut(QKeySequence(f"Ctrl+Alt+{n}"))
            action.triggered.connect(lambda _c=False, s=status: self.set_status(s))
            self.status_menu.addAction(action)
            self.status_actions.append(action)
        self.copy = QAction("&Copy", self)
        self.copy.setShortcut(QKeySequence.StandardKey.Copy)
        # Only from the list: in a text box Ctrl+C copies its text.
        self.copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy.triggered.connect(self.copy_selected)
        self.set_enabled(False)

    def actions(self) -> list[QAction]:
        return [self.add_to_group, self.tag, *self.status_actions, self.copy]

    def set_enabled(self, chosen: bool) -> None:
        for action in self.actions():
            action.setEnabled(chosen)
        self.status_menu.setEnabled(chosen)

    def open_add_to_group(self) -> None:
        ids = self._selected()
        if ids:
            dialog = AddToGroupDialog(self.services, self.reads, self.writer, ids, self._parent)
            dialog.said.connect(self.said)
            dialog.open()

    def open_tags(self) -> None:
        ids = self._selected()
        if ids:
            dialog = TagDialog(self.services, self.reads, self.writer, ids, self._parent)
            dialog.said.connect(self.said)
            dialog.open()

    def set_status(self, status: ContactStatus) -> None:
        ids = self._selected()
        if not ids:
            return
        contacts = self.services.contacts
        count = f"{len(ids):,} contacts" if len(ids) > 1 else "the contact"
        self.writer.run(lambda: contacts.set_status(ids, status), lambda _changes: self.said.emit(
            f"Marked {count} as {status_label(status)}."))

    def copy_selected(self) -> None:
        """The selected contacts on the clipboard as text and as vCards, so they paste into
        an e-mail as words and into another address book as cards."""
        ids = self._selected()
        if not ids:
            return
        if len(ids) > COPY_LIMIT:
            self.said.emit(f"{len(ids):,} contacts are too many to copy; select at most "
                           f"{COPY_LIMIT:,}, or export them (File ▸ Export).")
            return
        exchange = self.services.exchange

        def read() -> tuple[str, str]:
            return exchange.as_text(ids), exchange.vcards(ids)

        def copied(found: tuple[str, str]) -> None:
            text, cards = found
            mime = QMimeData()
            mime.setText(text)
            mime.setData(VCARD_MIME, cards.encode("utf-8"))
            mime.setData("text/x-vcard", cards.encode("utf-8"))
            clipboard = QGuiApplication.clipboard()
            if clipboard is not None:
                clipboard.setMimeData(mime)
            what = f"{len(ids):,} contacts" if len(ids) > 1 else "the contact"
            self.said.emit(f"Copied {what} as text and as vCards.")

        self.reads.run(read, copied)
