"""Single fields of the contact editor that Qt has no widget for: a date whose year may be
unknown, and tags typed as a comma-separated list with completion of the one being typed."""

from __future__ import annotations

import calendar
import re

from PySide6.QtCore import QLocale, QRegularExpression, QStringListModel, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import PartialDate
from app.domain.groups import clean_name
from ui.contacts.form_bits import FieldMessage, mark, tip_when_too_long


def day_first(locale: QLocale) -> bool:
    """Whether this locale writes the day before the month (15 April, not April 15)."""
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    day, month = pattern.find("d"), pattern.find("M")
    return day < month if day >= 0 and month >= 0 else True


def spoken_date(date: PartialDate, locale: QLocale | None = None) -> str:
    """`15 April` or `15 April 1984` (`April 15, 1984` where the month comes first)."""
    locale = locale or QLocale()
    month = locale.monthName(date.month, QLocale.FormatType.LongFormat)
    if day_first(locale):
        text = f"{date.day} {month}"
        return f"{text} {date.year}" if date.year is not None else text
    text = f"{month} {date.day}"
    return f"{text}, {date.year}" if date.year is not None else text


class PartialDateEdit(QWidget):
    """Day and month (both needed), and a year that may be left empty: a birthday someone
    told without their age. 29 February without a year is a birthday too."""

    changed = Signal()

    def __init__(self, what: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._what = what
        locale = QLocale()
        self.day = QComboBox()
        self.day.addItem("Day", None)
        for d in range(1, 32):
            self.day.addItem(str(d), d)
        self.day.setAccessibleName(f"{what}: day")
        self.month = QComboBox()
        self.month.addItem("Month", None)
        for m in range(1, 13):
            self.month.addItem(locale.standaloneMonthName(m, QLocale.FormatType.LongFormat), m)
        self.month.setAccessibleName(f"{what}: month")
        self.year = tip_when_too_long(QLineEdit())
        self.year.setPlaceholderText("Year (optional)")
        self.year.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}")))
        self.year.setMaxLength(4)
        self.year.setAccessibleName(f"{what}: year, optional")
        self.year.setMaximumWidth(self.year.fontMetrics().horizontalAdvance("Year (optional)")
                                  + 28)
        self.message = FieldMessage()
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        first, second = (self.day, self.month) if day_first(locale) else (self.month, self.day)
        line.addWidget(first)
        line.addWidget(second)
        line.addWidget(self.year)
        line.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(line)
        outer.addWidget(self.message)
        self.day.currentIndexChanged.connect(self._on_changed)
        self.month.currentIndexChanged.connect(self._on_changed)
        self.year.textChanged.connect(self._on_changed)
        self.year.editingFinished.connect(self._on_left)

    def set_date(self, date: PartialDate | None) -> None:
        self.day.setCurrentIndex(date.day if date else 0)
        self.month.setCurrentIndex(date.month if date else 0)
        self.year.setText(str(date.year) if date and date.year is not None else "")
        self.message.show_message(None)

    def check(self) -> tuple[PartialDate | None, str | None]:
        day, month, year_text = self.day.currentData(), self.month.currentData(), \
            self.year.text().strip()
        if day is None and month is None:
            if year_text:
                return None, ("Choose the day and the month too: a year alone is not a "
                              f"{self._what.lower()}.")
            return None, None
        if day is None or month is None:
            return None, "Choose both the day and the month, or neither."
        if year_text and not re.fullmatch(r"\d{4}", year_text):
            return None, "Type the year with four digits, like 1984, or leave it empty."
        year = int(year_text) if year_text else None
        if year is not None and year < 1000:
            return None, "Type the year with four digits, like 1984, or leave it empty."
        month_name = QLocale().monthName(month, QLocale.FormatType.LongFormat)
        if year is not None and month == 2 and day == 29 and not calendar.isleap(year):
            return None, f"{year} was not a leap year, so it had no 29 {month_name}."
        if day > calendar.monthrange(year or 2000, month)[1]:
            return None, f"{month_name} has no day {day}."
        return PartialDate(month, day, year), None

    def date(self) -> PartialDate | None:
        return self.check()[0]

    def validate(self, show: bool = True) -> str | None:
        problem = self.check()[1]
        if show or self.message.message:
            self.message.show_message(problem)
            mark(self.year, problem)
        return problem

    def first_box(self) -> QWidget:
        return self.day if day_first(QLocale()) else self.month

    def _on_left(self) -> None:
        self.validate()
        self.changed.emit()

    def _on_changed(self, *_args: object) -> None:
        # Combo boxes have no "left the field": a wrong day shows as soon as both are chosen.
        both = self.day.currentData() is not None and self.month.currentData() is not None
        if self.message.message or (both and self.sender() is not self.year):
            self.validate()
        self.changed.emit()


def split_tags(text: str) -> list[str]:
    """Tags from what was typed: comma-separated, spaces tidied, each once (without case)."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        name = clean_name(part)
        if name:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


class _LastTagCompleter(QCompleter):
    """Completes the tag after the last comma, and puts the rest of the line back."""

    def __init__(self, field: QLineEdit):
        super().__init__(field)
        self._field = field
        self.setModel(QStringListModel(self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802  Qt's name
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802  Qt's name
        head = self._field.text().rsplit(",", 1)[0] if "," in self._field.text() else ""
        chosen = str(index.data())
        return f"{head.rstrip()}, {chosen}, " if head else f"{chosen}, "


class TagsEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        tip_when_too_long(self)
        self.setPlaceholderText("Comma-separated, like supplier, key account")
        self.setAccessibleName("Tags")
        self._completer = _LastTagCompleter(self)
        self.setCompleter(self._completer)

    def set_known(self, names: list[str]) -> None:
        model = self._completer.model()
        if isinstance(model, QStringListModel):
            model.setStringList(names)

    def set_tags(self, tags: list[str]) -> None:
        self.setText(", ".join(tags))

    def tags(self) -> list[str]:
        return split_tags(self.text())
