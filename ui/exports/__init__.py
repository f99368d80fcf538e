"""Sending contacts out: the export dialog (File ▸ Export…).

    dialog = open_export(window, services, window.selected_ids(), group_id)
    dialog.said.connect(lambda text: window.statusBar().showMessage(text, 15000))

The dialog runs its reads on the window's read pool and the export on its writer thread, as
the import wizard does, and remembers its last folder, format and fields in the window's
preferences (QSettings)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from app.services.registry import Services
from ui.exports.choosers import AskReplace, ExportPicker, ask_replace
from ui.exports.dialog import ExportDialog
from ui.tasks import ChangeBus, ReadPool, Writer

__all__ = ["ExportDialog", "open_export"]


def open_export(parent_window: QWidget, services: Services, selection_ids: Sequence[int] = (),
                group_id: int | None = None, *, picker: ExportPicker | None = None,
                ask: AskReplace = ask_replace) -> ExportDialog:
    """Open the export dialog (window-modal, not blocking) over `parent_window`, offering the
    `selection_ids` as "the selected contacts" and starting on the group or saved search
    `group_id` when one is given (else on the selection when more than one contact is
    selected, else on all contacts). A window without its own read pool and writer (a
    MainWindow has both) gets ones of the dialog's own."""
    reads = getattr(parent_window, "reads", None)
    writer = getattr(parent_window, "writer", None)
    if not isinstance(reads, ReadPool):
        reads = ReadPool(parent_window)
    if not isinstance(writer, Writer):
        writer = Writer(ChangeBus(parent_window), parent_window)
    prefs = getattr(parent_window, "prefs", None)
    settings = getattr(prefs, "settings", None)
    dialog = ExportDialog(services, reads, writer, parent_window, selection=selection_ids,
                          group_id=group_id,
                          settings=settings if isinstance(settings, QSettings) else None,
                          picker=picker, ask=ask)
    dialog.open()
    return dialog
