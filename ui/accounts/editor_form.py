"""The account editor's form: every field of an account in reading order, filled from an
Account and turned back into one, each with the sentence that says what is wrong with it.
Knows nothing of the database; the dialog (editor.py) loads and saves."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.account import Account
from ui.accounts.parent_picker import ParentPicker
from ui.contacts.checks import check_phone, check_url, example_number
from ui.contacts.editor_widgets import TagsEdit
from ui.contacts.form_bits import FieldMessage, mark
from ui.records.form_parts import address_grid, form_layout, line_edit, notes_box

NEEDS_A_NAME = "An account needs a name: type the company's name."
PLAIN = ("name", "industry", "main_phone", "website")
ADDRESS = ("street", "locality", "region", "postal_code", "country")


class _Checked(QWidget):
    """A line edit and the message under it. A stored value nobody retyped is not judged
    again (an import may have brought a number the phone library rejects; editing the notes
    must still save)."""

    changed = Signal()

    def __init__(self, box: QLineEdit, check, tidy=None):
        super().__init__()
        self.box, self._check, self._tidy = box, check, tidy
        self.message = FieldMessage()
        self.loaded = ""
        self._typed = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(box)
        layout.addWidget(self.message)
        self.setFocusProxy(box)
        box.textEdited.connect(self._on_typed)
        box.textChanged.connect(self._on_changed)
        box.editingFinished.connect(self._on_left)

    def load(self, value: str) -> None:
        self.loaded = value
        self._typed = False
        self.box.setText(value)
        self.box.setCursorPosition(0)
        self.message.show_message(None)
        mark(self.box, None)

    def problem(self) -> str | None:
        text = self.box.text()
        if not text.strip() or text == self.loaded:
            return None
        return self._check(text)

    def validate(self, show: bool = True) -> str | None:
        found = self.problem()
        if show or self.message.message:
            self.message.show_message(found)
            mark(self.box, found)
        return found

    def tidy(self) -> None:
        """The value in its usual form (an international phone number), as leaving does."""
        if self._tidy is not None and self._typed and self.box.text().strip():
            tidied = self._tidy(self.box.text())
            if tidied and tidied != self.box.text():
                self.box.setText(tidied)

    def _on_typed(self, _text: str) -> None:
        self._typed = True

    def _on_changed(self, _text: str) -> None:
        if self.message.message:
            self.validate(show=False)
        self.changed.emit()

    def _on_left(self) -> None:
        if self._typed:
            self.tidy()
            self.validate()
            self.changed.emit()


class _Notes(QPlainTextEdit):
    """Notes that ask for a few lines, not Qt's default of a dozen: the dialog needs no
    scroll bar at its normal size, and the box grows with the dialog."""

    def sizeHint(self) -> QSize:  # noqa: N802  Qt's name
        hint = super().sizeHint()
        return QSize(hint.width(), self.fontMetrics().lineSpacing() * 5 + 16)


class AccountForm(QWidget):
    changed = Signal()

    def __init__(self, default_country: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._base = Account(name="")
        self._shown: dict[str, str] = {}
        self.region_code = default_country
        self.name = line_edit("Name", "Company or organisation")
        self.name_message = FieldMessage()
        self.industry = line_edit("Industry", "Timber, software, catering…")
        self.parent_picker = ParentPicker()
        self.main_phone = line_edit("Main phone", f"Like {example_number(default_country)}")
        self.phone = _Checked(self.main_phone, lambda t: check_phone(t, self.region_code)[1],
                              lambda t: check_phone(t, self.region_code)[0])
        self.website = line_edit("Web site", "example.com")
        self.web = _Checked(self.website, check_url)
        self.street = line_edit("Street")
        self.locality = line_edit("City")
        self.region = line_edit("State or region")
        self.postal_code = line_edit("Postcode")
        self.country = line_edit("Country")
        self.tags = TagsEdit()
        self.notes = notes_box(_Notes(), "What is worth knowing about them: terms, history, "
                               "who decides", grow=True)
        self._lay_out()
        for field in (self.name, self.industry, self.street, self.locality, self.region,
                      self.postal_code, self.country, self.tags):
            field.textChanged.connect(self._on_changed)
        self.name.textChanged.connect(self._on_name)
        self.notes.textChanged.connect(self._on_changed)
        for widget in (self.phone, self.web, self.parent_picker):
            widget.changed.connect(self._on_changed)

    def _lay_out(self) -> None:
        name = QVBoxLayout()
        name.setSpacing(2)
        name.addWidget(self.name)
        name.addWidget(self.name_message)
        address = address_grid(self.street, self.locality, self.region, self.postal_code,
                               self.country)
        for box in (self.street, self.locality, self.region, self.postal_code, self.country):
            box.setPlaceholderText(box.accessibleName())

        form = form_layout()
        rows: tuple[tuple[str, QWidget | QVBoxLayout | QGridLayout, QWidget], ...] = (
            ("&Name", name, self.name), ("&Industry", self.industry, self.industry),
            ("Part o&f", self.parent_picker, self.parent_picker.box),
            ("&Phone", self.phone, self.main_phone), ("&Web site", self.web, self.website),
            ("&Address", address, self.street), ("&Tags", self.tags, self.tags),
            ("N&otes", self.notes, self.notes))
        for text, field, buddy in rows:
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addLayout(form, 1)

    # --- in and out ----------------------------------------------------------------------------

    def load(self, account: Account) -> None:
        self._base = account
        self.name.setText(account.name)
        self.industry.setText(account.industry)
        self.phone.load(account.main_phone)
        self.web.load(account.website)
        for part in ADDRESS:
            box: QLineEdit = getattr(self, part)
            box.setText(getattr(account.address, part))
        self.parent_picker.set_current(account.parent_id, account.parent_name)
        self.tags.set_tags(account.tags)
        self.notes.setPlainText(account.notes)
        for box in (self.name, self.industry, *(getattr(self, p) for p in ADDRESS)):
            box.setCursorPosition(0)  # a long value shows how it starts
        self.name_message.show_message(None)
        self._shown = self._values()
        self._on_name()

    def _values(self) -> dict[str, str]:
        values = {"name": self.name.text(), "industry": self.industry.text(),
                  "main_phone": self.main_phone.text(), "website": self.website.text(),
                  "tags": self.tags.text(), "notes": self.notes.toPlainText()}
        return values | {part: getattr(self, part).text() for part in ADDRESS}

    def build(self) -> Account:
        """The account as the form has it. Fields nobody touched keep their stored value
        exactly (spacing and line ends too), so they are not saved as a change."""
        base, shown, now = self._base, self._shown, self._values()

        def kept(field: str, value: Any, stored: Any) -> Any:
            return stored if now[field] == shown.get(field) else value

        address = replace(base.address, **{
            part: kept(part, now[part].strip(), getattr(base.address, part))
            for part in ADDRESS})
        picked = self.parent_picker.chosen_id()
        return replace(
            base, **{f: kept(f, now[f].strip(), getattr(base, f)) for f in PLAIN},
            address=address, parent_id=picked,
            parent_name=self.parent_picker.text() if picked is not None else None,
            tags=kept("tags", self.tags.tags(), base.tags),
            notes=kept("notes", now["notes"].rstrip(), base.notes))

    def state(self) -> tuple:
        """What the user would lose by closing: compared with the state just after loading."""
        return tuple(self._values().items()) + (self.parent_picker.text(),)

    # --- checking ------------------------------------------------------------------------------

    def validate(self, show: bool = True) -> list[QWidget]:
        """The fields with something wrong, in reading order; with `show`, each says what."""
        self.phone.tidy()  # a number typed and saved at once is formatted as on leaving it
        wrong: list[QWidget] = []
        if self._name_problem(show):
            wrong.append(self.name)
        if self.parent_picker.validate(show):
            wrong.append(self.parent_picker.box)
        if self.phone.validate(show):
            wrong.append(self.main_phone)
        if self.web.validate(show):
            wrong.append(self.website)
        return wrong

    def has_visible_problems(self) -> bool:
        return any(m.message for m in self.findChildren(FieldMessage))

    def display_name(self) -> str:
        return " ".join(self.name.text().split())

    def _name_problem(self, show: bool) -> str | None:
        problem = None if self.display_name() else NEEDS_A_NAME
        if show or self.name_message.message:
            self.name_message.show_message(problem)
            mark(self.name, problem)
        return problem

    def _on_name(self, *_args: object) -> None:
        self.parent_picker.own_name = self.display_name()
        if self.name_message.message:
            self._name_problem(show=False)
        if self.parent_picker.message.message:
            self.parent_picker.validate(show=False)

    def _on_changed(self, *_args: object) -> None:
        self.changed.emit()
