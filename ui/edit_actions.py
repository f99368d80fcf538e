"""Undo and Redo over the change journal, named after what they would take back ("Undo Delete
3 contacts"), so they survive a restart and cover every change, the command line's too.

The window asks the journal what can be undone after every change on the bus; the menu only
offers what the journal can do. Undo itself is a write like any other, on the writer thread,
and its ChangeSet refreshes the views through the bus.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from app.services.journal import JournalService, UnitInfo
from ui.errors import show_error
from ui.tasks import ReadPool, Writer

MAX_LABEL = 48  # characters of a unit's label in a menu entry (a file name can be long)


def shown_label(label: str) -> str:
    """A unit's label as a menu shows it: one line, not too long, `&` not a mnemonic."""
    text = " ".join(label.split())
    if len(text) > MAX_LABEL:
        text = text[:MAX_LABEL - 1].rstrip() + "…"
    return text.replace("&", "&&")


def _redone(undo: UnitInfo) -> str:
    """What redo brings back: the change the undo took back ("Undo Edit X" -> "Edit X")."""
    return undo.label[5:] if undo.label.startswith("Undo ") else undo.label


class EditActions(QObject):
    """The Edit menu's Undo and Redo, and the status bar's "Undo: ..." hint."""

    hint_changed = Signal(str)

    def __init__(self, journal: JournalService, reads: ReadPool, writer: Writer,
                 parent: QWidget):
        super().__init__(parent)
        self._journal, self._reads, self._writer = journal, reads, writer
        self._window = parent
        self._running = False
        self._targets: tuple[UnitInfo | None, UnitInfo | None] = (None, None)
        self.undo = QAction("&Undo", parent)
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo.triggered.connect(self.run_undo)
        self.redo = QAction("&Redo", parent)
        keys = {k.toString(): k for k in (
            *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo),
            QKeySequence("Ctrl+Shift+Z"))}
        self.redo.setShortcuts(list(keys.values()))
        self.redo.triggered.connect(self.run_redo)
        self._show((None, None))
        writer.bus.changed.connect(self.refresh)
        self.refresh()

    @property
    def idle(self) -> bool:
        return not self._running

    def refresh(self, *_args) -> None:
        journal = self._journal
        self._reads.run(lambda: (journal.undo_target(), journal.redo_target()), self._show)

    def _show(self, targets: tuple[UnitInfo | None, UnitInfo | None]) -> None:
        self._targets = targets
        undo, redo = targets
        self.undo.setText(f"&Undo {shown_label(undo.label)}" if undo else "&Undo")
        self.redo.setText(f"&Redo {shown_label(_redone(redo))}" if redo else "&Redo")
        self.undo.setEnabled(undo is not None and not self._running)
        self.redo.setEnabled(redo is not None and not self._running)
        self.hint_changed.emit(f"Undo: {shown_label(undo.label).replace('&&', '&')}"
                               if undo else "")

    def run_undo(self) -> None:
        if self._targets[0] is not None:
            self._run(self._journal.undo)

    def run_redo(self) -> None:
        if self._targets[1] is not None:
            self._run(self._journal.redo)

    def _run(self, op) -> None:
        if self._running:  # a second Ctrl+Z while the first is still writing
            return
        self._running = True
        self.undo.setEnabled(False)
        self.redo.setEnabled(False)
        self._writer.run(op, self._finished, self._failed)

    def _finished(self, _changes) -> None:
        self._running = False
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        # Refused (something changed since) or failed: said in words, and the menu re-read,
        # since the journal may have moved under us.
        self._running = False
        show_error(self._window, error)
        self.refresh()
