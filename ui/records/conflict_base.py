"""A save refused because the record was saved elsewhere since the editor read it: both
versions side by side, field by field, and the user's choice of which to keep.

Each differing field starts on the side that changed it: a field only the other side changed
starts as theirs, one the user changed as the user's. "Keep mine" and "Take theirs" settle
every field at once. The result is built on the stored version, so saving it goes through.
A subclass (ui/contacts/conflict.py, ui/accounts/conflict.py) names the fields and says how
a record and its values read."""

from __future__ import annotations

import getpass
import html
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.contacts.form_bits import Caption, quiet_button
from ui.records.form_parts import see_through_scroll

MAX_LINES = 8  # of one value, and at most MAX_CHARS; the rest is in its tooltip
MAX_CHARS = 320

R = TypeVar("R")


def changed_by_text(when: datetime | None, actor: str = "", origin: str = "",
                    me: str = "", now: datetime | None = None) -> str:
    """`by ana, today at 10:42`: who changed it, when, as far as the journal knows."""
    who = {"sync": "by a sync", "import": "by an import", "undo": "by an undo",
           "redo": "by a redo", "revert": "by a revert", "restore": "by a restore"}.get(origin)
    if who is None and actor:
        who = "in another window or on the command line" if actor == me else f"by {actor}"
    at = when_text(when, now) if when is not None else ""
    return ", ".join(x for x in (who, at) if x)


def when_text(when: datetime, now: datetime | None = None) -> str:
    local = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone()
    today = (now or datetime.now().astimezone()).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return f"today at {clock}"
    if local.date() == today - timedelta(days=1):
        return f"yesterday at {clock}"
    day = QLocale().toString(QDate(local.year, local.month, local.day),
                             "d MMM" if local.year == today.year else "d MMM yyyy")
    return f"on {day} at {clock}"


