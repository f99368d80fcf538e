"""The right half of the Groups page: the chosen group's name and size, its members, Remove
from Group, and the empty state that says how to fill it. Members are read off the GUI thread
and read again only when a change could have altered them."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import NotFoundError
from app.domain.groups import Group
from app.domain.summaries import ContactSummary
from app.services.registry import Services
from ui.contacts.form_bits import Note
from ui.errors import show_error
from ui.groups.dialog_bits import said_with_undo
from ui.groups.models import MemberModel, member_count
from ui.groups.views import ElidedLabel, EmptyState, MemberPane, MemberTable
from ui.tasks import ReadPool, Writer

# Members are read in slices: one IN (...) with 100k ids would meet SQLite's variable limit.
MEMBER_SLICE = 5_000
EMPTY_HEADING = "<h3>“{name}” has no contacts yet</h3>"
EMPTY_TEXT = ("Drag contacts here from the Contacts list, or use Contact ▸ Add to Group… "
              "with them selected there.")


def read_members(services: Services, group_id: int) -> list[ContactSummary]:
    """The group's live contacts as display rows, in name order (runs in a read task)."""
    ids, _accounts = services.organize.group_members(group_id)
    rows: list[ContactSummary] = []
    for start in range(0, len(ids), MEMBER_SLICE):
        rows += services.directory.contact_summaries(ids[start:start + MEMBER_SLICE])
    return rows


def shortcut_action(text: str, keys: Sequence[QKeySequence], owner: QWidget,
                    parent: QWidget) -> QAction:
    """An action whose keys work only while `owner` (or a child) has the focus: Delete in
    the member list removes a member, in the group list it deletes the group, and elsewhere
    in the window it is someone else's."""
    action = QAction(text, parent)
    action.setShortcuts(list(keys))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    owner.addAction(action)
    return action


