"""Merging two contacts: both records side by side, a pick per field where their values
differ, the fields they agree on once, and every phone, e-mail, address, web site, IM
handle, tag and group of both in one list that says which record each came from.

Either record can be the one that stays. A pick the user has not touched follows the record
that stays (so "keep that one" takes its values), notes default to both texts. The merge is
one write on the window's writer thread and one unit in the journal: Edit ▸ Undo takes it
back whole. Nothing is lost that the user did not pick away: lists are always the union."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QMouseEvent, QPixmap
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

from app.domain.contact import Contact
from app.domain.errors import NotFoundError
from app.services.duplicates import CUSTOM, Choice, combine, list_origins
from app.services.registry import Services
from ui.contacts.conflict import FIELD_NAMES, THUMB, value_text
from ui.contacts.form_bits import Caption, Note, quiet_button
from ui.errors import show_error
from ui.records.form_parts import see_through_scroll
from ui.tasks import ReadPool, Writer

# The fields a merge can take from either record, in the order the editor shows them.
PICKED = ("prefix", "given", "middle", "family", "suffix", "nickname", "account", "title",
          "department", "status", "birthday", "anniversary", "source", "owner", "photo",
          "notes")
LISTS = (("phones", "Phones"), ("emails", "E-mail"), ("addresses", "Addresses"),
         ("websites", "Web sites"), ("ims", "Messaging"), ("tags", "Tags"))
SIDES = ("this record", "that record")


def undo_key() -> str:
    """The Undo key as this platform writes it (asked once there is an application)."""
    return QKeySequence(QKeySequence.StandardKey.Undo).toString(
        QKeySequence.SequenceFormat.NativeText) or "Ctrl+Z"


def _attr(field: str) -> str:
    return "account_id" if field == "account" else field


def _value(c: Contact, field: str) -> Any:
    """What two records are compared by; None or "" is "not there"."""
    if field.startswith(CUSTOM):
        return c.custom.get(field[len(CUSTOM):])
    return getattr(c, _attr(field))


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _text(c: Contact, field: str) -> str:
    if field.startswith(CUSTOM):
        return c.custom.get(field[len(CUSTOM):], "")
    return value_text(c, _attr(field))


def _title(field: str) -> str:
    if field.startswith(CUSTOM):
        return field[len(CUSTOM):]
    return FIELD_NAMES.get(_attr(field), field.capitalize())


def _item_text(kind: str, item: Any) -> str:
    """One value of a list, in words, with its label."""
    if kind == "tags":
        return str(item)
    if kind == "addresses":
        text = ", ".join(x for x in (item.po_box, item.extended, item.street, item.locality,
                                     item.region, item.postal_code, item.country) if x)
    elif kind == "websites":
        text = item.url
    elif kind == "ims":
        text = " ".join(x for x in (item.service, item.handle) if x)
    else:
        text = item.value
    return f"{text} ({item.label})" if item.label else text


class _Pick(QFrame):
    """One record's value of one field: a radio button and the value; a click picks it."""

    def __init__(self, title: str, side: str, text: str, group: QButtonGroup,
                 picture: QPixmap | None = None):
        super().__init__()
        self.radio = QRadioButton()
        group.addButton(self.radio)
        self.radio.setAccessibleName(f"{title} from {side}: {text or 'empty'}")
        value = QLabel()
        value.setWordWrap(True)
        value.setTextFormat(Qt.TextFormat.PlainText)
        if picture is not None:
            value.setPixmap(picture)
        else:
            value.setText(text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(value, 1)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802  Qt's name
        self.radio.click()
        super().mousePressEvent(event)


def _picture(c: Contact, field: str) -> QPixmap | None:
    if field != "photo" or not c.photo:
        return None
    return QPixmap.fromImage(QImage.fromData(c.photo)).scaled(
        THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation)


class MergeDialog(QDialog):
    """Signals: `merged(kept_id, gone_id, kept_name)` once the merge is saved; `said(str)`
    with its one line for the status bar."""

    merged = Signal(int, int, str)
    said = Signal(str)

    def __init__(self, services: Services, writer: Writer, keep_id: int, other_id: int,
                 parent: QWidget | None = None, *, reads: ReadPool | None = None,
                 reasons: Sequence[str] = ()):
        super().__init__(parent)
        self.setWindowTitle("Merge Contacts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setSizeGripEnabled(True)
        self.resize(760, 640)
        self.services, self.writer = services, writer
        self.ids = (keep_id, other_id)  # the columns: this record, that record
        self.records: tuple[Contact, Contact] | None = None
        self.groups: tuple[list[str], list[str]] = ([], [])
        self.survivor = 0
        self.picks: dict[str, tuple[QRadioButton, QRadioButton, QRadioButton | None]] = {}
        self.touched: set[str] = set()
        self._reasons = tuple(reasons)

        self.heading = QLabel("Reading both records…")
        self.heading.setWordWrap(True)
        self.explain = Note("Pick the value to keep where the two differ. Every phone number, "
                            "e-mail address, address, web site, tag and group of both is "
                            "kept.")
        self.body = QWidget()
        outer = QVBoxLayout(self.body)
        outer.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        outer.addLayout(self.grid)
        outer.addStretch(1)
        self.list_cells: list[QWidget] = []  # the lists' rows, laid out again after a pick
        self.lists_row = 0
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(6)
        self.body_scroll = see_through_scroll(self.body, Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer = Note()
        self.cancel_button = quiet_button("Cancel")
        self.cancel_button.setToolTip("Close without merging (Esc)")
        self.cancel_button.clicked.connect(self.reject)
        self.merge_button = quiet_button("&Merge")
        self.merge_button.setObjectName("primaryButton")
        self.merge_button.setDefault(True)
        self.merge_button.setAutoDefault(True)
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.explain)
        layout.addWidget(self.body_scroll, 1)
        layout.addWidget(self.footer)
        layout.addLayout(buttons)

        contacts, organize = services.contacts, services.organize

        def read() -> tuple[tuple[Contact, Contact], tuple[list[str], list[str]]]:
            found = (contacts.get(keep_id), contacts.get(other_id))
            groups = tuple([g.name for g in organize.groups_of_contact(c)]
                           for c in (keep_id, other_id))
            return found, groups  # type: ignore[return-value]  # a pair, as built

        (reads or writer).run(read, self._show, self._unreadable)

    # --- reading and laying out ---------------------------------------------------------

    def _unreadable(self, error: BaseException) -> None:
        if isinstance(error, NotFoundError):  # merged or deleted since the pair was found
            error = NotFoundError("One of these two contacts is no longer in the address "
                                  "book: it was merged or moved to the Trash since. Scan "
                                  "again to see the pairs that are left.")
        show_error(self.parentWidget(), error)
        self.reject()

    def _show(self, found: tuple[tuple[Contact, Contact], tuple[list[str], list[str]]]) -> None:
        self.records, self.groups = found
        this, that = self.records
        why = f" ({'; '.join(self._reasons)})" if self._reasons else ""
        self.heading.setText(f"<b>{html.escape(this.display_name)} and "
                             f"{html.escape(that.display_name)} look like one person"
                             f"{html.escape(why)}.</b>")
        self._lay_out()
        self._follow_survivor()
        self.merge_button.setEnabled(True)
        self.merge_button.setFocus()

    def _lay_out(self) -> None:
        assert self.records is not None
        records = self.records
        grid = self.grid
        self.survivors = QButtonGroup(self)
        self.column_notes: list[Caption] = []
        for col, c in enumerate(records):
            keep = QRadioButton(f"Keep {SIDES[col]}")
            keep.setChecked(col == 0)
            keep.setToolTip(f"{c.display_name} stays; the other goes to the Trash")
            self.survivors.addButton(keep, col)
            head = QVBoxLayout()
            head.setSpacing(0)
            name = QLabel(f"<b>{html.escape(c.display_name)}</b>")
            head.addWidget(name)
            head.addWidget(keep)
            note = Caption("")
            self.column_notes.append(note)
            head.addWidget(note)
            grid.addLayout(head, 0, col + 1)
        self.survivors.idToggled.connect(self._survivor_toggled)
        row = 1
        custom = sorted(set(records[0].custom) | set(records[1].custom))
        for field in (*PICKED, *(CUSTOM + name for name in custom)):
            mine, theirs = (_value(c, field) for c in records)
            if _empty(mine) and _empty(theirs):
                continue
            grid.addWidget(QLabel(_title(field)), row, 0, Qt.AlignmentFlag.AlignTop)
            if mine == theirs:
                self._once(field, row, -1)
            elif _empty(mine) or _empty(theirs):
                self._once(field, row, 1 if _empty(mine) else 0)
            else:
                row = self._pick_row(field, row)
            row += 1
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        grid.addWidget(rule, row, 0, 1, 3)
        self.lists_row = row + 1
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

    def _once(self, field: str, row: int, only: int) -> None:
        """A field both records agree on (only -1), or only one has (its column)."""
        assert self.records is not None
        source = self.records[max(only, 0)]
        value = QLabel()
        value.setWordWrap(True)
        value.setTextFormat(Qt.TextFormat.PlainText)
        picture = _picture(source, field)
        if picture is not None:
            value.setPixmap(picture)
        else:
            value.setText(_text(source, field))
        cell = QVBoxLayout()
        cell.setSpacing(0)
        cell.addWidget(value)
        cell.addWidget(Caption("the same in both" if only < 0 else f"only in {SIDES[only]}"))
        if only < 0:
            self.grid.addLayout(cell, row, 1, 1, 2)
        else:
            self.grid.addLayout(cell, row, only + 1)

    def _pick_row(self, field: str, row: int) -> int:
        assert self.records is not None
        title = _title(field)
        group = QButtonGroup(self)
        cells = [_Pick(title, SIDES[col], _text(c, field), group, _picture(c, field))
                 for col, c in enumerate(self.records)]
        for col, cell in enumerate(cells):
            self.grid.addWidget(cell, row, col + 1, Qt.AlignmentFlag.AlignTop)
        both: QRadioButton | None = None
        if field == "notes":
            both = QRadioButton("Both, one after the other")
            group.addButton(both)
            both.setChecked(True)
            row += 1
            self.grid.addWidget(both, row, 1, 1, 2)
        else:
            cells[0].radio.setChecked(True)
        group.buttonClicked.connect(lambda _b, f=field: self._touch(f))
        self.picks[field] = (cells[0].radio, cells[1].radio, both)
        return row

    def _touch(self, field: str) -> None:
        self.touched.add(field)
        self._show_lists()

    # --- which record stays ---------------------------------------------------------------

    def _survivor_toggled(self, col: int, checked: bool) -> None:
        if checked:
            self.survivor = col
            self._follow_survivor()

    def _follow_survivor(self) -> None:
        for field, (this, that, both) in self.picks.items():
            if field not in self.touched and both is None:
                (this, that)[self.survivor].setChecked(True)
        for col, note in enumerate(self.column_notes):
            note.setText("stays" if col == self.survivor else "goes to the Trash")
        kept, gone = self._kept_and_gone()
        self.footer.show()
        self.footer.setText(
            f"{gone.display_name} goes to the Trash; its history, activities, quotes, "
            f"relationships and groups move to {kept.display_name}. Edit ▸ Undo ({undo_key()}) "
            "takes the whole merge back.")
        self._show_lists()

    def _kept_and_gone(self) -> tuple[Contact, Contact]:
        assert self.records is not None
        return self.records[self.survivor], self.records[1 - self.survivor]

    def prefer(self) -> dict[str, Choice]:
        """The picks, as the merge takes them: relative to the record that stays."""
        out: dict[str, Choice] = {}
        for field, (this, _that, both) in self.picks.items():
            if both is not None and both.isChecked():
                out[field] = "both"
            else:
                col = 0 if this.isChecked() else 1
                out[field] = "keep" if col == self.survivor else "other"
        return out

    def preview(self) -> Contact:
        kept, gone = self._kept_and_gone()
        return combine(kept, gone, self.prefer())

    def _show_lists(self) -> None:
        """Every value of every list the merged contact will have, under the record it came
        from (across both when both have it)."""
        if self.records is None:
            return
        for widget in self.list_cells:
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self.list_cells = []
        kept, gone = self._kept_and_gone()
        merged = self.preview()
        column = {"keep": self.survivor, "other": 1 - self.survivor}
        row = self.lists_row
        for kind, title in LISTS:
            items = [(_item_text(kind, item), column.get(held, -1))
                     for item, held in list_origins(kept, gone, merged, kind)]
            row = self._list_rows(title, items, row)
        this_groups, that_groups = self.groups
        groups = [(g, -1 if g in this_groups and g in that_groups else
                   0 if g in this_groups else 1)
                  for g in dict.fromkeys([*this_groups, *that_groups])]
        self._list_rows("Groups", groups, row)

    def _list_rows(self, title: str, items: Sequence[tuple[str, int]], row: int) -> int:
        """`items`: (text, the column of the record it is from, or -1 for both)."""
        if not items:
            return row
        heading = QLabel(title)
        self.grid.addWidget(heading, row, 0, Qt.AlignmentFlag.AlignTop)
        self.list_cells.append(heading)
        for text, col in items:
            value = QLabel(text if col >= 0 else f"{text}  · in both")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setAccessibleName(f"{title}: {text}, "
                                    + ("in both" if col < 0 else f"from {SIDES[col]}"))
            if col < 0:
                self.grid.addWidget(value, row, 1, 1, 2)
            else:
                self.grid.addWidget(value, row, col + 1)
            self.list_cells.append(value)
            row += 1
        return row

    # --- the merge ------------------------------------------------------------------------

    def merge(self) -> None:
        if self.records is None:
            return
        kept, gone = self._kept_and_gone()
        keep_id, gone_id = kept.id, gone.id
        assert keep_id is not None and gone_id is not None
        prefer, name = self.prefer(), self.preview().display_name
        contacts = self.services.contacts
        self.merge_button.setEnabled(False)
        said = (f"Merged {gone.display_name} into {kept.display_name}. Edit ▸ Undo ({undo_key()}) "
                "takes it back.")

        def done(_changes: object) -> None:
            self.merged.emit(keep_id, gone_id, name)
            self.said.emit(said)
            self.accept()

        def failed(error: BaseException) -> None:
            self.merge_button.setEnabled(True)
            show_error(self, error)

        self.writer.run(lambda: contacts.merge(keep_id, gone_id, prefer), done, failed)
