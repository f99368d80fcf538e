"""A record's History: what happened with a contact (or with everyone at a company), newest
first, filterable by kind, with the journal's field changes merged in on request.

    view = TimelineView(services, reads, writer, parent)
    bus.changed.connect(view.apply_changes)
    view.show_contact(contact_id)      # or view.show_account(account_id), view.clear()
    view.log_requested.connect(...)    # (HistoryKind) the empty state's "Log a call"
    view.said.connect(status_bar.showMessage)

Reads go through the ReadPool a page at a time; every change (delete, restore a value) is a
Writer job and one Undo step; editing opens the LogDialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.errors import RolodeckError
from app.domain.history import HistoryKind
from app.services.registry import Services
from app.services.wording import plural
from ui.history.delegate import TimelineDelegate
from ui.history.empty_state import EmptyState
from ui.history.field_changes import field_name
from ui.history.labels import now_local
from ui.history.log_dialog import LogDialog
from ui.history.model import RowRole, TimelineModel
from ui.history.rows import TimelineRow
from ui.history.subject import Subject, source_for
from ui.tasks import ReadPool, Writer

# The filter's choices: (label, kinds shown; None for every kind, the empty-state noun).
FILTERS: tuple[tuple[str, frozenset[HistoryKind] | None, str], ...] = (
    ("All", None, "history"),
    ("Calls", frozenset({HistoryKind.CALL}), "calls"),
    ("Meetings", frozenset({HistoryKind.MEETING}), "meetings"),
    ("Notes", frozenset({HistoryKind.NOTE}), "notes"),
    ("E-mails", frozenset({HistoryKind.EMAIL}), "e-mails"),
    ("Cleared activities", frozenset({HistoryKind.TODO_DONE}), "cleared activities"),
)


class TimelineView(QWidget):
    log_requested = Signal(object)  # a HistoryKind: "Log a call" in the empty state
    said = Signal(str)  # what a delete or a restore did, for the status bar

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None, *, now: Callable[[], datetime] = now_local):
        super().__init__(parent)
        self.setObjectName("timeline")
        self.services, self.reads, self.writer = services, reads, writer
        self._subject: Subject | None = None
        self._stale = False
        self._error: BaseException | None = None
        self._keep: tuple[tuple, int, int] | None = None  # key, row and scroll over a reload

        self.model = TimelineModel(reads.run, self, now=now)
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("timelineFilter")
        for label, kinds, _noun in FILTERS:
            self.filter_box.addItem(label, kinds)
        self.filter_box.setToolTip("Show only one kind of history")
        # Narrow panes: the box gives way to the check box beside it rather than cut it off.
        self.filter_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.filter_box.setMinimumContentsLength(7)
        show = QLabel("&Show")
        show.setBuddy(self.filter_box)
        self.changes_box = QCheckBox("&Changes")
        self.changes_box.setObjectName("timelineFieldChanges")
        self.changes_box.setToolTip("Merge in what was changed in this record and when, with "
                                    "a way to put an old value back")
        bar = QHBoxLayout()
        bar.setContentsMargins(12, 8, 12, 8)
        bar.setSpacing(8)
        bar.addWidget(show)
        bar.addWidget(self.filter_box)
        bar.addSpacing(8)
        bar.addWidget(self.changes_box)
        bar.addStretch(1)
        top = QWidget()
        top.setObjectName("timelineBar")
        top.setLayout(bar)

        self.list = QListView()
        self.list.setObjectName("timelineList")
        self.list.setModel(self.model)
        self.delegate = TimelineDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setMouseTracking(True)  # the hand over "Restore this value"
        self.list.viewport().installEventFilter(self)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)

        self.empty = EmptyState()
        self.empty.button.clicked.connect(self._empty_action)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.list)
        self.pages.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.pages, 1)
        self.setFocusProxy(self.list)

        self.edit_action = self._action("&Edit…", self.edit_current, "Return", "Enter")
        self.delete_action = self._action("&Delete", self.delete_selected,
                                          QKeySequence(QKeySequence.StandardKey.Delete))
        self.restore_action = self._action("&Restore this value", self.restore_current,
                                           "Ctrl+R")
        self.copy_action = self._action("&Copy", self.copy_selected,
                                        QKeySequence(QKeySequence.StandardKey.Copy))

        self.filter_box.currentIndexChanged.connect(self._filter_changed)
        self.changes_box.toggled.connect(self.model.set_with_changes)
        self.list.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        self.delegate.restore_clicked.connect(self.restore_value_at)
        self.list.selectionModel().selectionChanged.connect(self._update_actions)
        self.list.selectionModel().currentChanged.connect(self._update_actions)
        self.model.loaded.connect(self._update_page)
        self.model.failed.connect(self._read_failed)
        self.model.modelAboutToBeReset.connect(self._remember_place)
        self.model.modelReset.connect(self._restore_place)
        self.model.rowsInserted.connect(self._update_page)
        self._update_page()
        self._update_actions()

    def _action(self, text: str, slot: Callable[[], None], *keys) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k)
                             for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.list.addAction(action)
        return action

    # --- what is shown ------------------------------------------------------------------------

    @property
    def entity(self) -> Entity | None:
        return self._subject.entity if self._subject else None

    @property
    def record_id(self) -> int | None:
        return self._subject.id if self._subject else None

    @property
    def loaded(self) -> bool:
        """The first page (or the reload after a change) is on show."""
        return self._subject is None or (self.model.ready and not self.model.busy)

    def show_contact(self, contact_id: int, name: str = "") -> None:
        """The contact's timeline. `name` (their display name, when the caller has it) saves
        reading it: it titles the log dialog, and "with" leaves it out."""
        self._show(Subject(Entity.CONTACT, contact_id, {"name": name} if name else {}))

    def show_account(self, account_id: int, name: str = "") -> None:
        """The company's own history and its people's, rolled up."""
        self._show(Subject(Entity.ACCOUNT, account_id, {"name": name} if name else {}))

    def clear(self) -> None:
        self._subject = None
        self._error = None
        self.model.set_source(None)
        self._update_page()

    def _show(self, subject: Subject) -> None:
        self._subject, self._error, self._stale, self._keep = subject, None, False, None
        self.model.set_source(source_for(self.services, subject))
        self.list.scrollToTop()
        self._update_page()

    def apply_changes(self, changes: ChangeSet) -> None:
        """Read again when the history, or the record shown, changed (here or elsewhere)."""
        subject = self._subject
        if subject is None or not subject.touched_by(changes):
            return
        if subject.renamed_by(changes):
            subject.name.clear()  # renamed, perhaps: read the name again with the next page
        if not self.isVisible():
            self._stale = True  # read when it is shown: a hidden tab need not keep up
            return
        self._error = None
        self.model.reload()

    def showEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().showEvent(event)
        if self._stale and self._subject is not None:
            self._stale = False
            self.model.reload()

    # --- empty, failed ------------------------------------------------------------------------

    def _read_failed(self, error: BaseException) -> None:
        self._error = error
        self._update_page()

    def _update_page(self, *_args) -> None:
        shown = self.model.rowCount() > 0 or not self.model.ready or self.model.busy
        subject, say = self._subject, self.empty.say
        if subject is not None and self._error is not None and not self.model.rowCount():
            why = str(self._error).rstrip(". ") if isinstance(self._error, RolodeckError) \
                else "Something went wrong while reading it"
            say("The history could not be read", f"{why}. Try again; if it keeps failing, "
                "close and open the database again.", "Try again")
            shown = False
        elif subject is None:
            say("No record chosen", "Choose a contact or a company to see its history.")
            shown = False
        elif not shown and self.model.filtered:
            noun = FILTERS[self.filter_box.currentIndex()][2]
            say(f"No {noun} here yet", "Other kinds of history are hidden by the filter.",
                "Show all history")
        elif not shown:
            whose = "this company's people" if subject.entity is Entity.ACCOUNT \
                else "this contact"
            say("No history yet", f"Calls, meetings, notes and e-mails logged with {whose} "
                "show here, newest first.", "Log a call")
        self.pages.setCurrentIndex(0 if shown else 1)

    def _empty_action(self) -> None:
        if self._error is not None and self._subject is not None:
            self._show(self._subject)
        elif self.model.filtered:
            self.filter_box.setCurrentIndex(0)
        elif self._subject is not None:
            self.log_requested.emit(HistoryKind.CALL)

    def _filter_changed(self, index: int) -> None:
        self.model.set_kinds(FILTERS[index][1])
        self._update_page()

    # --- keeping the place over a reload ------------------------------------------------------

    def _remember_place(self) -> None:
        current = self.model.row(self.list.currentIndex().row())
        self._keep = (current.key, self.list.currentIndex().row(),
                      self.list.verticalScrollBar().value()) if current else None

    def _restore_place(self) -> None:
        keep, self._keep = self._keep, None
        self._update_page()
        if keep is None or not self.model.rowCount():
            return
        key, old_row, scroll = keep
        row = self.model.row_of(key)
        if row is None:  # it was deleted: the one that took its place
            row = min(old_row, self.model.rowCount() - 1)
        self.select_row(row)
        self.list.verticalScrollBar().setValue(scroll)

    # --- acting on rows -----------------------------------------------------------------------

    def select_row(self, row: int) -> None:
        """Make `row` the current row and the only one selected (whatever keys are down)."""
        index = self.model.index(row)
        if index.isValid():
            flags = QItemSelectionModel.SelectionFlag
            self.list.selectionModel().setCurrentIndex(
                index, flags.ClearAndSelect | flags.Rows)
            self.list.scrollTo(index)

    def selected_rows(self) -> list[TimelineRow]:
        rows = sorted(i.row() for i in self.list.selectionModel().selectedRows())
        return [r for n in rows if (r := self.model.row(n)) is not None]

    def current_row(self) -> TimelineRow | None:
        return self.model.row(self.list.currentIndex().row())

    def _update_actions(self, *_args) -> None:
        current = self.current_row()
        items = [r for r in self.selected_rows() if r.history_id is not None]
        self.edit_action.setEnabled(current is not None and current.history_id is not None)
        self.delete_action.setEnabled(bool(items))
        self.delete_action.setText(f"&Delete {plural(len(items), 'item')}" if len(items) > 1
                                   else "&Delete")
        self.restore_action.setEnabled(current is not None and current.restorable)
        self.copy_action.setEnabled(bool(self.selected_rows()))

    def edit_current(self) -> None:
        self.edit_row(self.list.currentIndex().row())

    def edit_row(self, row: int) -> LogDialog | None:
        found = self.model.row(row)
        if found is None or found.history_id is None:
            return None
        return LogDialog.edit(self.services, self.reads, self.writer, found.history_id,
                              self.window())

    def open_log_dialog(self, kind: HistoryKind = HistoryKind.CALL) -> LogDialog | None:
        """Log a new item for the record shown (what log_requested asks for)."""
        subject = self._subject
        if subject is None:
            return None
        about = subject.name.get("name", "")
        opener = LogDialog.for_contact if subject.entity is Entity.CONTACT \
            else LogDialog.for_account
        return opener(self.services, self.writer, subject.id, kind, self.window(), about=about)

    def delete_selected(self) -> None:
        ids = [r.history_id for r in self.selected_rows() if r.history_id is not None]
        if not ids:
            return
        timeline = self.services.timeline
        words = f"Deleted {plural(len(ids), 'history item')}. Edit > Undo brings " + (
            "it back." if len(ids) == 1 else "them back.")
        self.writer.run(lambda: timeline.delete(ids), lambda _c: self.said.emit(words))

    def restore_current(self) -> None:
        self.restore_value_at(self.list.currentIndex().row())

    def restore_value_at(self, row: int) -> None:
        """Put back the value a field change replaced, as a change (and Undo step) of its own."""
        found, subject = self.model.row(row), self._subject
        if found is None or subject is None or not found.restorable or found.field is None \
                or found.change_id is None:
            return
        journal, entity, rid = self.services.journal, subject.entity, subject.id
        change_id, name = found.change_id, found.field
        words = f"Restored the earlier {field_name(entity, name).lower()}."
        self.writer.run(lambda: journal.restore_value(entity, rid, change_id, name),
                        lambda _c: self.said.emit(words))

    def copy_selected(self) -> None:
        lines = []
        for r in self.selected_rows():
            lines.append(f"{self.model.when_text(r)}\t{r.pill}\t{r.title}")
            lines.extend(f"\t\t{x}" for x in (r.meta, *r.details) if x)
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))

    def menu_for(self, row: int) -> QMenu | None:
        """The right-click menu of a row (after making it current), or None off the rows."""
        found = self.model.row(row)
        if found is None:
            return None
        index = self.model.index(row)
        if not self.list.selectionModel().isSelected(index):
            self.select_row(row)
        else:  # a right-click inside a selection acts on all of it
            self.list.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate)
        self._update_actions()
        menu = QMenu(self)
        if found.is_change:
            menu.addAction(self.restore_action)
        else:
            menu.addAction(self.edit_action)
            menu.addAction(self.delete_action)
        menu.addSeparator()
        menu.addAction(self.copy_action)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802  Qt's name
        if event.reason() == QContextMenuEvent.Reason.Keyboard:  # the Menu key, Shift+F10
            index = self.list.currentIndex()
            point = self.list.visualRect(index).center()
        else:
            point = self.list.viewport().mapFromGlobal(event.globalPos())
            index = self.list.indexAt(point)
        menu = self.menu_for(index.row()) if index.isValid() else None
        if menu is not None:
            menu.exec(self.list.viewport().mapToGlobal(point))
            menu.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.list.viewport() and event.type() == QEvent.Type.MouseMove \
                and isinstance(event, QMouseEvent):
            point = event.position().toPoint()
            index = self.list.indexAt(point)
            row: TimelineRow | None = index.data(RowRole) if index.isValid() else None
            over = row is not None and row.restorable and self.delegate.over_restore(
                self.list.visualRect(index), self.list.font(), point)
            self.list.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over
                                           else Qt.CursorShape.ArrowCursor)
        return super().eventFilter(watched, event)

    def index_of(self, key: tuple) -> QModelIndex:
        row = self.model.row_of(key)
        return self.model.index(row) if row is not None else QModelIndex()
