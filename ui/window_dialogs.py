"""The window's File ▸ Export…, Contact ▸ Merge… and Scan for Duplicates…: each opens its
dialog over the window with what the window knows (its selection, the group in the sidebar,
the default country) and shows what the dialog says in the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from ui.sidebar import GROUP_ROLE

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_SHOWN_MS = 15000


def export_contacts(window: MainWindow) -> None:
    """The export dialog, offering the contacts selected in the list, and starting on the
    group or saved search chosen in the sidebar."""
    from ui.exports import open_export

    item = window.sidebar.currentItem()
    group_id = item.data(GROUP_ROLE) if item is not None else None
    dialog = open_export(window, window.services, window.contacts.selected_ids(), group_id)
    dialog.said.connect(lambda text: window.statusBar().showMessage(text, _SHOWN_MS))
    window.export_dialog = dialog


def scan_duplicates(window: MainWindow) -> None:
    from ui import duplicates

    dialog = duplicates.open_scan(window, window.services, window.writer, reads=window.reads,
                                  region=window.prefs.default_country)
    dialog.said.connect(lambda text: window.statusBar().showMessage(text, _SHOWN_MS))


def merge_selected(window: MainWindow) -> None:
    """Merge the two contacts selected in the list, side by side; the first one selected
    (the older record, where the list has no order of selection) stays by default."""
    from ui import duplicates

    ids = window.contacts.selected_ids()
    if len(ids) != 2:
        QMessageBox.information(window, "Merge Contacts",
                                "Select the two contacts to merge (Ctrl+click the second), "
                                "then choose Merge again.")
        return
    keep, other = sorted(ids)
    dialog = duplicates.open_merge(window, window.services, window.writer, keep, other,
                                   reads=window.reads)
    dialog.said.connect(lambda text: window.statusBar().showMessage(text, _SHOWN_MS))
