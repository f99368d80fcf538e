"""The record pane's smaller tabs: the contact's groups and tags, and its custom fields.

Each reads what it shows off the GUI thread when it is chosen, and says what to do when there
is nothing to show."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.groups import CustomFieldDef, FieldOwner, Group
from app.services.registry import Services
from ui.tasks import ReadPool


@dataclass(frozen=True)
class _Facts:
    contact_id: int
    groups: list[Group]
    tags: list[str]
    fields: list[CustomFieldDef]
    custom: dict[str, str]
    notes: str


def _read(services: Services, cid: int) -> _Facts:
    contact = services.contacts.get(cid)
    return _Facts(cid, services.organize.groups_of_contact(cid), list(contact.tags),
                  services.organize.fields(FieldOwner.CONTACT), dict(contact.custom),
                  contact.notes)


class _FactsTab(QScrollArea):
    """A scrolling column of rows read for one contact, re-read when it changes."""

    def __init__(self, services: Services, reads: ReadPool, parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.reads = services, reads
        self._cid: int | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.body.setObjectName("recordTabBody")
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(20, 14, 20, 14)
        self.column.setSpacing(10)
        self.setWidget(self.body)
        self.facts: _Facts | None = None

    def show_contact(self, contact_id: int) -> None:
        self._cid = contact_id
        services = self.services

        def shown(facts: _Facts) -> None:
            if facts.contact_id == self._cid:
                self.facts = facts
                self._fill(facts)

        self.reads.run(lambda: _read(services, contact_id), shown, lambda _error: None)

    def clear(self) -> None:
        self._cid, self.facts = None, None
        _empty(self.column)

    def apply_changes(self, changes: ChangeSet) -> None:
        if self._cid is not None and (changes.touches(Entity.CONTACT) or changes.touches(
                Entity.GROUP) or changes.touches(Entity.TAG)
                or changes.touches(Entity.CUSTOM_FIELD)):
            self.show_contact(self._cid)

    def _fill(self, facts: _Facts) -> None:
        raise NotImplementedError  # each tab lays out its own rows


class GroupsTagsTab(_FactsTab):
    """The groups the contact is in (each opens the group) and its tags."""

    add_to_group = Signal()
    edit_tags = Signal()
    open_group = Signal(int)

    def _fill(self, facts: _Facts) -> None:
        _empty(self.column)
        self.column.addWidget(_heading("Groups"))
        if facts.groups:
            links = ", ".join(f"<a href='{g.id}'>{html.escape(g.name)}</a>"
                              for g in facts.groups)
            groups = _rich(links)
            groups.setObjectName("recordGroups")
            groups.linkActivated.connect(lambda target: self.open_group.emit(int(target)))
            self.column.addWidget(groups)
        else:
            self.column.addWidget(_quiet("Not in any group."))
        self.column.addWidget(_heading("Tags"))
        if facts.tags:
            tags = _rich(" ".join(f"<span>#{html.escape(t)}</span>&nbsp;" for t in facts.tags))
            tags.setObjectName("recordTags")
            self.column.addWidget(tags)
        else:
            self.column.addWidget(_quiet("No tags."))
        buttons = QHBoxLayout()
        add = QPushButton("Add to Group…")
        add.clicked.connect(self.add_to_group)
        tag = QPushButton("Tags…")
        tag.clicked.connect(self.edit_tags)
        buttons.addWidget(add)
        buttons.addWidget(tag)
        buttons.addStretch(1)
        self.column.addLayout(buttons)
        self.column.addStretch(1)


class CustomFieldsTab(_FactsTab):
    """Every custom field defined for contacts, with this contact's value or a dash."""

    edit_requested = Signal()

    def _fill(self, facts: _Facts) -> None:
        _empty(self.column)
        if not facts.fields and not facts.custom:
            self.column.addWidget(_quiet(
                "No custom fields are defined for contacts. Custom fields hold what your "
                "business tracks that Rolodeck has no field for (a customer number, a "
                "territory…)."))
            self.column.addStretch(1)
            return
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        names = [f.name for f in facts.fields]
        # A value whose field was removed since is still the user's data: shown, not hidden.
        names += [n for n in facts.custom if n not in names]
        for name in names:
            caption = QLabel(name)
            caption.setObjectName("detailCaption")
            caption.setWordWrap(True)
            value = facts.custom.get(name, "")
            shown = _rich(html.escape(value).replace("\n", "<br>")) if value else _quiet("—")
            form.addRow(caption, shown)
        self.column.addLayout(form)
        edit = QPushButton("Edit…")
        edit.setToolTip("Edit this contact's fields (Ctrl+E)")
        edit.clicked.connect(self.edit_requested)
        row = QHBoxLayout()
        row.addWidget(edit)
        row.addStretch(1)
        self.column.addLayout(row)
        self.column.addStretch(1)


class NotesTab(_FactsTab):
    """The contact's own notes (the free text on the record, as on a rolodex card)."""

    edit_requested = Signal()

    def _fill(self, facts: _Facts) -> None:
        _empty(self.column)
        if facts.notes.strip():
            text = QLabel(facts.notes)
            text.setObjectName("recordNotes")
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.column.addWidget(text)
        else:
            self.column.addWidget(_quiet("No notes on this contact yet."))
        edit = QPushButton("Edit Notes…")
        edit.clicked.connect(self.edit_requested)
        row = QHBoxLayout()
        row.addWidget(edit)
        row.addStretch(1)
        self.column.addLayout(row)
        self.column.addStretch(1)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("detailCaption")
    return label


def _rich(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("detailValue")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    return label


def _quiet(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("quietText")
    label.setWordWrap(True)
    return label


def _empty(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            _empty(item.layout())
