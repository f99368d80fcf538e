"""The fields of the log dialog: kind, when, regarding, outcome, duration with its call timer,
and details, laid out in reading order. It builds a HistoryItem and says nothing about saving."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.history import HistoryItem, HistoryKind, Outcome
from ui.contacts.form_bits import FieldMessage, quiet_button, tip_when_too_long
from ui.history.call_timer import CallTimer, Clock
from ui.history.labels import KIND_LABELS, OUTCOME_LABELS, clock_text, local, now_local

LOGGABLE = (HistoryKind.CALL, HistoryKind.MEETING, HistoryKind.NOTE, HistoryKind.EMAIL)
TIMED = frozenset({HistoryKind.CALL, HistoryKind.MEETING, HistoryKind.TODO_DONE})
MAX_REGARDING = 512  # what the database keeps of it
MAX_MINUTES = 24 * 60


def to_qt(when: datetime) -> QDateTime:
    at = local(when)
    return QDateTime(QDate(at.year, at.month, at.day), QTime(at.hour, at.minute, at.second))


def from_qt(value: QDateTime) -> datetime:
    naive = datetime(value.date().year(), value.date().month(), value.date().day(),
                     value.time().hour(), value.time().minute(), value.time().second())
    return naive.astimezone()  # the machine's zone, with its DST rules for that day


class LogForm(QWidget):
    changed = Signal()

    def __init__(self, clock: Clock, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setObjectName("logKind")
        for k in LOGGABLE:
            self.kind.addItem(KIND_LABELS[k], k)
        self.when = QDateTimeEdit()
        self.when.setObjectName("logWhen")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("d MMM yyyy  HH:mm")
        self.now_button = quiet_button("Now")
        self.now_button.setToolTip("Set the time to now")
        self.regarding = tip_when_too_long(QLineEdit())
        self.regarding.setObjectName("logRegarding")
        self.regarding.setMaxLength(MAX_REGARDING)
        self.regarding.setPlaceholderText("What it was about")
        self.about_message = FieldMessage()
        self.outcome = QComboBox()
        self.outcome.setObjectName("logOutcome")
        for o in Outcome:
            self.outcome.addItem(OUTCOME_LABELS[o], o)
        self.duration = QSpinBox()
        self.duration.setObjectName("logDuration")
        self.duration.setRange(0, MAX_MINUTES)
        self.duration.setSuffix(" min")
        self.duration.setSpecialValueText("None")
        self.duration.setAccelerated(True)
        self.timer = CallTimer(self, clock=clock)
        self.timer_button = quiet_button("Start timer")
        self.timer_button.setObjectName("logTimerButton")
        self.timer_button.setToolTip("Time the call while it goes on; Stop fills the duration "
                                     "(Ctrl+T)")
        self.timer_label = QLabel("")
        self.timer_label.setObjectName("logTimer")
        # Fixed-width digits: the seconds ticking over do not shake the row.
        self.timer_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.timer_label.setMinimumWidth(
            self.timer_label.fontMetrics().horizontalAdvance("0:00:00") + 8)
        self.details = QPlainTextEdit()
        self.details.setObjectName("logDetails")
        self.details.setTabChangesFocus(True)
        self.details.setPlaceholderText("What was said, agreed or promised")
        self.details.setMinimumHeight(90)
        self.details.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        when_row = QHBoxLayout()
        when_row.setSpacing(8)
        when_row.addWidget(self.when)
        when_row.addWidget(self.now_button)
        when_row.addStretch(1)
        about = QWidget()
        about_box = _column(about)
        about_box.addWidget(self.regarding)
        about_box.addWidget(self.about_message)
        timing = QHBoxLayout()
        timing.setSpacing(8)
        timing.addWidget(self.duration)
        timing.addWidget(self.timer_button)
        timing.addWidget(self.timer_label)
        timing.addStretch(1)

        form = QFormLayout(self)
        self._form = form
        form.setContentsMargins(20, 18, 20, 8)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        rows: tuple[tuple[str, QWidget | QHBoxLayout, QWidget], ...] = (
            ("&Kind", self.kind, self.kind), ("&When", when_row, self.when),
            ("&Regarding", about, self.regarding), ("&Outcome", self.outcome, self.outcome),
            ("D&uration", timing, self.duration), ("&Details", self.details, self.details))
        for caption, field, buddy in rows:
            label = QLabel(caption)
            label.setBuddy(buddy)  # Alt+the underlined letter goes to the field
            form.addRow(label, field)
        # Rows only calls and meetings have.
        self._timed_rows = (3, 4)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.now_button.clicked.connect(lambda: self.set_when(now_local()))
        self.timer_button.clicked.connect(self.toggle_timer)
        self.timer.ticked.connect(self._show_elapsed)
        self.timer.stopped.connect(self._timer_stopped)
        for signal in (self.kind.currentIndexChanged, self.when.dateTimeChanged,
                       self.regarding.textChanged, self.outcome.currentIndexChanged,
                       self.duration.valueChanged, self.details.textChanged):
            signal.connect(self.changed)
        self.when.dateTimeChanged.connect(self._when_edited)
        self.regarding.textChanged.connect(lambda _t: self.about_message.show_message(""))
        self.details.textChanged.connect(lambda: self.about_message.show_message(""))
        self._exact_when = now_local()  # kept to the second while the field is not touched
        self._setting_when = False
        self._when_typed = False
        self.set_when(self._exact_when)

    # --- loading and reading ------------------------------------------------------------------

    def load(self, item: HistoryItem) -> None:
        if item.kind not in LOGGABLE and self.kind.findData(item.kind) < 0:
            self.kind.addItem(KIND_LABELS[item.kind], item.kind)
        self.kind.setCurrentIndex(self.kind.findData(item.kind))
        self.set_when(item.occurred_at)
        self.regarding.setText(item.regarding)
        self.regarding.setCursorPosition(0)
        self.outcome.setCurrentIndex(self.outcome.findData(item.outcome))
        self.duration.setValue(item.duration_minutes or 0)
        self.details.setPlainText(item.details)
        self._kind_changed()

    def current_kind(self) -> HistoryKind:
        return HistoryKind(self.kind.currentData())

    def set_kind(self, kind: HistoryKind) -> None:
        found = self.kind.findData(kind)
        if found >= 0:
            self.kind.setCurrentIndex(found)
        self._kind_changed()

    def set_when(self, when: datetime) -> None:
        self._setting_when = True
        self._when_typed = False
        try:
            self._exact_when = when
            self.when.setDateTime(to_qt(when))
        finally:
            self._setting_when = False

    def _when_edited(self, _value: QDateTime) -> None:
        if not self._setting_when:
            self._exact_when = from_qt(self.when.dateTime())
            self._when_typed = True

    @property
    def when_touched(self) -> bool:
        """The user set the time themselves (not the default, nor Now)."""
        return self._when_typed

    def occurred_at(self) -> datetime:
        return self._exact_when

    def fill(self, item: HistoryItem) -> HistoryItem:
        """`item` with what the fields say (its links and version are the caller's)."""
        kind = self.current_kind()
        item.kind = kind
        item.occurred_at = self.occurred_at()
        item.regarding = self.regarding.text().strip()
        item.details = self.details.toPlainText().strip()
        timed = kind in TIMED
        item.outcome = Outcome(self.outcome.currentData()) if timed else Outcome.COMPLETED
        item.duration_minutes = (self.duration.value() or None) if timed else None
        return item

    def state(self) -> tuple:
        return (self.kind.currentData(), self.when.dateTime().toString(Qt.DateFormat.ISODate),
                self.regarding.text().strip(), self.details.toPlainText().strip(),
                self.outcome.currentData(), self.duration.value(), self.timer.elapsed() > 0)

    # --- the timer ----------------------------------------------------------------------------

    def toggle_timer(self) -> None:
        if self.timer.running:
            self.timer.stop()
            return
        if self.timer.elapsed() == 0 and not self.when_touched:
            self.set_when(now_local())  # the call started now, not when the dialog opened
        self.timer.start()
        self.timer_button.setText("Stop")
        self.changed.emit()

    def _show_elapsed(self, seconds: float) -> None:
        self.timer_label.setText(clock_text(seconds))

    def _timer_stopped(self, seconds: float) -> None:
        self._show_elapsed(seconds)
        self.timer_button.setText("Resume timer" if seconds > 0 else "Start timer")
        self.duration.setValue(min(self.timer.minutes(), MAX_MINUTES))
        self.changed.emit()

    # --- showing what fits the kind ----------------------------------------------------------

    def _kind_changed(self, _index: int = -1) -> None:
        timed = self.current_kind() in TIMED
        for row in self._timed_rows:
            self._form.setRowVisible(row, timed)
        # Calls are what get timed; a meeting keeps a timer only if one was already used.
        timer = self.current_kind() is HistoryKind.CALL or self.timer.elapsed() > 0
        self.timer_button.setVisible(timer)
        self.timer_label.setVisible(timer)


def _column(widget: QWidget) -> QVBoxLayout:
    box = QVBoxLayout(widget)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(4)
    return box
