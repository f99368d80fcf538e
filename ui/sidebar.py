"""The sidebar: the window's views, and the user's groups under Groups, each a place to drop
contacts dragged from the list."""

from __future__ import annotations

import enum

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QStyledItemDelegate,
    QWidget,
)

from app.domain.groups import Group
from ui import icons
from ui.groups.drag import carries_contacts, contact_ids_of


class View(enum.IntEnum):
    """The views, in the sidebar's order (Ctrl+1, Ctrl+2...)."""

    CONTACTS = 0
    ACCOUNTS = 1
    GROUPS = 2
    TRASH = 3


VIEW_ICONS = {"CONTACTS": "contacts", "ACCOUNTS": "accounts", "GROUPS": "groups",
              "TRASH": "trash"}
VIEW_NAMES = {View.CONTACTS: "Contacts", View.ACCOUNTS: "Accounts", View.GROUPS: "Groups",
              View.TRASH: "Trash"}
VIEW_ROLE = Qt.ItemDataRole.UserRole
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
SAVED_ROLE = Qt.ItemDataRole.UserRole + 2  # the SavedSearch of a saved search's item
MAX_GROUPS_SHOWN = 200  # past this the Groups view lists them; a sidebar is not a list view


class _Indented(QStyledItemDelegate):
    """Groups sit under Groups, as in a mail reader's folder list."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802  Qt's name
        super().initStyleOption(option, index)
        if index.data(GROUP_ROLE) is not None:
            option.rect.adjust(GROUP_INDENT, 0, 0, 0)


GROUP_INDENT = 14


class Sidebar(QListWidget):
    """Signals: `view_chosen(View)`, `group_chosen(int)`, and `contacts_dropped(group_id,
    ids)` when contacts dragged from a list are dropped on a group."""

    view_chosen = Signal(object)
    group_chosen = Signal(int)
    contacts_dropped = Signal(int, list)
    search_chosen = Signal(object)  # a SavedSearch
    rename_search = Signal(int, str)  # group id, current name
    delete_search = Signal(int, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)
        self.setIconSize(QSize(18, 18))
        # Wide enough for "Accounts" beside its icon; a group's long name ends in "…".
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("M" * 12))
        self.setItemDelegate(_Indented(self))
        self._items: dict[View, QListWidgetItem] = {}
        for view in View:
            item = QListWidgetItem(VIEW_NAMES[view])
            item.setData(VIEW_ROLE, view)
            self.addItem(item)
            self._items[view] = item
        self.setCurrentItem(self._items[View.CONTACTS])
        self.currentItemChanged.connect(self._on_current)
        self._show_icons()

    def _show_icons(self) -> None:
        for view, item in self._items.items():
            item.setIcon(icons.icon(VIEW_ICONS[view.name], self))
        for row in range(self.count()):
            item = self.item(row)
            if item is not None and item.data(SAVED_ROLE) is not None:
                item.setIcon(icons.icon("saved-search", self))

    def changeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light to dark: icons in the new ink
            self._show_icons()

    def show_groups(self, groups: list[Group]) -> None:
        """The user's groups, indented under Groups (the current one kept current)."""
        self._show_under_groups(groups, saved=False)

    def show_saved(self, searches: list[Group]) -> None:
        """The saved searches, under the groups."""
        self._show_under_groups(searches, saved=True)

    def _show_under_groups(self, groups: list[Group], *, saved: bool) -> None:
        current = self.current_group()
        self.blockSignals(True)
        try:
            for row in reversed(range(self.count())):
                item = self.item(row)
                if item is not None and item.data(GROUP_ROLE) is not None and (
                        item.data(SAVED_ROLE) is not None) == saved:
                    self.takeItem(row)
            at = self.row(self._items[View.GROUPS]) + 1
            if saved:  # after the listed groups
                while at < self.count() and (item := self.item(at)) is not None and (
                        item.data(GROUP_ROLE) is not None):
                    at += 1
            for group in groups[:MAX_GROUPS_SHOWN]:
                if saved:
                    item = QListWidgetItem(icons.icon("saved-search", self), group.name)
                    item.setData(GROUP_ROLE, group.id)
                    item.setData(SAVED_ROLE, group.saved_search)
                    item.setData(VIEW_ROLE, View.CONTACTS)
                    item.setToolTip(f"Saved search “{group.name}”: opens the contacts it "
                                    "finds now. Right-click to rename or delete it.")
                    self.insertItem(at, item)
                    at += 1
                    continue
                item = QListWidgetItem(group.name)
                item.setData(GROUP_ROLE, group.id)
                item.setData(VIEW_ROLE, View.GROUPS)
                members = group.contact_count + group.account_count
                item.setToolTip(f"{group.name}: {members:,} "
                                f"{'member' if members == 1 else 'members'}. Drop contacts "
                                "here to add them.")
                self.insertItem(at, item)
                if group.id == current:
                    self.setCurrentItem(item)
                at += 1
        finally:
            self.blockSignals(False)

    def select_view(self, view: View) -> None:
        self.setCurrentItem(self._items[view])

    def select_group(self, group_id: int) -> None:
        item = self._group_item(group_id)
        if item is not None:
            self.blockSignals(True)
            self.setCurrentItem(item)
            self.blockSignals(False)

    def current_view(self) -> View:
        item = self.currentItem()
        return View(item.data(VIEW_ROLE)) if item is not None else View.CONTACTS

    def current_group(self) -> int | None:
        item = self.currentItem()
        return item.data(GROUP_ROLE) if item is not None and item.data(
            SAVED_ROLE) is None else None

    def group_names(self) -> list[str]:
        return [item.text() for row in range(self.count())
                if (item := self.item(row)) is not None and item.data(GROUP_ROLE) is not None
                and item.data(SAVED_ROLE) is None]

    def saved_names(self) -> list[str]:
        return [item.text() for row in range(self.count())
                if (item := self.item(row)) is not None and item.data(SAVED_ROLE) is not None]

    def contextMenuEvent(self, event) -> None:  # noqa: N802  Qt's name
        item = self.itemAt(event.pos())
        if item is None or item.data(SAVED_ROLE) is None:
            return
        gid, name = int(item.data(GROUP_ROLE)), item.text()
        menu = QMenu(self)
        menu.addAction("&Rename Saved Search…", lambda: self.rename_search.emit(gid, name))
        menu.addAction("&Delete Saved Search", lambda: self.delete_search.emit(gid, name))
        menu.exec(event.globalPos())

    def _group_item(self, group_id: int) -> QListWidgetItem | None:
        for row in range(self.count()):
            item = self.item(row)
            if item is not None and item.data(GROUP_ROLE) == group_id:
                return item
        return None

    def _on_current(self, item: QListWidgetItem | None, _previous) -> None:
        if item is None:
            return
        group_id = item.data(GROUP_ROLE)
        if item.data(SAVED_ROLE) is not None:
            self.search_chosen.emit(item.data(SAVED_ROLE))
        elif group_id is not None:
            self.group_chosen.emit(int(group_id))
        else:
            self.view_chosen.emit(View(item.data(VIEW_ROLE)))

    # --- dropping contacts on a group ----------------------------------------------------------

    def _group_at(self, event) -> int | None:
        item = self.itemAt(event.position().toPoint())
        # A saved search's members are whoever it finds: nothing can be dropped on one.
        group_id = item.data(GROUP_ROLE) if item is not None and item.data(
            SAVED_ROLE) is None else None
        return int(group_id) if group_id is not None else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802  Qt's name
        if carries_contacts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802  Qt's name
        if carries_contacts(event.mimeData()) and self._group_at(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802  Qt's name
        group_id = self._group_at(event)
        ids = contact_ids_of(event.mimeData())
        if group_id is None or not ids:
            event.ignore()
            return
        event.acceptProposedAction()
        self.contacts_dropped.emit(group_id, ids)