class MembersPanel(QWidget):
    said = Signal(str)
    open_contact = Signal(int)
    dropped = Signal(list)  # contact ids dropped on the pane, for the group shown
    chosen_changed = Signal()  # the members selected, or the rows, changed

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.reads, self.writer = services, reads, writer
        self.group: Group | None = None
        self._shown: int | None = None  # whose members the model holds
        self._asked: int | None = None  # whose members were last asked for
        self._reads = 0  # bumped per read; an older read's answer is dropped
        self.reading = False
        self.stale = False
        self._keep: list[int] = []  # to select once the members arrive

        self.model = MemberModel(self)
        self.table = MemberTable(self.model)
        self.table.doubleClicked.connect(self._open_current)
        self.remove_action = shortcut_action(
            "Remove from &Group", [QKeySequence(QKeySequence.StandardKey.Delete)],
            self.table, self)
        self.remove_action.triggered.connect(self.remove_selected)
        self.open_action = shortcut_action(
            "&Open Contact", [QKeySequence("Return"), QKeySequence("Enter")], self.table, self)
        self.open_action.triggered.connect(self._open_current)

        self.title = ElidedLabel()
        self.title.setObjectName("groupTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.info = Note()
        self.info.setObjectName("groupInfo")
        self.info.setWordWrap(False)
        self.remove_button = QPushButton("Remove from Group")
        self.remove_button.setToolTip("Remove the selected contacts from the group (Del)")
        self.remove_button.clicked.connect(self.remove_action.trigger)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.info)
        heading = QHBoxLayout()
        heading.setContentsMargins(14, 8, 12, 8)
        heading.setSpacing(10)
        heading.addLayout(titles, 1)
        heading.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)

        self.empty = EmptyState("Go to Contacts")
        self.pane = MemberPane(self.table)
        self.pane.addWidget(self.table)
        self.pane.addWidget(self.empty)
        self.pane.dropped.connect(self.dropped)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(heading)
        layout.addWidget(self.pane, 1)
        self.setTabOrder(self.remove_button, self.table)
        self.table.selectionModel().selectionChanged.connect(self._update)
        self._update()

    def show_group(self, group: Group | None) -> None:
        """Show `group` (its members read again if they are not the ones held, or are
        stale); None shows nothing."""
        self.group = group
        self._show_heading()
        gid = group.id if group else None
        if group is not None and gid == self._shown and not self.reading \
                and group.contact_count != len(self.model.ids):
            self.stale = True  # joined or left in a change that named only the contacts
        if gid == self._asked and not self.stale:
            self._update()
            return
        if gid != self._asked:
            self._keep = []
        self.stale = False
        self.pane.taking = gid is not None
        self._reads += 1
        self._asked = gid
        if gid is None:
            self._shown, self.reading = None, False
            self.model.set_members([])
            self._update()
            return
        token, services = self._reads, self.services
        self.reading = True

        def failed(error: BaseException) -> None:
            if token == self._reads:
                self.reading = False
                self._asked = None  # showing the group again tries again
            if not isinstance(error, NotFoundError):  # deleted meanwhile: the list follows
                show_error(self, error)
        self.reads.run(lambda: read_members(services, gid),
                       lambda rows: self._arrived(token, gid, rows), failed)

    def _arrived(self, token: int, group_id: int, rows: list[ContactSummary]) -> None:
        if token != self._reads:
            return
        self.reading = False
        keep = self._keep or self.selected_ids()
        self._keep = []
        self._shown = group_id
        self.model.set_members(rows)
        selection = self.table.selectionModel()
        for cid in keep:
            row = self.model.row_of(cid)
            if row is None:
                continue
            index = self.model.index(row, 0)
            selection.select(index, QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)
            if cid == keep[0]:
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        if rows:
            self.pane.setCurrentWidget(self.table)
        else:
            name = self.group.name if self.group else ""
            self.empty.say(EMPTY_HEADING.format(name=html.escape(name)), EMPTY_TEXT)
            self.pane.setCurrentWidget(self.empty)
        self._update()

    def holds(self, ids: frozenset[int]) -> bool:
        return not ids.isdisjoint(self.model.ids)

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [s.id for s in map(self.model.summary, rows) if s is not None]

    def _show_heading(self) -> None:
        group = self.group
        self.title.setText(group.name if group else "")
        info = member_count(group) if group else ""
        if group is not None and group.description:
            info = f"{info} · {group.description}"
        self.info.say(info)
        self.info.setToolTip(info)

    def _update(self, *_args) -> None:
        chosen = self.group is not None and bool(self.table.selectionModel().selectedRows())
        for widget in (self.remove_action, self.remove_button, self.open_action):
            widget.setEnabled(chosen)
        self.remove_button.setVisible(self.group is not None and bool(self.model.ids))
        self.chosen_changed.emit()

    def remove_selected(self) -> None:
        group, ids = self.group, self.selected_ids()
        if group is None or group.id is None or not ids:
            return
        gid, name, organize = group.id, group.name, self.services.organize
        what = self.model.named(ids)
        self._keep = self._neighbour(set(ids))
        self.writer.run(lambda: organize.remove_from_group(gid, contact_ids=ids),
                        lambda _changes: self.said.emit(
                            said_with_undo(f"Removed {what} from {name}.")))

    def _neighbour(self, going: set[int]) -> list[int]:
        """The member to select once `going` have left: the next one below, else above (as
        a mail reader moves on to the next message)."""
        ids = self.model.ids
        rows = [r for r, cid in enumerate(ids) if cid in going]
        if not rows:
            return []
        for row in (*range(max(rows) + 1, len(ids)), *range(min(rows) - 1, -1, -1)):
            if ids[row] not in going:
                return [ids[row]]
        return []

    def _open_current(self, *_args) -> None:
        summary = self.model.summary(self.table.currentIndex().row())
        if summary is not None:
            self.open_contact.emit(summary.id)
