"""The two lists the Groups page shows: the groups with their sizes, and one group's members.

Both hold what a read task brought back and nothing else; the page decides when to read.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from app.domain.groups import Group
from app.domain.summaries import ContactSummary
from app.services.wording import plural
from ui.groups.drag import CONTACTS_MIME, contact_mime

Index = QModelIndex | QPersistentModelIndex
IdRole = Qt.ItemDataRole.UserRole + 1
# Cells longer than this are likely cut off in their column: their tooltip shows them whole.
TIP_AFTER = 20

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ROW_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
              | Qt.ItemFlag.ItemNeverHasChildren)


def member_count(group: Group) -> str:
    """'12 contacts', with the accounts when the group holds any."""
    text = plural(group.contact_count, "contact")
    if group.account_count:
        text += f" and {plural(group.account_count, 'account')}"
    return text


class GroupColumn(enum.IntEnum):
    NAME = 0
    MEMBERS = 1


class GroupListModel(QAbstractTableModel):
    """Every group by name, with how many contacts it holds."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._groups: list[Group] = []

    @property
    def groups(self) -> list[Group]:
        return list(self._groups)

    def set_groups(self, groups: Sequence[Group]) -> None:
        self.beginResetModel()
        self._groups = list(groups)
        self.endResetModel()

    def group_at(self, row: int) -> Group | None:
        return self._groups[row] if 0 <= row < len(self._groups) else None

    def row_of(self, group_id: int | None) -> int | None:
        return next((row for row, g in enumerate(self._groups) if g.id == group_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._groups)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(GroupColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        group = self.group_at(index.row()) if index.isValid() else None
        if group is None:
            return None
        column = GroupColumn(index.column())
        if role == IdRole:
            return group.id
        if role == Qt.ItemDataRole.DisplayRole:
            return group.name if column == GroupColumn.NAME else f"{group.contact_count:,}"
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [group.name, group.description, member_count(group)]
            return "\n".join(line for line in lines if line)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == GroupColumn.MEMBERS:
            return _RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self.group_at(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return _ROW_FLAGS | Qt.ItemFlag.ItemIsDropEnabled

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(GroupColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Group" if section == GroupColumn.NAME else "Contacts"
        if role == Qt.ItemDataRole.TextAlignmentRole and section == GroupColumn.MEMBERS:
            return _RIGHT
        return None


class MemberColumn(enum.IntEnum):
    NAME = 0
    COMPANY = 1
    EMAIL = 2
    PHONE = 3


MEMBER_HEADERS = {MemberColumn.NAME: "Name", MemberColumn.COMPANY: "Company",
                  MemberColumn.EMAIL: "E-mail", MemberColumn.PHONE: "Phone"}


def _cell(summary: ContactSummary, column: MemberColumn) -> str:
    if column == MemberColumn.NAME:
        return summary.display_name
    if column == MemberColumn.COMPANY:
        return summary.account_name
    if column == MemberColumn.EMAIL:
        return summary.email
    return summary.phone


class MemberModel(QAbstractTableModel):
    """One group's contacts in name order; rows drag out as contacts (onto another group)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ContactSummary] = []

    @property
    def ids(self) -> list[int]:
        return [s.id for s in self._rows]

    def set_members(self, rows: Sequence[ContactSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def summary(self, row: int) -> ContactSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, contact_id: int) -> int | None:
        return next((row for row, s in enumerate(self._rows) if s.id == contact_id), None)

    def named(self, ids: Sequence[int]) -> str:
        """How a message names `ids`: the name for one contact, else a count."""
        if len(ids) == 1:
            row = self.row_of(ids[0])
            if row is not None:
                return self._rows[row].display_name
        return plural(len(ids), "contact")

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(MemberColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        summary = self.summary(index.row()) if index.isValid() else None
        if summary is None:
            return None
        if role == IdRole:
            return summary.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = _cell(summary, MemberColumn(index.column()))
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if len(text) > TIP_AFTER else None
            return text
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self.summary(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return _ROW_FLAGS | Qt.ItemFlag.ItemIsDragEnabled

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(MemberColumn)):
            return MEMBER_HEADERS[MemberColumn(section)]
        return None

    # --- dragging members out -----------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [CONTACTS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        chosen = [s for s in map(self.summary, rows) if s is not None]
        return contact_mime([s.id for s in chosen], [s.display_name for s in chosen])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction
