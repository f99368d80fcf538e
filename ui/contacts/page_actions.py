"""The Contacts view's own actions (new, edit, log, walk, delete) with their keys, and the
list's right-click menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu

from app.domain.filters import SavedSearch
from app.domain.history import HistoryKind

if TYPE_CHECKING:
    from ui.contacts.page import ContactsPage

LOG_KINDS = ((HistoryKind.CALL, "&Log Call…", "Ctrl+L"),
             (HistoryKind.MEETING, "Log &Meeting…", "Ctrl+Shift+M"),
             (HistoryKind.NOTE, "Add &Note…", "Ctrl+Shift+L"),
             (HistoryKind.EMAIL, "Log E-&mail…", "Ctrl+Shift+E"))


@dataclass(frozen=True)
class PageActions:
    new: QAction
    edit: QAction
    delete: QAction
    log: list[QAction]
    next: QAction
    previous: QAction
    save_search: QAction


def make_actions(page: ContactsPage) -> PageActions:
    table = page.table
    new = QAction("&New Contact…", page)
    new.setShortcut(QKeySequence.StandardKey.New)
    new.triggered.connect(page.new_contact)
    edit = QAction("&Edit Contact…", page)
    edit.setShortcuts([QKeySequence("Ctrl+E"), QKeySequence("Return"), QKeySequence("Enter")])
    # Return opens the record only from the list; in a text box it means what it means.
    edit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    edit.setEnabled(False)
    edit.triggered.connect(page.edit_current)
    table.addAction(edit)
    table.doubleClicked.connect(lambda _index: page.edit_current())
    log: list[QAction] = []
    for kind, text, key in LOG_KINDS:
        action = QAction(text, page)
        action.setShortcut(QKeySequence(key))
        action.setEnabled(False)
        action.triggered.connect(lambda _c=False, k=kind: page.log(k))
        log.append(action)
    delete = QAction("&Delete", page)
    delete.setShortcut(QKeySequence.StandardKey.Delete)
    # Only while the list has the focus: in the search box Delete deletes text.
    delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    delete.setEnabled(False)
    delete.triggered.connect(page.delete_selected)
    table.addAction(delete)
    walk = []
    for text, key, step in (("Next Contact", "Ctrl+PgDown", 1),
                            ("Previous Contact", "Ctrl+PgUp", -1)):
        action = QAction(text, page)
        action.setShortcut(QKeySequence(key))
        # Anywhere in the Contacts view, the record pane's tabs included.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _c=False, s=step: page.walk(s))
        page.addAction(action)
        walk.append(action)
    save = QAction("Save &Search…", page)
    save.setShortcut(QKeySequence("Ctrl+Shift+S"))
    save.setStatusTip("Keep this search and its filters under a name, in the sidebar")
    save.setEnabled(False)
    save.triggered.connect(lambda: save_search(page))
    return PageActions(new, edit, delete, log, walk[0], walk[1], save)


def save_search(page: ContactsPage, name: str | None = None) -> None:
    """Keep what the list shows now (its search and filters) as a saved search."""
    search = SavedSearch(page.search_field.text().strip(), page.model.filters)
    if search.empty:
        return
    if name is None:
        suggested = search.text or "My search"
        name, ok = QInputDialog.getText(page, "Save Search",
                                        "Name for this search (it appears under Groups):",
                                        text=suggested)
        if not ok or not name.strip():
            return
    organize = page.services.organize
    chosen = name
    page.writer.run(lambda: organize.save_search(chosen, search), lambda _changes: page.said.emit(
        f"Saved the search as “{' '.join(chosen.split())}”: it is under Groups in the sidebar."))


def context_menu(page: ContactsPage, at: QPoint) -> None:
    menu = QMenu(page.table)
    bulk = page.bulk
    for action in (page.edit_action, page.log_actions[0], None, bulk.add_to_group, bulk.tag):
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)
    menu.addMenu(bulk.status_menu)
    menu.addSeparator()
    menu.addAction(bulk.copy)
    menu.addSeparator()
    menu.addAction(page.delete_action)
    menu.exec(at)
