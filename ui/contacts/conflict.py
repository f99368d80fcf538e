"""A save refused because the contact was saved elsewhere since the editor read it: both
versions side by side, field by field, and the user's choice of which to keep.

Each differing field starts on the side that changed it: a field only the other side changed
starts as theirs, one the user changed as the user's. "Keep mine" and "Take theirs" settle
every field at once. The result is built on the stored version, so saving it goes through."""

from __future__ import annotations

import getpass
import html
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.contact import Contact
from app.domain.dates import PartialDate
from ui.contacts.editor_widgets import spoken_date
from ui.contacts.form_bits import Caption, quiet_button
from ui.contacts.table_model import status_label

FIELD_NAMES = {
    "prefix": "Prefix", "given": "First name", "middle": "Middle name", "family": "Last name",
    "suffix": "Suffix", "nickname": "Nickname", "account_id": "Company", "title": "Job title",
    "department": "Department", "status": "Status", "phones": "Phones", "emails": "E-mail",
    "addresses": "Addresses", "websites": "Web sites", "ims": "Messaging",
    "birthday": "Birthday", "anniversary": "Anniversary", "tags": "Tags", "notes": "Notes",
    "photo": "Photo", "source": "Source", "owner": "Owner", "custom": "Custom fields",
    "extra": "Other details from an import",
}
# Chosen with the field they belong to, never on their own.
FOLLOWERS = {"photo": ("photo_mime",), "account_id": ("account_name",)}
FOLLOWING = {f for fs in FOLLOWERS.values() for f in fs}
MAX_LINES = 8  # of one value, and at most MAX_CHARS; the rest is in its tooltip
MAX_CHARS = 320
NBSP = "\u00a0"
THUMB = 64


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


def default_choices(base: Contact, mine: Contact, theirs: Contact,
                    fields: list[str]) -> dict[str, bool]:
    """Field -> keep mine? Mine where the user changed it, theirs where only they did."""
    return {f: getattr(mine, f) != getattr(base, f) or getattr(theirs, f) == getattr(base, f)
            for f in shown_fields(fields)}


def shown_fields(fields: list[str]) -> list[str]:
    order = list(FIELD_NAMES)
    wanted = [f for f in fields if f not in FOLLOWING]
    wanted += [owner for owner, fs in FOLLOWERS.items()
               if owner not in wanted and any(f in fields for f in fs)]
    return sorted(wanted, key=lambda f: order.index(f) if f in order else len(order))


def merged(mine: Contact, theirs: Contact, keep_mine: dict[str, bool]) -> Contact:
    """The stored version (its version number too) with the fields kept from mine."""
    changes: dict[str, Any] = {}
    for field, mine_wins in keep_mine.items():
        if mine_wins:
            for name in (field, *FOLLOWERS.get(field, ())):
                changes[name] = getattr(mine, name)
    return replace(theirs, **changes)


def value_text(contact: Contact, field: str) -> str:
    value = getattr(contact, field)
    if field == "account_id":
        return contact.account_name or ""
    if field == "status":
        return status_label(value)
    if isinstance(value, PartialDate):
        return spoken_date(value)
    if field == "phones":
        # A number breaks across lines only between its label and itself.
        return "\n".join(f"{d.label}: {d.value.replace(' ', NBSP)}"
                         + (" ★" if d.preferred else "") for d in value)
    if field in ("emails", "websites"):
        return "\n".join(f"{d.label}: {getattr(d, 'url', None) or d.value}"
                         + (" ★" if d.preferred else "") for d in value)
    if field == "ims":
        return "\n".join(f"{d.label}: {' '.join(x for x in (d.service, d.handle) if x)}"
                         + (" ★" if d.preferred else "") for d in value)
    if field == "addresses":
        return "\n".join(f"{a.label}: " + ", ".join(
            x for x in (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code,
                        a.country) if x) for a in value)
    if field == "tags":
        return ", ".join(value)
    if field == "custom":
        return "\n".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if field == "extra":
        return f"{len(value)} detail{'' if len(value) == 1 else 's'}" if value else ""
    if field == "photo":
        return "A photo" if value else ""
    return "" if value is None else str(value)


def breakable(text: str) -> str:
    """Long addresses and links may wrap after @, dots and slashes (a zero-width space)."""
    return re.sub(r"([@./_-])(?=\S)", "\\1\u200b", text)


class _Side(QFrame):
    """One version of one field: a radio button and the value; a click anywhere picks it."""

    def __init__(self, field_name: str, whose: str, contact: Contact, field: str,
                 group: QButtonGroup):
        super().__init__()
        self.radio = QRadioButton()
        group.addButton(self.radio)
        text = value_text(contact, field)
        self.radio.setAccessibleName(f"{whose} {field_name}: {text or 'empty'}")
        value = QLabel()
        value.setWordWrap(True)
        value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        if field == "photo" and contact.photo:
            image = QImage.fromData(contact.photo)
            value.setPixmap(QPixmap.fromImage(image).scaled(
                THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        elif not text:
            value.setText("(empty)")
            value.setEnabled(False)  # the palette's own "not there" colour
        else:
            lines = text.splitlines()
            shown = "\n".join(lines[:MAX_LINES]) + ("\n…" if len(lines) > MAX_LINES else "")
            if len(shown) > MAX_CHARS:
                shown = shown[:MAX_CHARS].rsplit(" ", 1)[0] + " …"
            value.setText(shown if field == "phones" else breakable(shown))
            if shown != text:
                value.setToolTip(text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(value, 1)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802  Qt's name
        self.radio.setChecked(True)
        super().mousePressEvent(event)


class ConflictDialog(QDialog):
    """exec() is Accepted when the user settled every field; then `result_contact()` is what
    to save. Rejected ("Back to editing") leaves the editor as it was."""

    def __init__(self, mine: Contact, theirs: Contact, base: Contact, fields: list[str],
                 changed_by: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Changed elsewhere")
        self._mine, self._theirs = mine, theirs
        self.fields = shown_fields(fields)
        defaults = default_choices(base, mine, theirs, fields)
        name = theirs.display_name or mine.display_name or "This contact"
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
            title = FIELD_NAMES.get(field, field.replace("_", " ").capitalize())
            mine_changed = getattr(mine, field) != getattr(base, field)
            theirs_changed = getattr(theirs, field) != getattr(base, field)
            who = ("changed in both" if mine_changed and theirs_changed else
                   "changed by you" if mine_changed else "changed elsewhere")
            label = QLabel(f"{title}")
            label.setWordWrap(True)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(label)
            cell.addWidget(Caption(who))
            cell.addStretch(1)
            grid.addLayout(cell, row, 0)
            group = QButtonGroup(self)
            yours = _Side(title, "Yours:", mine, field, group)
            stored = _Side(title, "Saved elsewhere:", theirs, field, group)
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
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        # setWidget() makes it paint its own background; the dialog's is the one to show.
        body.setAutoFillBackground(False)
        scroll.viewport().setAutoFillBackground(False)

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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(640, min(560, 200 + 70 * len(self.fields)))

    def choices(self) -> dict[str, bool]:
        return {f: self.mine_buttons[f].isChecked() for f in self.fields}

    def result_contact(self) -> Contact:
        return merged(self._mine, self._theirs, self.choices())

    def _settle_all(self, mine: bool) -> None:
        for field in self.fields:
            (self.mine_buttons if mine else self.theirs_buttons)[field].setChecked(True)
        self.accept()


def current_user() -> str:
    """The OS user, as the journal names whoever saved from this computer."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
