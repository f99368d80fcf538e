"""The record pane's Relationships tab: the people the contact is related to, in both
directions and in the contact's own words ("Reports to Bob Smith", "Manages Alice Jones"),
each name a link to that person, with Add, Edit and Remove (all undoable).

    tab = RelationshipsTab(services, reads, writer)
    tab.open_contact.connect(...)   # (contact id): a name was followed
    tab.said.connect(...)           # a passing status message ("Removed ... Ctrl+Z ...")
    tab.show_contact(cid); tab.clear(); tab.apply_changes(changes)

Keys on a row: Return opens the other person, F2 edits, Delete removes; Up and Down move
between rows. Ctrl+Shift+R adds a relationship from anywhere in the tab.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import NotFoundError
from app.domain.relationship import RelationshipSummary
from app.services.registry import Services
from ui.contacts.form_bits import Note
from ui.contacts.relationship_dialog import RelationshipDialog
from ui.tasks import ReadPool, Writer

ADD_KEY = "Ctrl+Shift+R"
NARROW_ROW = 380  # px below which a row's Edit and Remove fold into one menu button


@dataclass(frozen=True)
class _Read:
    contact_id: int
    name: str
    rows: list[RelationshipSummary]


def _read(services: Services, cid: int) -> _Read:
    rows = services.relationships.of_contact(cid)
    found = services.directory.contact_summaries([cid])
    return _Read(cid, found[0].display_name if found else "", rows)


class NoteLine(Note):
    """A relationship's note on one line, cut short with "…" where the row is too narrow;
    the row's tooltip holds all of it."""

    def __init__(self, text: str, parent: QWidget | None = None):
        self.full = " · ".join(line.strip() for line in text.splitlines() if line.strip())
        super().__init__("", parent)
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.say(self.full)

    def resizeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideRight,
                                                   max(40, self.width())))


class RelationshipRow(QFrame):
    """One relationship: the phrase and the other person's name (a link), the note under
    them, and Edit and Remove. The row itself takes the focus; the keys act on it."""

    open_contact = Signal(int)
    edit_requested = Signal(object)  # the RelationshipSummary
    remove_requested = Signal(object)
    moved = Signal(object, int)  # (row, -1 up or +1 down)

    def __init__(self, summary: RelationshipSummary, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = summary
        self.setObjectName("relationshipRow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(summary.sentence)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.text = QLabel(f"{html.escape(summary.phrase)} <a href='{summary.other_id}'>"
                           f"{html.escape(summary.other_name or 'someone unnamed')}</a>")
        self.text.setObjectName("detailValue")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text.setMinimumWidth(80)
        # The row is the keyboard's stop; the link is for the mouse.
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text.linkActivated.connect(self._open)
        tip = summary.sentence + (f"\n\n{summary.note}" if summary.note else "")
        self.setToolTip(f"{tip}\n\nReturn opens {summary.other_name or 'them'}, F2 edits, "
                        "Delete removes")
        self.note = NoteLine(summary.note)
        # Bound methods, not lambdas over the row: PySide can crash deleting a widget whose
        # signal holds a closure over its parent.
        self.edit_button = self._button("Edit…", "Edit this relationship (F2)", self._edit)
        self.remove_button = self._button("Remove", "Remove this relationship (Delete); "
                                          "Ctrl+Z brings it back", self._remove)
        # In a narrow pane the two buttons give way to one that lists what they do.
        self.more_button = self._button("⋯", "Open, edit or remove", self._menu_below)
        self.more_button.hide()
        words = QVBoxLayout()
        words.setContentsMargins(0, 0, 0, 0)
        words.setSpacing(1)
        words.addWidget(self.text)
        words.addWidget(self.note)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 5, 4, 5)
        layout.setSpacing(4)
        layout.addLayout(words, 1)
        for button in (self.edit_button, self.remove_button, self.more_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)

    def _open(self, *_args) -> None:
        self.open_contact.emit(self.summary.other_id)

    def _edit(self) -> None:
        self.edit_requested.emit(self.summary)

    def _remove(self) -> None:
        self.remove_requested.emit(self.summary)

    def _button(self, text: str, tip: str, act) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row's keys do the same
        button.clicked.connect(act)
        return button

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802  Qt's name
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open()
        elif key == Qt.Key.Key_F2:
            self._edit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._remove()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.moved.emit(self, -1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)

    def actions_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction(f"Open {self.summary.other_name or 'Contact'}", self._open)
        menu.addAction("Edit…", self._edit)
        menu.addAction("Remove", self._remove)
        return menu

    def _menu(self, at: QPoint) -> None:
        self.actions_menu().exec(self.mapToGlobal(at))

    def _menu_below(self) -> None:
        self.actions_menu().exec(self.more_button.mapToGlobal(
            QPoint(0, self.more_button.height())))

    def resizeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW_ROW
        self.edit_button.setVisible(not narrow)
        self.remove_button.setVisible(not narrow)
        self.more_button.setVisible(narrow)

    def focusInEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802  Qt's name
        if self.hasFocus():  # the current row, in the palette's own selection colour
            colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            colour.setAlpha(70)
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 6, 6)
            painter.end()
        super().paintEvent(event)