def current_user() -> str:
    """The OS user, as the journal names whoever saved from this computer."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def breakable(text: str) -> str:
    """Long addresses and links may wrap after @, dots and slashes (a zero-width space)."""
    return re.sub(r"([@./_-])(?=\S)", "\\1\u200b", text)


def common_text(field: str, value: Any) -> str:
    """In words, a value of a field every record has (tags, custom fields, what an import
    brought) or of a plain one."""
    if field == "tags":
        return ", ".join(value)
    if field == "custom":
        return "\n".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if field == "extra":
        return f"{len(value)} detail{'' if len(value) == 1 else 's'}" if value else ""
    return "" if value is None else str(value)


def shown_fields(fields: list[str], names: dict[str, str],
                 followers: dict[str, tuple[str, ...]]) -> list[str]:
    """The fields that differ, in the order `names` lists them; a follower (a photo's type)
    is shown as the field it belongs to."""
    order = list(names)
    following = {f for fs in followers.values() for f in fs}
    wanted = [f for f in fields if f not in following]
    wanted += [owner for owner, fs in followers.items()
               if owner not in wanted and any(f in fields for f in fs)]
    return sorted(wanted, key=lambda f: order.index(f) if f in order else len(order))


def default_choices(base: Any, mine: Any, theirs: Any, shown: list[str]) -> dict[str, bool]:
    """Field -> keep mine? Mine where the user changed it, theirs where only they did."""
    return {f: getattr(mine, f) != getattr(base, f) or getattr(theirs, f) == getattr(base, f)
            for f in shown}


def merged(mine: R, theirs: R, keep_mine: dict[str, bool],
           followers: dict[str, tuple[str, ...]]) -> R:
    """The stored version (its version number too) with the fields kept from mine."""
    changes: dict[str, Any] = {}
    for field, mine_wins in keep_mine.items():
        if mine_wins:
            for name in (field, *followers.get(field, ())):
                changes[name] = getattr(mine, name)
    return replace(theirs, **changes)  # type: ignore[type-var]  # records are dataclasses


class _Side(QFrame):
    """One version of one field: a radio button and the value; a click anywhere picks it."""

    def __init__(self, title: str, whose: str, text: str, group: QButtonGroup,
                 picture: QPixmap | None, wrap: bool):
        super().__init__()
        self.radio = QRadioButton()
        group.addButton(self.radio)
        self.radio.setAccessibleName(f"{whose} {title}: {text or 'empty'}")
        value = QLabel()
        value.setWordWrap(True)
        value.setTextFormat(Qt.TextFormat.PlainText)
        value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        if picture is not None:
            value.setPixmap(picture)
        elif not text:
            value.setText("(empty)")
            value.setEnabled(False)  # the palette's own "not there" colour
        else:
            lines = text.splitlines()
            shown = "\n".join(lines[:MAX_LINES]) + ("\n…" if len(lines) > MAX_LINES else "")
            if len(shown) > MAX_CHARS:
                shown = shown[:MAX_CHARS].rsplit(" ", 1)[0] + " …"
            value.setText(breakable(shown) if wrap else shown)
            if shown != text:
                value.setToolTip(text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(value, 1)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802  Qt's name
        self.radio.setChecked(True)
        super().mousePressEvent(event)


class SideBySideDialog(QDialog, Generic[R]):
    """Accepted when the user settled every field; then `merged_record()` is what to save.
    Rejected ("Back to editing") leaves the editor as it was."""

    FIELD_NAMES: dict[str, str] = {}
    FOLLOWERS: dict[str, tuple[str, ...]] = {}  # chosen with the field they belong to
    UNNAMED = "This record"  # the heading's name for a record that has none
    SIZE = (640, 560)  # the width, and the most height it asks for (a contact's)

    def __init__(self, mine: R, theirs: R, base: R, fields: list[str],
                 changed_by: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Changed elsewhere")
        self._mine, self._theirs = mine, theirs
        self.fields = shown_fields(fields, self.FIELD_NAMES, self.FOLLOWERS)
        defaults = default_choices(base, mine, theirs, self.fields)
        name = self.name_of(theirs) or self.name_of(mine) or self.UNNAMED
        where = f" ({changed_by})" if changed_by else ""
        heading = QLabel(f"<b>{html.escape(name)} was changed elsewhere{html.escape(where)} "
                         "after you started editing.</b>")
        heading.setWordWrap(True)
        explain = QLabel("Nothing has been saved yet. Keep yours, take theirs, or pick per "
                         "field below.")
        explain.setWordWrap(True)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.addWidget(Caption("Yours"), 0, 1)
        grid.addWidget(Caption("Saved elsewhere"), 0, 2)
        self.mine_buttons: dict[str, QRadioButton] = {}
        self.theirs_buttons: dict[str, QRadioButton] = {}
        for row, field in enumerate(self.fields, 1):
            title = self.FIELD_NAMES.get(field, field.replace("_", " ").capitalize())
            mine_changed = getattr(mine, field) != getattr(base, field)
            theirs_changed = getattr(theirs, field) != getattr(base, field)
            who = ("changed in both" if mine_changed and theirs_changed else
                   "changed by you" if mine_changed else "changed elsewhere")
            label = QLabel(title)
            label.setWordWrap(True)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(label)
            cell.addWidget(Caption(who))
            cell.addStretch(1)
            grid.addLayout(cell, row, 0)
            group = QButtonGroup(self)
            yours = self._side(title, "Yours:", mine, field, group)
            stored = self._side(title, "Saved elsewhere:", theirs, field, group)
            (yours if defaults[field] else stored).radio.setChecked(True)
            self.mine_buttons[field] = yours.radio
            self.theirs_buttons[field] = stored.radio
            grid.addWidget(yours, row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(stored, row, 2, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(self.fields) + 1, 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = see_through_scroll(body, Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(scroll, 1)
        layout.addLayout(self._buttons())
        width, most = self.SIZE
        self.resize(width, min(most, 200 + 70 * len(self.fields)))

    def _buttons(self) -> QHBoxLayout:
        self.keep_mine_button = quiet_button("Keep mine")
        self.keep_mine_button.setToolTip("Save your version of every field listed")
        self.keep_mine_button.clicked.connect(lambda: self._settle_all(True))
        self.take_theirs_button = quiet_button("Take theirs")
        self.take_theirs_button.setToolTip("Keep what was saved elsewhere; your edits of "
                                           "these fields are dropped")
        self.take_theirs_button.clicked.connect(lambda: self._settle_all(False))
        self.back_button = quiet_button("Back to editing")
        self.back_button.setToolTip("Save nothing now; everything you typed stays in the editor")
        self.back_button.clicked.connect(self.reject)
        self.save_button = quiet_button("Save these choices")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_mine_button)
        buttons.addWidget(self.take_theirs_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.save_button)
        return buttons

    # --- what subclasses say ----------------------------------------------------------------

    def name_of(self, record: R) -> str:
        raise NotImplementedError

    def value_text(self, record: R, field: str) -> str:
        raise NotImplementedError

    def picture(self, record: R, field: str) -> QPixmap | None:
        """A value shown as a picture (a photo) rather than as text."""
        return None

    def wraps(self, field: str) -> bool:
        """A long value may break after @, dots and slashes."""
        return True

    # --- the outcome ------------------------------------------------------------------------

    def _side(self, title: str, whose: str, record: R, field: str,
              group: QButtonGroup) -> _Side:
        return _Side(title, whose, self.value_text(record, field), group,
                     self.picture(record, field), self.wraps(field))

    def choices(self) -> dict[str, bool]:
        return {f: self.mine_buttons[f].isChecked() for f in self.fields}

    def merged_record(self) -> R:
        return merged(self._mine, self._theirs, self.choices(), self.FOLLOWERS)

    def _settle_all(self, mine: bool) -> None:
        for field in self.fields:
            (self.mine_buttons if mine else self.theirs_buttons)[field].setChecked(True)
        self.accept()
