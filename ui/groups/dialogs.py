"""The dialogs behind New Group…, Rename…, Contact ▸ Add to Group… and Contact ▸ Tag….

Each saves through the writer as one unit of work, so Edit ▸ Undo takes it back whole, and
stays open with the message beside the field when the service refuses."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import ValidationError
from app.domain.groups import Group, clean_name
from app.services.registry import Services
from ui.contacts.form_bits import Note, tip_when_too_long
from ui.groups.dialog_bits import WriteDialog, added_report, contacts_named, said_with_undo
from ui.groups.tags import TagDialog
from ui.tasks import ReadPool, Writer

__all__ = ["AddToGroupDialog", "GroupNameDialog", "TagDialog"]

NEW_GROUP = -1  # the id the "New group “…”" row stands for in AddToGroupDialog
IdRole = Qt.ItemDataRole.UserRole + 1


class GroupNameDialog(WriteDialog):
    """Name a new group, or rename one (its description too)."""

    saved = Signal(int)  # the group's id, once the change is in the database

    def __init__(self, services: Services, writer: Writer, group: Group | None = None,
                 parent: QWidget | None = None):
        renaming = group is not None and group.id is not None
        super().__init__(writer, "Rename Group" if renaming else "New Group", parent)
        self._organize = services.organize
        self._group = group if renaming else None
        self.heading.setText(f"Rename “{group.name}”" if group is not None and renaming
                             else "New group")
        self.name_field = tip_when_too_long(QLineEdit(group.name if group else ""))
        self.name_field.setObjectName("groupName")
        self.name_field.setPlaceholderText("e.g. Newsletter, Trade show 2025, Key accounts")
        self.name_field.selectAll()
        self.description_field = tip_when_too_long(
            QLineEdit(group.description if group else ""))
        self.description_field.setPlaceholderText("What the group is for (optional)")
        self.name_field.textEdited.connect(lambda _text: self.clear_message())
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        name_label, about_label = QLabel("&Name"), QLabel("&Description")
        name_label.setBuddy(self.name_field)
        about_label.setBuddy(self.description_field)
        grid.addWidget(name_label, 0, 0)
        grid.addWidget(self.name_field, 0, 1)
        grid.addWidget(self.message, 1, 1)
        grid.addWidget(about_label, 2, 0)
        grid.addWidget(self.description_field, 2, 1)
        grid.setColumnStretch(1, 1)
        self.body.addLayout(grid)
        self.ok_button.setText("Rename" if renaming else "Create Group")
        self.finish_layout()
        self.setTabOrder(self.name_field, self.description_field)
        self.setTabOrder(self.description_field, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.ok_button)

    @property
    def name(self) -> str:
        return clean_name(self.name_field.text())

    def submit(self) -> None:
        if self.saving:
            return
        name, description = self.name, self.description_field.text().strip()
        try:
            Group(name).validate()  # an empty name needs no trip to the database
        except ValidationError as exc:
            self.refuse(str(exc), self.name_field)
            return
        organize, group = self._organize, self._group
        if group is None:
            self.write(lambda: organize.create_group(Group(name, description)),
                       lambda changes: self._saved(changes.new_id(Entity.GROUP)),
                       self.name_field)
            return
        assert group.id is not None
        gid = group.id
        if name == group.name and description == group.description:
            self.accept()  # nothing changed: nothing to save, nothing to undo
            return
        self.write(lambda: organize.rename_group(gid, name, description),
                   lambda _changes: self._saved(gid), self.name_field)

    def _saved(self, group_id: int) -> None:
        self.saved.emit(group_id)
        self.accept()


class _ArrowsToList(QObject):
    """Up and Down in the filter box move through the list under it, as a launcher does."""

    def __init__(self, target: QAbstractItemView, parent: QObject):
        super().__init__(parent)
        self._target = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
                                Qt.Key.Key_PageDown):
            QApplication.sendEvent(self._target, QKeyEvent(
                event.type(), event.key(), event.modifiers()))
            return True
        return False


class AddToGroupDialog(WriteDialog):
    """Put contacts in an existing group (found by typing) or in a new one named here; a new
    group and its first members are one unit of work, so one undo takes back both."""

    added = Signal(int)  # the group's id
    said = Signal(str)  # what was done, for the status bar

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 contact_ids: Sequence[int], parent: QWidget | None = None):
        super().__init__(writer, "Add to Group", parent)
        self._organize = services.organize
        self._ids = list(dict.fromkeys(contact_ids))
        self._name: str | None = None  # the contact's name, when there is one contact
        self._groups: list[Group] = []
        self.loaded = False
        self._show_heading()
        self.filter_field = QLineEdit()
        self.filter_field.setObjectName("groupFilter")
        self.filter_field.setPlaceholderText("Find a group, or type a name for a new one")
        self.filter_field.setClearButtonEnabled(True)
        self.filter_field.textChanged.connect(self._filter)
        self.group_list = QTreeWidget()
        self.group_list.setObjectName("groupChoices")
        self.group_list.setColumnCount(2)
        self.group_list.setHeaderLabels(["Group", "Contacts"])
        self.group_list.setRootIsDecorated(False)
        self.group_list.setUniformRowHeights(True)
        self.group_list.setAlternatingRowColors(True)
        self.group_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.group_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionsClickable(False)
        self.group_list.currentItemChanged.connect(lambda *_args: self._update_button())
        self.group_list.itemDoubleClicked.connect(lambda *_args: self.submit())
        self.filter_field.installEventFilter(_ArrowsToList(self.group_list, self))
        self.note = Note("Loading the groups…")
        self.body.addWidget(self.filter_field)
        self.body.addWidget(self.message)
        self.body.addWidget(self.group_list, 1)
        self.body.addWidget(self.note)
        self.finish_layout()
        self.resize(self.minimumWidth(), self.fontMetrics().height() * 24)
        self.setTabOrder(self.filter_field, self.group_list)
        self.setTabOrder(self.group_list, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.ok_button)
        self.filter_field.setFocus()
        self._update_button()
        organize, directory, ids = services.organize, services.directory, self._ids

        def read() -> tuple[list[Group], str | None]:
            one = directory.contact_summaries(ids[:1]) if len(ids) == 1 else []
            return organize.groups(), (one[0].display_name if one else None)
        reads.run(read, self._arrived)

    def _show_heading(self) -> None:
        self.heading.setText(f"Add {contacts_named(len(self._ids), self._name)} to a group")

    def _arrived(self, result: tuple[list[Group], str | None]) -> None:
        self._groups, self._name = result
        self.loaded = True
        self._show_heading()
        self._filter(self.filter_field.text())

    def _filter(self, text: str) -> None:
        self.clear_message()
        wanted = clean_name(text)
        key = wanted.casefold()
        self.group_list.clear()
        exact: QTreeWidgetItem | None = None
        for group in self._groups:
            if key and key not in group.name.casefold():
                continue
            item = QTreeWidgetItem([group.name, f"{group.contact_count:,}"])
            item.setData(0, IdRole, group.id)
            item.setToolTip(0, "\n".join(x for x in (group.name, group.description) if x))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.group_list.addTopLevelItem(item)
            if group.name.casefold() == key:
                exact = item
        # Last, so typing part of a name and pressing Return picks the group it finds, not
        # a new group called by the part.
        if wanted and exact is None:
            new = QTreeWidgetItem([f"New group “{wanted}”", ""])
            new.setData(0, IdRole, NEW_GROUP)
            new.setToolTip(0, f"Create the group “{wanted}” and add the contacts to it")
            font = new.font(0)
            font.setItalic(True)
            new.setFont(0, font)
            self.group_list.addTopLevelItem(new)
        first = exact or self.group_list.topLevelItem(0)
        if first is not None:
            self.group_list.setCurrentItem(first)
        if self.loaded:
            self.note.say("" if self._groups or wanted else
                          "There are no groups yet: type a name to create the first one.")
        self._update_button()

    def chosen(self) -> tuple[int, str] | None:
        """(group id, or NEW_GROUP; name) of the row Add would use."""
        item = self.group_list.currentItem()
        if item is None or item.isHidden():
            return None
        gid = item.data(0, IdRole)
        name = clean_name(self.filter_field.text()) if gid == NEW_GROUP else item.text(0)
        return gid, name

    def _update_button(self) -> None:
        choice = self.chosen()
        self.ok_button.setText("Create and Add" if choice and choice[0] == NEW_GROUP
                               else "Add")
        self.ok_button.setEnabled(choice is not None and bool(self._ids) and not self.saving)

    def submit(self) -> None:
        choice = self.chosen()
        if self.saving or choice is None or not self._ids:
            return
        gid, name = choice
        organize, ids = self._organize, self._ids
        if gid == NEW_GROUP:
            self.write(lambda: organize.create_group_with(Group(name), ids),
                       lambda changes: self._done(changes.new_id(Entity.GROUP), name, changes,
                                                  True),
                       self.filter_field)
        else:
            self.write(lambda: organize.add_to_group(gid, contact_ids=ids),
                       lambda changes: self._done(gid, name, changes, False),
                       self.filter_field)

    def _done(self, group_id: int, name: str, changes: ChangeSet, created: bool) -> None:
        who, new = contacts_named(len(self._ids), self._name), \
            len(changes.updated.get(Entity.CONTACT, ()))
        self.said.emit(said_with_undo(f"Created the group {name} and added {who} to it.")
                       if created else added_report(who, len(self._ids), new, name))
        self.added.emit(group_id)
        self.accept()
