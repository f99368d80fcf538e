"""Narrowing the contact list: a Filter menu (group, tag, status, owner) and the filters in
force as chips, each with its own ✕, so the user always sees why the list is short."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QPalette
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from app.domain.changes import ChangeSet, Entity
from app.domain.contact import ContactStatus
from app.domain.filters import ContactFilter
from app.services.registry import Services
from ui import icons
from ui.contacts.table_model import status_label
from ui.tasks import ReadPool

MAX_CHOICES = 200  # a menu longer than this is no way to choose; the search box is


@dataclass(frozen=True)
class _Choices:
    groups: list[tuple[int, str]]
    tags: list[str]
    owners: list[str]


def _read(services: Services) -> _Choices:
    return _Choices([(g.id, g.name) for g in services.organize.groups() if g.id is not None],
                    [name for name, _count in services.organize.all_tags()],
                    services.directory.owners())


class FilterBar(QWidget):
    """Signal `changed(ContactFilter)` whenever the user picks or drops a filter."""

    changed = Signal(object)

    def __init__(self, services: Services, reads: ReadPool, parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.reads = services, reads
        self._filter = ContactFilter()
        self._choices = _Choices([], [], [])
        self._stale = True
        self.button = QToolButton()
        self.button.setObjectName("filterButton")
        self.button.setText("Filter")
        self.button.setIcon(icons.icon("filter", self, role=QPalette.ColorRole.ButtonText))
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setToolTip("Show only a group, a tag, a status or an owner's contacts")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.button)
        self.menu.aboutToShow.connect(self._fill_menu)
        self.button.setMenu(self.menu)
        self._chips = QHBoxLayout()
        self._chips.setContentsMargins(0, 0, 0, 0)
        self._chips.setSpacing(6)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.button)
        row.addLayout(self._chips)
        self.refresh_choices()

    @property
    def filter(self) -> ContactFilter:
        return self._filter

    def set_filter(self, f: ContactFilter) -> None:
        if f != self._filter:
            self._filter = f
            self._show_chips()
            self.changed.emit(f)

    def refresh_choices(self) -> None:
        services = self.services

        def arrived(choices: _Choices) -> None:
            self._choices = choices
            self._stale = False
            self._show_chips()  # a renamed group's chip shows its new name

        self.reads.run(lambda: _read(services), arrived, lambda _error: None)

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.touches(Entity.GROUP) or changes.touches(Entity.TAG) or changes.touches(
                Entity.CONTACT):
            self._stale = True
            self.refresh_choices()
        gone = changes.deleted.get(Entity.GROUP, frozenset())
        if self._filter.group_id in gone:
            self.set_filter(self._filter.without("group_id"))

    # --- the menu -----------------------------------------------------------------------------

    def _fill_menu(self) -> None:
        self.menu.clear()
        f = self._filter
        status = self.menu.addMenu("&Status")
        self._choice_items(status, [(s.value, status_label(s)) for s in ContactStatus],
                           f.status, lambda v: replace(f, status=v))
        groups = self.menu.addMenu("&Group")
        self._choice_items(groups, [(g, name) for g, name in self._choices.groups],
                           f.group_id, lambda v: replace(f, group_id=v),
                           none_text="No groups yet")
        tags = self.menu.addMenu("&Tag")
        self._choice_items(tags, [(t, t) for t in self._choices.tags], f.tag,
                           lambda v: replace(f, tag=v), none_text="No tags yet")
        owners = self.menu.addMenu("&Owner")
        self._choice_items(owners, [(o, o) for o in self._choices.owners], f.owner,
                           lambda v: replace(f, owner=v), none_text="No owners set")
        self.menu.addSeparator()
        clear = self.menu.addAction("&Clear Filters")
        clear.setEnabled(not f.empty)
        clear.triggered.connect(lambda: self.set_filter(ContactFilter()))

    def _choice_items(self, menu: QMenu, items: list, current, make, *,
                      none_text: str = "") -> None:
        if not items:
            menu.addAction(none_text).setEnabled(False)
            return
        exclusive = QActionGroup(menu)
        for value, text in items[:MAX_CHOICES]:
            action = QAction(text.replace("&", "&&"), menu)
            action.setCheckable(True)
            action.setChecked(value == current)
            exclusive.addAction(action)
            # Picking the one already chosen takes it off again.
            action.triggered.connect(
                lambda _c=False, v=value: self.set_filter(make(None if v == current else v)))
            menu.addAction(action)
        if len(items) > MAX_CHOICES:
            menu.addAction(f"{len(items) - MAX_CHOICES:,} more: search for them").setEnabled(
                False)

    # --- the chips ----------------------------------------------------------------------------

    def _show_chips(self) -> None:
        while self._chips.count():
            item = self._chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        f = self._filter
        groups = dict(self._choices.groups)
        chips = []
        if f.status is not None:
            chips.append(("status", f"Status: {status_label(f.status)}"))
        if f.group_id is not None:
            chips.append(("group_id", f"Group: {groups.get(f.group_id, '…')}"))
        if f.tag is not None:
            chips.append(("tag", f"Tag: {f.tag}"))
        if f.owner is not None:
            chips.append(("owner", f"Owner: {f.owner}"))
        for part, text in chips:
            chip = QToolButton()
            chip.setObjectName("filterChip")
            chip.setText(f"{text}  ✕".replace("&", "&&"))
            chip.setToolTip("Remove this filter")
            chip.clicked.connect(lambda _c=False, p=part: self.set_filter(
                self._filter.without(p)))
            self._chips.addWidget(chip)
        self.button.setText("Filter" if f.empty else f"Filter ({len(chips)})")

    def chip_texts(self) -> list[str]:
        out = []
        for i in range(self._chips.count()):
            item = self._chips.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QToolButton):
                out.append(widget.text().removesuffix("  ✕").replace("&&", "&"))
        return out
