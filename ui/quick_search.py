"""Ctrl+K: one box that finds people, companies, notes and history as you type, and runs
commands ("new contact", "go to trash"). A floating panel over the window, as Linear's
command palette: the field on top, the results under it grouped by kind, the keyboard in
charge (Up/Down move, Enter opens, Esc clears and a second Esc closes).

Every keystroke asks the read pool; there is no debounce, because a search costs less than
the gap between two keys. Each search carries a generation number and a result is shown only
if it is newer than the one on screen, so a slow search for "Ma" that lands after the one
for "Mar" never replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.services.directory import QuickResults
from app.services.registry import Services
from ui.search.delegate import ResultDelegate, blend
from ui.search.matching import Command
from ui.search.model import QuickSearchModel
from ui.search.rows import Row, RowKind, command_rows, failure_rows, result_rows
from ui.tasks import ReadPool

PLACEHOLDER = "Search people, companies, notes, or type > for commands…"
FOOTER = "↑↓ move · Enter open · Esc clear · > commands"
PANEL_WIDTH = 640  # px, as wide as a result line needs; narrower in a narrow window
PANEL_HEIGHT = 560  # px at most; the list scrolls inside it
MARGIN = 16  # px kept free around the panel
SCRIM_ALPHA = 90  # how much the window behind is dimmed (of 255)
# The keys that move through the results while the field keeps the focus.
MOVES = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_Tab: 1, Qt.Key.Key_Backtab: -1,
         Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}
RELEVANT = (Entity.CONTACT, Entity.ACCOUNT, Entity.HISTORY)


class _Panel(QFrame):
    """The floating box: a rounded card in the palette's base colour with a hairline edge."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802  Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        painter.setPen(blend(palette.color(QPalette.ColorRole.Text), base, 0.22))
        painter.setBrush(base)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)