class RelationshipsTab(QWidget):
    open_contact = Signal(int)
    said = Signal(str)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.reads, self.writer = services, reads, writer
        self._cid: int | None = None
        self._name = ""
        self._asked = 0  # reads asked for; an answer for an older one is dropped
        self._focus_at: int | None = None  # the row to focus once the list is read again
        self.loaded = False
        self.summaries: list[RelationshipSummary] = []
        self.rows: list[RelationshipRow] = []
        self.dialog: RelationshipDialog | None = None
        self._editing_at: int | None = None  # the row the open dialog edits

        self.body = QWidget()
        self.body.setObjectName("recordTabBody")
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(12, 10, 12, 10)
        self.column.setSpacing(2)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.body)
        # The empty state acts: what the tab is for, and the button that does it.
        self.empty = QWidget()
        self.empty_text = QLabel()
        self.empty_text.setObjectName("quietText")
        self.empty_text.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_add_button = self._add_button()
        self.empty_add_button.setObjectName("primaryButton")
        empty = QVBoxLayout(self.empty)
        empty.setContentsMargins(12, 18, 12, 12)
        empty.setSpacing(12)
        empty.addWidget(self.empty_text)
        empty.addWidget(self.empty_add_button, 0, Qt.AlignmentFlag.AlignHCenter)

        self.add_button = self._add_button()
        self.add_action = QAction("Add Relationship…", self)
        self.add_action.setShortcut(QKeySequence(ADD_KEY))
        self.add_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.add_action.triggered.connect(self.add_relationship)
        self.addAction(self.add_action)
        self.bar = QWidget()
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(20, 6, 20, 10)
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.bar)
        self.clear()

    def _add_button(self) -> QPushButton:
        button = QPushButton("Add Relationship…")
        button.setToolTip(f"Record how this contact is related to someone ({ADD_KEY})")
        button.clicked.connect(self.add_relationship)
        return button

    @property
    def contact_id(self) -> int | None:
        return self._cid

    # --- what is shown --------------------------------------------------------------------------

    def show_contact(self, contact_id: int) -> None:
        if contact_id != self._cid:
            self._cid, self.loaded, self._focus_at = contact_id, False, None
        self._asked += 1
        asked, services = self._asked, self.services
        self.add_action.setEnabled(True)
        self.reads.run(lambda: _read(services, contact_id),
                       lambda found: self._arrived(asked, found),
                       lambda error: self._failed(asked, error))

    def clear(self) -> None:
        """No contact: nothing to list, nothing to add to."""
        self._cid, self._name, self.loaded, self.summaries = None, "", False, []
        self._asked += 1
        self._fill([])
        self.empty_text.setText("Choose a contact to see the people they are related to.")
        self.empty_add_button.hide()
        self.add_action.setEnabled(False)

    def apply_changes(self, changes: ChangeSet) -> None:
        if self._cid is not None and self._concerns(changes):
            self.show_contact(self._cid)

    def _concerns(self, changes: ChangeSet) -> bool:
        if changes.everything or changes.inserted.get(Entity.RELATIONSHIP):
            return True
        shown = {s.id for s in self.summaries}
        if any(shown & d.get(Entity.RELATIONSHIP, frozenset())
               for d in (changes.updated, changes.deleted)):
            return True
        # A person trashed or restored comes off or back on the list; one renamed reads anew.
        if changes.inserted.get(Entity.CONTACT) or changes.deleted.get(Entity.CONTACT):
            return True
        people = {s.other_id for s in self.summaries} | {self._cid}
        return bool(people & changes.updated.get(Entity.CONTACT, frozenset()))

    def _arrived(self, asked: int, found: _Read) -> None:
        if not shiboken6.isValid(self) or asked != self._asked:
            return
        self._name, self.summaries, self.loaded = found.name, found.rows, True
        self._fill(found.rows)
        self.empty_text.setText(
            f"No relationships for {found.name or 'this contact'} yet. Record who they "
            "report to, assist, are married to, or were referred by.")
        self.empty_add_button.show()

    def _failed(self, asked: int, error: BaseException) -> None:
        if not shiboken6.isValid(self) or asked != self._asked:
            return
        if isinstance(error, NotFoundError):
            self.clear()  # deleted for good meanwhile: the list's own change moves on
            return
        self._fill([])
        self.empty_text.setText(f"The relationships could not be read ({error}). Choose the "
                                "contact again to try once more.")
        self.empty_add_button.hide()

    def _fill(self, summaries: list[RelationshipSummary]) -> None:
        had_focus = any(row.hasFocus() for row in self.rows)
        while self.column.count():
            item = self.column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.empty:
                widget.hide()
                widget.deleteLater()
        self.rows = []
        for summary in summaries:
            row = RelationshipRow(summary)
            row.open_contact.connect(self.open_contact)
            row.edit_requested.connect(self.edit_relationship)
            row.remove_requested.connect(self.remove_relationship)
            row.moved.connect(self._move)
            self.rows.append(row)
            self.column.addWidget(row)
            row.show()  # now, not when the layout gets round to it: focus may go into it
        self.empty.setVisible(not summaries)
        if not summaries:
            self.column.addWidget(self.empty)
        self.column.addStretch(1)
        self.bar.setVisible(bool(summaries))
        self._restore_focus(had_focus)

    def _restore_focus(self, had_focus: bool) -> None:
        at, self._focus_at = self._focus_at, None
        if at is None and not had_focus:
            return
        if self.rows:
            self.rows[min(at or 0, len(self.rows) - 1)].setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.empty_add_button.isVisible():
            self.empty_add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _move(self, row: RelationshipRow, step: int) -> None:
        at = self.rows.index(row) + step
        if 0 <= at < len(self.rows):
            self.rows[at].setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll_area.ensureWidgetVisible(self.rows[at], 0, 4)

    # --- what the user does ---------------------------------------------------------------------

    def add_relationship(self) -> None:
        self._open_dialog(None)

    def edit_relationship(self, summary: RelationshipSummary) -> None:
        self._open_dialog(summary)

    def _open_dialog(self, summary: RelationshipSummary | None) -> None:
        if self._cid is None:
            return
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        dialog = RelationshipDialog(self.services, self.reads, self.writer, self._cid,
                                    self._name or "This contact", summary, self)
        self._editing_at = self._index_of(summary.id) if summary is not None else None
        # A bound method, not a closure over the dialog: PySide crashes deleting a sender
        # whose connected closure holds it.
        dialog.saved.connect(self._dialog_saved)
        self.dialog = dialog
        dialog.show()
        (dialog.person if summary is None else dialog.role).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def _dialog_saved(self, sentence: str, edited: bool) -> None:
        self._focus_at = self._editing_at
        self.said.emit(f"{'Saved' if edited else 'Added'}: {sentence} Ctrl+Z undoes it.")

    def _index_of(self, relationship_id: int | None) -> int | None:
        return next((i for i, row in enumerate(self.rows)
                     if row.summary.id == relationship_id), None)

    def remove_relationship(self, summary: RelationshipSummary) -> None:
        rid = summary.id
        if rid is None:
            return
        self._focus_at = self._index_of(rid)
        service = self.services.relationships
        self.writer.run(lambda: service.remove(rid), lambda _c: self.said.emit(
            f"Removed: {summary.sentence}. Ctrl+Z brings it back."))
