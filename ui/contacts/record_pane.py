"""The record pane beside the contact list: the header card with every way to reach the
person, the actions one key away, and the record's tabs (history, notes, groups...) under it.

Only the tab on show reads its data: opening a contact with thousands of history items must
not also read its relationships and custom fields the user is not looking at."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.contact import Contact
from app.domain.summaries import ContactSummary
from app.services.registry import Services
from ui import icons
from ui.contacts.detail_panel import ContactDetailPanel
from ui.tasks import ReadPool, Writer


class RecordTab(Protocol):
    """What a tab of the record pane does: show one contact, follow changes, forget."""

    def show_contact(self, contact_id: int) -> None: ...
    def clear(self) -> None: ...
    def apply_changes(self, changes: ChangeSet) -> None: ...


class RecordPane(QFrame):
    """Signals: `edit_requested` and `log_requested(kind)` for the window's actions, and
    `contact_read(Contact)` when the whole record has been read."""

    edit_requested = Signal()
    contact_read = Signal(object)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recordPane")
        self.setMinimumWidth(260)
        self.services, self.reads, self.writer = services, reads, writer
        self._contact_id: int | None = None
        self._loaded_tabs: set[int] = set()  # tab indexes showing the current contact
        self.contact: Contact | None = None  # the whole record, once read

        self.card = ContactDetailPanel()
        self.actions_row = QHBoxLayout()
        self.actions_row.setContentsMargins(20, 0, 20, 10)
        self.actions_row.setSpacing(8)
        self.edit_button = QPushButton(icons.icon("edit", self, role=QPalette.ColorRole.ButtonText),
                                       "Edit")
        self.edit_button.setToolTip("Edit this contact (Ctrl+E)")
        self.edit_button.clicked.connect(self.edit_requested)
        self.actions_row.addWidget(self.edit_button)
        self.actions_row.addStretch(1)
        top = QWidget()
        top.setObjectName("recordTop")
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(0)
        top_layout.addWidget(self.card, 1)
        top_layout.addLayout(self.actions_row)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("recordTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.setHandleWidth(1)
        self.split.addWidget(top)
        self.split.addWidget(self.tabs)
        self.split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)
        self.show_summary(None)

    def add_action_button(self, button: QPushButton) -> None:
        """An action for the shown record (Log Call...), before Edit."""
        self.actions_row.insertWidget(self.actions_row.count() - 2, button)

    def add_tab(self, tab: QWidget, title: str) -> None:
        self.tabs.addTab(tab, title)

    @property
    def contact_id(self) -> int | None:
        return self._contact_id

    def show_summary(self, summary: ContactSummary | None) -> None:
        """At once what the list row knows; then the whole record and the tab on show."""
        self.card.show_summary(summary)
        has = summary is not None
        self.tabs.setVisible(has)
        self.edit_button.setEnabled(has)
        for i in range(self.actions_row.count()):
            item = self.actions_row.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setVisible(has)
        if summary is None:
            if self._contact_id is not None:
                self._contact_id, self.contact = None, None
                self._loaded_tabs.clear()
                for i in range(self.tabs.count()):
                    self._tab(i).clear()
            return
        if summary.id != self._contact_id:
            self._contact_id, self.contact = summary.id, None
            self._loaded_tabs.clear()
            self._fit_card()
        self._read_contact()
        self._load_tab(self.tabs.currentIndex())

    def _read_contact(self) -> None:
        cid, contacts = self._contact_id, self.services.contacts
        if cid is None:
            return

        def shown(contact: Contact) -> None:
            if self._contact_id == cid:
                self.contact = contact
                self.card.show_contact(contact)
                # The rows it added are measured once the event loop has laid them out.
                QTimer.singleShot(0, self, self._fit_card)
                self.contact_read.emit(contact)

        # Gone by the time it is read (deleted elsewhere): the list's next change drops it.
        self.reads.run(lambda: contacts.get(cid), shown, lambda _error: None)

    def _fit_card(self) -> None:
        # The card takes what it needs up to half the pane; a record with many numbers and
        # addresses scrolls inside it, and the tabs keep the rest.
        total = max(1, self.split.height())
        wanted = self.card.wanted_height() + self.actions_row.sizeHint().height()
        card = min(wanted, total // 2) if total > 1 else wanted
        self.split.setSizes([card, max(1, total - card)])

    def resizeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().resizeEvent(event)
        self._fit_card()

    def _tab(self, index: int) -> RecordTab:
        tab = self.tabs.widget(index)
        assert hasattr(tab, "show_contact")
        return tab  # type: ignore[return-value]  # every tab added is a RecordTab

    def _on_tab_changed(self, index: int) -> None:
        self._load_tab(index)

    def _load_tab(self, index: int) -> None:
        if index < 0 or self._contact_id is None or index in self._loaded_tabs:
            return
        self._loaded_tabs.add(index)
        self._tab(index).show_contact(self._contact_id)

    def apply_changes(self, changes: ChangeSet) -> None:
        if self._contact_id is None:
            return
        mine = self._contact_id
        if changes.everything or any(mine in d.get(Entity.CONTACT, ())
                                     for d in (changes.updated, changes.inserted)):
            self._read_contact()
        # Tabs not on show forget what they showed, and read again when they are chosen.
        current = self.tabs.currentIndex()
        for i in range(self.tabs.count()):
            if i == current:
                self._tab(i).apply_changes(changes)
            else:
                self._loaded_tabs.discard(i)
