"""The Groups page: the user's groups on the left, the chosen group's members on the right.

Groups are made, renamed and deleted here; contacts join a group by being dropped on it (from
the Contacts list, or from another group's members) and leave it with Remove from Group.
Every change is one unit of work on the writer thread, so Ctrl+Z takes it back; the page
redraws from the ChangeSets the window hands to apply_changes, never from its own writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import NotFoundError
from app.domain.groups import Group
from app.services.registry import Services
from app.services.wording import plural
from ui.errors import show_error
from ui.groups.dialog_bits import added_report, said_with_undo
from ui.groups.dialogs import GroupNameDialog
from ui.groups.members import MembersPanel, shortcut_action
from ui.groups.models import GroupListModel
from ui.groups.views import EmptyState, GroupTable
from ui.tasks import ReadPool, Writer

NO_GROUPS_TEXT = ("A group gathers contacts you deal with together (a newsletter list, "
                  "trade-show leads, key customers); a contact can be in any number of them.")


def _changed_ids(changes: ChangeSet, entity: Entity) -> frozenset[int]:
    return (changes.updated.get(entity, frozenset()) | changes.inserted.get(entity, frozenset())
            | changes.deleted.get(entity, frozenset()))


class GroupsPage(QWidget):
    counted = Signal(str)  # the status bar's count for this page
    said = Signal(str)  # what a change did, for the status bar
    groups_changed = Signal(list)  # every Group, by name, whenever the list is read again
    open_contact = Signal(int)  # a member was double-clicked (or Return pressed on it)
    show_contacts = Signal()  # the empty group's "Go to Contacts" button

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.reads, self.writer = services, reads, writer
        self._loaded = False
        self._group_reads = 0  # bumped per read; an older read's answer is dropped
        self._reading_groups = False
        self._want_group: int | None = None  # to select once the list arrives
        self._split_dragged = False
        self.confirm_box: QMessageBox | None = None  # the delete question, while it is asked
        self.name_dialog: GroupNameDialog | None = None  # the last New or Rename dialog

        self.groups_model = GroupListModel(self)
        self.group_table = GroupTable(self.groups_model)
        self.group_table.dropped.connect(self.add_contacts)
        self.members = MembersPanel(services, reads, writer)
        self.members.said.connect(self.said)
        self.members.open_contact.connect(self.open_contact)
        self.members.dropped.connect(self._dropped_on_members)
        self.members.chosen_changed.connect(self._update_actions)
        self.members.empty.button.clicked.connect(self.show_contacts)
        # The member side's parts, by the names the window and the tests reach them by.
        self.members_model, self.member_table = self.members.model, self.members.table
        self.member_pane, self.member_empty = self.members.pane, self.members.empty
        self.remove_button, self.group_title = self.members.remove_button, self.members.title
        self.remove_member_action = self.members.remove_action

        self._make_actions()
        self._build()
        self.group_table.selectionModel().currentRowChanged.connect(self._on_group_chosen)
        self._update_actions()

    # --- building -----------------------------------------------------------------------------

    def _make_actions(self) -> None:
        self.new_action = shortcut_action("&New Group…", [QKeySequence("Ctrl+Shift+N")],
                                          self, self)
        self.new_action.triggered.connect(self.new_group)
        self.rename_action = shortcut_action("&Rename Group…", [QKeySequence("F2")],
                                             self, self)
        self.rename_action.triggered.connect(self.rename_group)
        self.delete_action = shortcut_action(
            "&Delete Group", [QKeySequence(QKeySequence.StandardKey.Delete)],
            self.group_table, self)
        self.delete_action.triggered.connect(self.delete_group)

    def _build(self) -> None:
        self.new_button = QPushButton("New Group…")
        self.rename_button = QPushButton("Rename…")
        self.delete_button = QPushButton("Delete")
        bar = QHBoxLayout()
        bar.setContentsMargins(12, 10, 12, 10)
        for button, act in ((self.new_button, self.new_action),
                            (self.rename_button, self.rename_action),
                            (self.delete_button, self.delete_action)):
            button.clicked.connect(act.trigger)
            keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{act.text().replace('&', '')} ({keys})")
            bar.addWidget(button)
        bar.addStretch(1)
        top = QWidget()
        top.setObjectName("searchBar")
        top.setLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self.group_table)
        self.splitter.addWidget(self.members)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.splitterMoved.connect(self._on_split_dragged)
        self.splitter.installEventFilter(self)
        self.group_table.setMinimumWidth(self.fontMetrics().averageCharWidth() * 18)

        self.no_groups = EmptyState("New Group")
        self.no_groups.say("<h2>No groups yet</h2>", NO_GROUPS_TEXT)
        self.first_group_button = self.no_groups.button
        self.first_group_button.setObjectName("primaryButton")
        self.first_group_button.clicked.connect(self.new_group)
        self.waiting = QWidget()  # before the first read: a calm blank, not a false "none"
        self.waiting.setObjectName("emptyState")
        self.waiting.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.pages = QStackedWidget()
        for page in (self.waiting, self.splitter, self.no_groups):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.pages, 1)
        self.setFocusProxy(self.group_table)
        for first, second in ((self.new_button, self.rename_button),
                              (self.rename_button, self.delete_button),
                              (self.delete_button, self.group_table),
                              (self.group_table, self.remove_button)):
            self.setTabOrder(first, second)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.Resize and watched is self.splitter
                and not self._split_dragged):
            # Until the user drags it, the group list takes a share of the width, so a
            # small window still leaves the members readable.
            width = self.splitter.width()
            left = max(self.group_table.minimumWidth(), min(300, width * 28 // 100))
            self.splitter.setSizes([left, max(0, width - left)])
        return super().eventFilter(watched, event)

    def _on_split_dragged(self, *_args) -> None:
        self._split_dragged = True

    # --- reading ------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def busy(self) -> bool:
        """Whether a read of the groups or the members is still on its way."""
        return self._reading_groups or self.members.reading

    def load(self) -> None:
        """Read the groups (the page reads nothing until it is first asked to)."""
        if not self._loaded and not self._reading_groups:
            self._read_groups()

    def apply_changes(self, changes: ChangeSet) -> None:
        if not self._loaded and not self._reading_groups:
            return
        groups = _changed_ids(changes, Entity.GROUP)
        people = _changed_ids(changes, Entity.CONTACT)
        current = self.current_group_id()
        if current is not None and (
                changes.everything or current in groups or self.members.holds(people)
                or changes.touches(Entity.ACCOUNT)):  # a member's company name
            self.members.stale = True
        # Any change to contacts may change the counts: trashing one, and undoing a change
        # of membership, which reports the contacts only. The list's answer sees to the
        # members too (a count that no longer matches them reads them again).
        if changes.everything or groups or people:
            self._read_groups()
        elif self.members.stale:
            self.members.show_group(self.current_group())

    def _read_groups(self) -> None:
        self._group_reads += 1
        token = self._group_reads
        self._reading_groups = True
        organize = self.services.organize
        self.reads.run(organize.groups, lambda groups: self._groups_arrived(token, groups))

    def _groups_arrived(self, token: int, groups: list[Group]) -> None:
        if token != self._group_reads:
            return
        self._reading_groups = False
        self._loaded = True
        keep = self._want_group if self._want_group is not None else self.current_group_id()
        old_row = self.group_table.currentIndex().row()
        self._want_group = None
        self.groups_model.set_groups(groups)
        row = self.groups_model.row_of(keep) if keep is not None else None
        if row is None and groups:  # the chosen one has gone: the one that took its place
            row = min(max(old_row, 0), len(groups) - 1)
        self.pages.setCurrentWidget(self.splitter if groups else self.no_groups)
        if row is not None:
            self._select_row(row)
        else:
            self.members.show_group(None)
        self.groups_changed.emit(groups)
        self._update_actions()

    def _select_row(self, row: int) -> None:
        index = self.groups_model.index(row, 0)
        self.group_table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.group_table.scrollTo(index)
        # Reselecting the row that was current emits nothing, and the group read afresh
        # (its count, its name) must still reach the panel.
        self.members.show_group(self.current_group())

    def _on_group_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.members.show_group(self.groups_model.group_at(current.row()))
        self._update_actions()

    # --- what is chosen -----------------------------------------------------------------------

    def current_group(self) -> Group | None:
        return self.groups_model.group_at(self.group_table.currentIndex().row())

    def current_group_id(self) -> int | None:
        group = self.current_group()
        return group.id if group else None

    def select_group(self, group_id: int) -> None:
        """Show that group (once the list has been read, if it has not yet)."""
        row = self.groups_model.row_of(group_id) if self._loaded else None
        if row is not None:
            self._select_row(row)
            return
        self._want_group = group_id
        self.load()

    def selected_member_ids(self) -> list[int]:
        return self.members.selected_ids()

    def count_text(self) -> str:
        groups = self.groups_model.groups
        if not groups:
            return "No groups"
        text = plural(len(groups), "group")
        group = self.current_group()
        if group is not None:
            text += f" · {group.name}: {plural(group.contact_count, 'contact')}"
            chosen = len(self.selected_member_ids())
            if chosen > 1:
                text += f" · {chosen:,} selected"
        return text

    def _update_actions(self, *_args) -> None:
        has_group = self.current_group() is not None
        for widget in (self.rename_action, self.delete_action, self.rename_button,
                       self.delete_button):
            widget.setEnabled(has_group)
        if self._loaded:
            self.counted.emit(self.count_text())

    # --- changing -----------------------------------------------------------------------------

    def new_group(self) -> None:
        dialog = GroupNameDialog(self.services, self.writer, parent=self)
        dialog.saved.connect(lambda gid: self._created(gid, dialog.name))
        self.name_dialog = dialog
        dialog.open()

    def _created(self, group_id: int, name: str) -> None:
        self._want_group = group_id  # selected when the list comes back with it
        self.said.emit(said_with_undo(f"Created the group {name}."))

    def rename_group(self) -> None:
        group = self.current_group()
        if group is None:
            return
        dialog = GroupNameDialog(self.services, self.writer, group, parent=self)
        old = group.name
        dialog.saved.connect(lambda _gid: self.said.emit(
            said_with_undo(f"Renamed {old} to {dialog.name}.")))
        self.name_dialog = dialog
        dialog.open()

    def delete_group(self) -> None:
        group = self.current_group()
        if group is None or group.id is None or not self._confirm_delete(group):
            return
        gid, name, organize = group.id, group.name, self.services.organize
        self.writer.run(lambda: organize.delete_group(gid), lambda _changes: self.said.emit(
            said_with_undo(f"Deleted group {name}.")))

    def _confirm_delete(self, group: Group) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Delete Group",
                          f"Delete the group “{group.name}”?", parent=self)
        kept = (f"Its {plural(group.contact_count, 'contact')} stay in your address book; "
                "only the group goes." if group.contact_count else "The group is empty.")
        box.setInformativeText(f"{kept} Edit ▸ Undo brings it back.")
        delete = box.addButton("Delete Group", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm_box = box
        try:
            box.exec()
        finally:
            self.confirm_box = None
        return box.clickedButton() is delete

    def remove_selected_members(self) -> None:
        self.members.remove_selected()

    def _dropped_on_members(self, ids: list[int]) -> None:
        gid = self.current_group_id()
        if gid is not None:
            self.add_contacts(gid, ids)

    def add_contacts(self, group_id: int, ids: Sequence[int]) -> None:
        """Put contacts in a group, as one unit (what a drop does)."""
        row = self.groups_model.row_of(group_id)
        group = self.groups_model.group_at(row) if row is not None else None
        if group is None:
            return
        if not ids:
            self.said.emit("Nothing was added: what was dropped is not a list of contacts.")
            return
        name, organize, wanted = group.name, self.services.organize, list(ids)
        who = plural(len(wanted), "contact")

        def done(changes: ChangeSet) -> None:
            new = len(changes.updated.get(Entity.CONTACT, ()))
            self.said.emit(added_report(who, len(wanted), new, name))

        def failed(error: BaseException) -> None:
            if isinstance(error, NotFoundError):  # a contact trashed, or from another file
                self.said.emit(f"Nothing was added to {name}: {error}.")
            else:
                show_error(self, error)
        self.writer.run(lambda: organize.add_to_group(group_id, contact_ids=wanted), done,
                        failed)
