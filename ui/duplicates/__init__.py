"""Scan for Duplicates and Merge Contacts, as the window opens them (see scan.py, merge.py).

    from ui import duplicates
    duplicates.open_scan(window, services, window.writer, reads=window.reads,
                         region=window.prefs.default_country)
    duplicates.open_merge(window, services, window.writer, keep_id, other_id,
                          reads=window.reads)

Both return the dialog, already shown; connect its `said(str)` to the status bar."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from app.services.registry import Services
from ui.duplicates.merge import MergeDialog
from ui.duplicates.scan import DuplicatesDialog
from ui.tasks import ReadPool, Writer

__all__ = ["DuplicatesDialog", "MergeDialog", "open_merge", "open_scan"]


def open_scan(parent: QWidget, services: Services, writer: Writer, *,
              reads: ReadPool | None = None, region: str | None = None) -> DuplicatesDialog:
    """The scan dialog, scanning at once. It is not modal (the records stay at hand while
    the pairs are looked at), so asking again brings the one already open to the front.
    `region`: the country numbers without a country code are read in (the settings' default
    country); by default the machine's."""
    for open_one in parent.findChildren(DuplicatesDialog):
        if open_one.isVisible():
            open_one.raise_()
            open_one.activateWindow()
            return open_one
    dialog = DuplicatesDialog(services, writer, parent, reads=reads, region=region)
    dialog.show()
    dialog.scan()
    return dialog


def open_merge(parent: QWidget, services: Services, writer: Writer, keep_id: int,
               other_id: int, *, reads: ReadPool | None = None,
               reasons: Sequence[str] = ()) -> MergeDialog:
    """The two contacts side by side (window-modal), `keep_id` the one that stays unless the
    user picks the other; the merge runs on `writer` and is one Undo."""
    dialog = MergeDialog(services, writer, keep_id, other_id, parent, reads=reads,
                         reasons=reasons)
    dialog.open()
    return dialog