class QuickSearch(QWidget):
    """The Ctrl+K box over `parent_window`. It covers the window while open (a dimmed
    backdrop; a click on it closes the box) and is hidden otherwise."""

    open_contact = Signal(int)
    open_account = Signal(int)
    open_history = Signal(int, object)  # history item id, its contact's id or None
    results_shown = Signal(str)  # the text whose results are now on screen

    def __init__(self, services: Services, reads: ReadPool, parent_window: QWidget):
        super().__init__(parent_window)
        self.setObjectName("quickSearch")
        self._directory = services.directory
        self._reads = reads
        self._commands: list[Command] = []
        self._runs: list[Callable[[], Any]] = []
        self._asked = 0  # generation of the latest search asked for
        self._shown = 0  # generation of the rows on screen
        self._shown_text = ""
        self._enter_waiting = False  # Enter was pressed before the latest results came
        self._came_from: QWidget | None = None

        self.panel = _Panel(self)
        self.panel.setObjectName("quickSearchPanel")
        self.field = QLineEdit()
        self.field.setObjectName("quickSearchField")
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setAccessibleName("Quick search")
        font = self.field.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
        self.field.setFont(font)
        self.field.installEventFilter(self)
        self.field.textChanged.connect(self._on_text)

        self.model = QuickSearchModel(self)
        self.results = QListView()
        self.results.setObjectName("quickSearchResults")
        self.results.setAccessibleName("Quick search results")
        self.results.setModel(self.model)
        self.delegate = ResultDelegate(self.results)
        self.results.setItemDelegate(self.delegate)
        # The field keeps the focus: typing never stops, and Up/Down reach every row.
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setFrameShape(QFrame.Shape.NoFrame)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setMouseTracking(True)
        self.results.setUniformItemSizes(False)
        # Rows are as wide as the viewport: laid out again when a scroll bar comes or goes.
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.clicked.connect(lambda index: self._activate(index.row()))
        self.results.entered.connect(self._hovered)

        self.footer = QLabel(FOOTER)
        self.footer.setObjectName("quickSearchFooter")
        self._tint_footer()

        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self.field)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.footer)

        parent_window.installEventFilter(self)  # to follow the window's size
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        self.hide()
        self._show_rows(0, command_rows("", self._commands) or [], "")

    # --- what the lead wires ------------------------------------------------------------

    def add_command(self, name: str, keywords: list[str], shortcut: QKeySequence | None,
                    run: Callable[[], Any]) -> None:
        """List a command under Commands. `shortcut` is only shown beside it (the action
        that owns it binds it); `run` is called after the box has closed."""
        shown = "" if shortcut is None or shortcut.isEmpty() else shortcut.toString(
            QKeySequence.SequenceFormat.NativeText)
        self._commands.append(Command(name, tuple(keywords), shown, len(self._commands)))
        self._runs.append(run)
        if self.isVisible() or command_rows(self.field.text(), self._commands) is not None:
            self._on_text(self.field.text())

    def open(self) -> None:
        """Show the box over the window with the field focused and its text selected, so
        typing starts a new search and Enter goes back to the last one."""
        if not self.isVisible():
            focused = QApplication.focusWidget()
            self._came_from = focused if focused is not None and not self.isAncestorOf(
                focused) else None
            self._place()
            self.show()
            if command_rows(self.field.text(), self._commands) is None:
                self._search(self.field.text())  # what was found then may have changed
        self.raise_()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def dismiss(self, *, give_focus_back: bool = True) -> None:
        """Close the box, keeping what was typed; the focus goes back where it was."""
        if not self.isVisible():
            return
        self._enter_waiting = False
        self.hide()
        back = self._came_from
        self._came_from = None
        if give_focus_back and back is not None:
            try:
                if back.isVisible():
                    back.setFocus(Qt.FocusReason.PopupFocusReason)
            except RuntimeError:  # the widget was deleted while the box was open
                pass

    def apply_changes(self, changes: ChangeSet) -> None:
        """Connect to the ChangeBus: open results follow edits, deletes and undos."""
        if not self.isVisible() or not any(changes.touches(e) for e in RELEVANT):
            return
        if command_rows(self.field.text(), self._commands) is None:
            self._search(self.field.text())

    @property
    def shown_text(self) -> str:
        """The text whose results are on screen (it trails the field while a search runs)."""
        return self._shown_text

    # --- searching ----------------------------------------------------------------------

    def _on_text(self, text: str) -> None:
        self._enter_waiting = False
        rows = command_rows(text, self._commands)
        if rows is not None:
            self._asked += 1
            self._show_rows(self._asked, rows, text)
            return
        self._search(text)

    def _search(self, text: str) -> None:
        self._asked += 1
        generation = self._asked
        directory = self._directory
        self._reads.run(lambda: directory.quick_search(text),
                        lambda results: self._arrived(generation, results),
                        lambda error: self._failed(generation, text, error))

    def _arrived(self, generation: int, results: QuickResults) -> None:
        if generation <= self._shown:  # an older keystroke's: a newer one is on screen
            return
        now = datetime.now().astimezone()
        self._show_rows(generation, result_rows(results, self._commands, now), results.text)

    def _failed(self, generation: int, text: str, error: BaseException) -> None:
        if generation > self._shown:
            self._show_rows(generation, failure_rows(error), text)

    def _show_rows(self, generation: int, rows: list[Row], text: str) -> None:
        current = self.model.row_at(self.results.currentIndex().row())
        same_text = text == self._shown_text
        self._shown, self._shown_text = generation, text
        self.model.set_rows(rows)
        # A refresh of the same search (an edit elsewhere) keeps the row the user was on.
        keep = next((i for i, r in enumerate(rows) if same_text and current is not None
                     and r.selectable and (r.kind, r.id) == (current.kind, current.id)), None)
        self._go_to(keep if keep is not None else self.model.first_selectable())
        self.results_shown.emit(text)
        if self._enter_waiting and generation == self._asked:
            self._enter_waiting = False
            self._activate(self.results.currentIndex().row())

    # --- the keyboard and the mouse -----------------------------------------------------

    def _go_to(self, row: int | None) -> None:
        if row is None:
            self.results.setCurrentIndex(QModelIndex())
            self.results.clearSelection()
            return
        index = self.model.index(row, 0)
        self.results.setCurrentIndex(index)
        if row == self.model.first_selectable():
            self.results.scrollToTop()  # the group's header with it
        else:
            self.results.scrollTo(index)

    def _move(self, step: int) -> None:
        row = self.results.currentIndex().row()
        if row < 0:
            self._go_to(self.model.first_selectable())
            return
        target: int | None = row
        for _ in range(abs(step)):
            after = self.model.next_selectable(target if target is not None else row,
                                               1 if step > 0 else -1)
            if after is None:
                break
            target = after
        self._go_to(target)

    def _hovered(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None and row.selectable:
            self.results.setCurrentIndex(index)

    def _enter(self) -> None:
        if self._asked > self._shown:  # the results for what is typed are on their way
            self._enter_waiting = True
            return
        self._activate(self.results.currentIndex().row())

    def _activate(self, index: int) -> None:
        row = self.model.row_at(index)
        if row is None or not row.selectable:
            return
        self.dismiss(give_focus_back=row.kind == RowKind.COMMAND)
        if row.kind == RowKind.CONTACT:
            self.open_contact.emit(row.id)
        elif row.kind == RowKind.ACCOUNT:
            self.open_account.emit(row.id)
        elif row.kind == RowKind.HISTORY:
            self.open_history.emit(row.id, row.contact_id)
        elif row.kind == RowKind.COMMAND:
            self._runs[row.id]()

    def _escape(self) -> None:
        if self.field.text():
            self.field.clear()
        else:
            self.dismiss()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  Qt's name
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            if self.isVisible():
                self._place()
        elif watched is self.field and isinstance(event, QKeyEvent):
            return self._field_key(event)
        return super().eventFilter(watched, event)

    def _field_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        ours = key in MOVES or key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
        if event.type() == QEvent.Type.ShortcutOverride:
            # Esc and Enter are the box's while it has the focus, whatever the window binds.
            if ours and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                event.accept()
                return True
            return False
        if event.type() != QEvent.Type.KeyPress or not ours:
            return False
        if key in MOVES:
            self._move(MOVES[key])
        elif key == Qt.Key.Key_Escape:
            self._escape()
        else:
            self._enter()
        return True

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # Focus taken elsewhere (a dialog, a click on a menu) closes the box, as a popup.
        if new is not None and self.isVisible() and not self.isAncestorOf(new):
            self.dismiss(give_focus_back=False)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802  Qt's name
        if not self.panel.geometry().contains(event.position().toPoint()):
            self.dismiss()
        event.accept()

    # --- the look -----------------------------------------------------------------------

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        area = parent.rect()
        self.setGeometry(area)
        width = max(min(PANEL_WIDTH, area.width() - 2 * MARGIN), 200)
        top = max(MARGIN, min(area.height() // 8, 96))
        height = max(min(PANEL_HEIGHT, area.height() - top - MARGIN), 160)
        self.panel.setGeometry((area.width() - width) // 2, top, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802  Qt's name
        scrim = self.palette().color(QPalette.ColorRole.Shadow)
        scrim.setAlpha(SCRIM_ALPHA)
        QPainter(self).fillRect(event.rect(), scrim)

    def _tint_footer(self) -> None:
        palette = self.footer.palette()
        source = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, blend(
            source.color(QPalette.ColorRole.Text), source.color(QPalette.ColorRole.Base), 0.55))
        self.footer.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802  Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._tint_footer()
        elif event.type() == QEvent.Type.FontChange:
            self.delegate.refresh_fonts()
