"""A save refused because the account was saved elsewhere since the editor read it: both
versions side by side, field by field, as the contact editor shows a contact's
(ui/contacts/conflict.py). Each differing field starts on the side that changed it; the
result is built on the stored version, so saving it goes through."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
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

from app.domain.account import Account
from ui.contacts.conflict import MAX_CHARS, MAX_LINES, breakable
from ui.contacts.form_bits import Caption, quiet_button

FIELD_NAMES = {
    "name": "Name", "industry": "Industry", "parent_id": "Part of", "main_phone": "Phone",
    "website": "Web site", "address": "Address", "tags": "Tags", "notes": "Notes",
    "custom": "Custom fields", "extra": "Other details from an import",
}
FOLLOWERS = {"parent_id": ("parent_name",)}  # chosen with the field they belong to
FOLLOWING = {f for fs in FOLLOWERS.values() for f in fs}


def shown_fields(fields: list[str]) -> list[str]:
    order = list(FIELD_NAMES)
    wanted = [f for f in fields if f not in FOLLOWING]
    return sorted(wanted, key=lambda f: order.index(f) if f in order else len(order))


def default_choices(base: Account, mine: Account, theirs: Account,
                    fields: list[str]) -> dict[str, bool]:
    """Field -> keep mine? Mine where the user changed it, theirs where only they did."""
    return {f: getattr(mine, f) != getattr(base, f) or getattr(theirs, f) == getattr(base, f)
            for f in shown_fields(fields)}


def merged(mine: Account, theirs: Account, keep_mine: dict[str, bool]) -> Account:
    """The stored version (its version number too) with the fields kept from mine."""
    changes: dict[str, Any] = {}
    for field, mine_wins in keep_mine.items():
        if mine_wins:
            for name in (field, *FOLLOWERS.get(field, ())):
                changes[name] = getattr(mine, name)
    return replace(theirs, **changes)


def value_text(account: Account, field: str) -> str:
    value = getattr(account, field)
    if field == "parent_id":
        return account.parent_name or ""
    if field == "address":
        a = account.address
        return ", ".join(x for x in (a.street, a.locality, a.region, a.postal_code, a.country)
                         if x)
    if field == "tags":
        return ", ".join(value)
    if field == "custom":
        return "\n".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if field == "extra":
        return f"{len(value)} detail{'' if len(value) == 1 else 's'}" if value else ""
    return "" if value is None else str(value)


class _Side(QFrame):
    """One version of one field: a radio button and the value; a click anywhere picks it."""

    def __init__(self, title: str, whose: str, account: Account, field: str,
                 group: QButtonGroup):
        super().__init__()
        self.radio = QRadioButton()
        group.addButton(self.radio)
        text = value_text(account, field)
        self.radio.setAccessibleName(f"{whose} {title}: {text or 'empty'}")
        value = QLabel()
        value.setWordWrap(True)
        value.setTextFormat(Qt.TextFormat.PlainText)
        value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if not text:
            value.setText("(empty)")
            value.setEnabled(False)  # the palette's own "not there" colour
        else:
            lines = text.splitlines()
            shown = "\n".join(lines[:MAX_LINES]) + ("\n…" if len(lines) > MAX_LINES else "")
            if len(shown) > MAX_CHARS:
                shown = shown[:MAX_CHARS].rsplit(" ", 1)[0] + " …"
            value.setText(breakable(shown))
            if shown != text:
                value.setToolTip(text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(value, 1)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802  Qt's name
        self.radio.setChecked(True)
        super().mousePressEvent(event)


class AccountConflictDialog(QDialog):
    """Accepted when the user settled every field; then `result_account()` is what to save.
    Rejected ("Back to editing") leaves the editor as it was."""

    def __init__(self, mine: Account, theirs: Account, base: Account, fields: list[str],
                 changed_by: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Changed elsewhere")
        self._mine, self._theirs = mine, theirs
        self.fields = shown_fields(fields)
        defaults = default_choices(base, mine, theirs, fields)
        name = theirs.name or mine.name or "This account"
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
            cell = QVBoxLayout()
            cell.setSpacing(0)
            label = QLabel(title)
            label.setWordWrap(True)
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
        body.setAutoFillBackground(False)  # the dialog's background, not the scroll area's
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
        self.resize(620, min(520, 200 + 70 * len(self.fields)))

    def choices(self) -> dict[str, bool]:
        return {f: self.mine_buttons[f].isChecked() for f in self.fields}

    def result_account(self) -> Account:
        return merged(self._mine, self._theirs, self.choices())

    def _settle_all(self, mine: bool) -> None:
        for field in self.fields:
            (self.mine_buttons if mine else self.theirs_buttons)[field].setChecked(True)
        self.accept()
