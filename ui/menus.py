"""The main window's menu bar and the commands its quick search runs: every action in one
place, each entry with its key."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui import window_dialogs
from ui.sidebar import VIEW_NAMES, View

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def _fill(menu: QMenu, actions: list[QAction | None]) -> None:
    """The actions in order, None for a separator."""
    for action in actions:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)


def make_menus(self: MainWindow) -> None:
    """The menu bar: every action the window has, each with its key."""
    file_menu = self.menuBar().addMenu("&File")
    import_action = QAction("&Import…", self)
    import_action.setShortcut(QKeySequence("Ctrl+I"))
    import_action.setStatusTip("Bring in address books (vCard, CSV) and calendars (.ics), or "
                               "drop files on the window")
    import_action.triggered.connect(lambda: self.import_files())
    file_menu.addAction(import_action)
    export_action = self.export_action = QAction("&Export…", self)
    export_action.setShortcut(QKeySequence("Ctrl+Alt+E"))
    export_action.setStatusTip("Write contacts to a vCard or CSV file: all of them, the "
                               "selection, a group or a saved search")
    export_action.triggered.connect(lambda: window_dialogs.export_contacts(self))
    file_menu.addAction(export_action)
    file_menu.addSeparator()
    data_file = self.data_file_action = QAction("&Data File…", self)
    data_file.setStatusTip("Back up, restore, or open another database")
    data_file.setShortcut(QKeySequence("Ctrl+Shift+D"))
    data_file.triggered.connect(lambda: self.show_settings("Data File"))
    file_menu.addAction(data_file)
    settings = self.settings_action = QAction("&Settings…", self)
    settings.setShortcut(QKeySequence.StandardKey.Preferences)
    if settings.shortcut().isEmpty():  # most Linux desktops have no standard key
        settings.setShortcut(QKeySequence("Ctrl+,"))
    settings.setMenuRole(QAction.MenuRole.PreferencesRole)
    settings.triggered.connect(lambda: self.show_settings())
    file_menu.addAction(settings)
    file_menu.addSeparator()
    quit_action = QAction("&Quit", self)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    if quit_action.shortcut().isEmpty():  # Windows has no standard Quit key
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
    quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    quit_action.triggered.connect(self.close)
    file_menu.addAction(quit_action)

    edit_menu = self.menuBar().addMenu("&Edit")
    edit_menu.addAction(self.edit.undo)
    edit_menu.addAction(self.edit.redo)
    edit_menu.addSeparator()
    edit_menu.addAction(self.contacts.bulk.copy)
    quick = QAction("&Quick Search…", self)
    quick.setShortcut(QKeySequence("Ctrl+K"))
    quick.setStatusTip("Find people, companies, notes and history, or run a command")
    quick.triggered.connect(self.quick.open)
    edit_menu.addAction(quick)
    find = QAction("&Find in List", self)
    find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
    find.triggered.connect(self.focus_search)
    edit_menu.addAction(find)

    view_menu = self.menuBar().addMenu("&View")
    for view in View:
        go = QAction(VIEW_NAMES[view], self)
        go.setShortcut(QKeySequence(f"Ctrl+{view + 1}"))
        go.triggered.connect(lambda _checked=False, v=view: self.show_view(v))
        view_menu.addAction(go)

    contact_menu = self.menuBar().addMenu("&Contact")
    page = self.contacts
    contact_menu.addAction(page.new_action)
    contact_menu.addAction(page.edit_action)
    contact_menu.addSeparator()
    contact_menu.addAction(page.previous_action)
    contact_menu.addAction(page.next_action)
    contact_menu.addSeparator()
    for action in page.log_actions:
        contact_menu.addAction(action)
    contact_menu.addSeparator()
    contact_menu.addAction(page.save_search_action)
    contact_menu.addSeparator()
    contact_menu.addAction(page.bulk.add_to_group)
    contact_menu.addAction(page.bulk.tag)
    contact_menu.addMenu(page.bulk.status_menu)
    contact_menu.addSeparator()
    merge = self.merge_action = QAction("&Merge Two Contacts…", self)
    merge.setShortcut(QKeySequence("Ctrl+Alt+M"))
    merge.setStatusTip("The two selected contacts side by side, to keep as one")
    merge.triggered.connect(lambda: window_dialogs.merge_selected(self))
    scan = self.scan_action = QAction("Scan for &Duplicates…", self)
    scan.setShortcut(QKeySequence("Ctrl+Alt+D"))
    scan.setStatusTip("Find contacts that are likely the same person, to merge")
    scan.triggered.connect(lambda: window_dialogs.scan_duplicates(self))
    _fill(contact_menu, [merge, scan, None, page.delete_action])

    account_menu = self.menuBar().addMenu("&Account")
    accounts = self.accounts
    accounts.new_action.triggered.connect(lambda: self.show_view(View.ACCOUNTS))
    _fill(account_menu, [accounts.new_action, accounts.edit_action, None,
                         accounts.previous_action, accounts.next_action, None,
                         accounts.delete_action])

    group_menu = self.menuBar().addMenu("&Group")
    groups = self.groups
    # New Group works from any view; the others act on the Groups view's selection.
    groups.new_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    groups.new_action.setShortcut(QKeySequence("Ctrl+Alt+N"))  # Ctrl+Shift+N: New Account
    groups.new_action.triggered.connect(lambda: self.show_view(View.GROUPS))
    _fill(group_menu, [groups.new_action, groups.rename_action, groups.delete_action, None,
                       groups.remove_member_action])

    help_menu = self.menuBar().addMenu("&Help")
    about = QAction("&About Rolodeck", self)
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(self._show_about)
    help_menu.addAction(about)

# --- remembering how the window was left --------------------------------------------------


def add_commands(self: MainWindow) -> None:
    """What the quick search box runs when a command is typed ("new contact"...)."""
    page = self.contacts
    commands: list[tuple[str, list[str], QAction]] = [
        ("New contact", ["add", "person", "create"], page.new_action),
        ("New account", ["add", "company", "create"], self.accounts.new_action),
        ("New group", ["add", "create"], self.groups.new_action),
        ("Log call", ["phone", "call"], page.log_actions[0]),
        ("Log meeting", ["meeting"], page.log_actions[1]),
        ("Add note", ["note"], page.log_actions[2]),
        ("Undo", ["back"], self.edit.undo),
        ("Redo", ["again"], self.edit.redo),
        ("Settings", ["preferences", "options", "country", "theme", "dark"],
         self.settings_action),
        ("Back up now", ["backup", "save", "copy", "restore", "database"],
         self.data_file_action),
        ("Export contacts", ["vcard", "csv", "save", "file"], self.export_action),
        ("Scan for duplicates", ["merge", "same", "twice", "clean"], self.scan_action),
        ("Merge two contacts", ["combine", "duplicate"], self.merge_action),
    ]
    for name, words, action in commands:
        self.quick.add_command(name, words, action.shortcut(), action.trigger)
    for view in View:
        self.quick.add_command(f"Go to {VIEW_NAMES[view].lower()}", ["show", "open"],
                               QKeySequence(f"Ctrl+{view + 1}"),
                               functools.partial(self.show_view, view))
