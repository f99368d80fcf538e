"""The contact editor's form: every field of a contact in reading order, filled from a Contact
and turned back into one. Knows nothing of the database; the dialog (editor.py) loads and
saves."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.contact import Contact, ContactStatus, display_name_of
from ui.contacts.account_picker import AccountPicker
from ui.contacts.detail_section import DetailSection
from ui.contacts.editor_fields import AddressRow, EmailRow, ImRow, PhoneRow, WebsiteRow
from ui.contacts.editor_widgets import PartialDateEdit, TagsEdit
from ui.contacts.form_bits import Caption, FieldMessage
from ui.contacts.photo import PhotoField
from ui.contacts.table_model import status_label
from ui.records.form_parts import form_layout, line_edit, notes_box

NAME_PARTS = ("prefix", "given", "middle", "family", "suffix", "nickname")
PLAIN = (*NAME_PARTS, "title", "department")
NEEDS_A_NAME = "A contact needs a name or an e-mail address: type at least one of them."


def initials_of(name: str) -> str:
    words = [w for w in name.replace("@", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in (words[:1] + words[1:][-1:])).upper()


class ContactForm(QWidget):
    changed = Signal()
    rows_changed = Signal()

    def __init__(self, default_country: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._base = Contact()
        self._shown: dict[str, Any] = {}
        self.photo = PhotoField()
        self.prefix = line_edit("Prefix", "Dr.")
        self.given = line_edit("First name")
        self.middle = line_edit("Middle name")
        self.family = line_edit("Last name")
        self.suffix = line_edit("Suffix", "Jr.")
        self.nickname = line_edit("Nickname")
        self.name_message = FieldMessage()
        self.account = AccountPicker()
        self.title = line_edit("Job title")
        self.department = line_edit("Department")
        self.status = QComboBox()
        self.status.setAccessibleName("Status")
        for status in ContactStatus:
            self.status.addItem(status_label(status), status)
        self.status.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.phones = DetailSection(PhoneRow, "Add phone", region=default_country)
        self.emails = DetailSection(EmailRow, "Add e-mail")
        self.addresses = DetailSection(AddressRow, "Add address")
        self.websites = DetailSection(WebsiteRow, "Add web site")
        self.ims = DetailSection(ImRow, "Add IM handle")
        self.sections = (self.phones, self.emails, self.addresses, self.websites, self.ims)
        self.birthday = PartialDateEdit("Birthday")
        self.anniversary = PartialDateEdit("Anniversary")
        self.tags = TagsEdit()
        self.notes = notes_box(QPlainTextEdit(), "Anything worth remembering about them")
        self._lay_out()
        for field in (self.prefix, self.given, self.middle, self.family, self.suffix,
                      self.nickname, self.title, self.department, self.tags):
            field.textChanged.connect(self._on_changed)
        for name_field in (self.prefix, self.given, self.middle, self.family, self.suffix,
                           self.nickname):
            name_field.textChanged.connect(self._on_name)
        self.notes.textChanged.connect(self._on_changed)
        self.status.currentIndexChanged.connect(self._on_changed)
        for widget in (self.account, self.photo, self.birthday, self.anniversary):
            widget.changed.connect(self._on_changed)
        for section in self.sections:
            section.changed.connect(self._on_changed)
            section.rows_changed.connect(self.rows_changed)
        self.emails.changed.connect(self._on_name)

    def _lay_out(self) -> None:
        names = QGridLayout()
        names.setHorizontalSpacing(8)
        names.setVerticalSpacing(2)
        cells = ((0, 0, 1, self.prefix), (0, 1, 1, self.given), (0, 2, 1, self.middle),
                 (2, 0, 2, self.family), (2, 2, 1, self.suffix), (4, 0, 2, self.nickname))
        for row, column, span, field in cells:
            caption = Caption(field.accessibleName())
            caption.setContentsMargins(0, 6 if row else 0, 0, 0)
            caption.setBuddy(field)
            names.addWidget(caption, row, column, 1, span)
            names.addWidget(field, row + 1, column, 1, span)
        names.addWidget(self.name_message, 6, 0, 1, 3)
        names.setColumnStretch(0, 2)
        names.setColumnStretch(1, 5)
        names.setColumnStretch(2, 4)
        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(names, 1)

        form = form_layout()
        rows: tuple[tuple[str, QWidget], ...] = (
            ("Company", self.account), ("Job title", self.title),
            ("Department", self.department), ("Status", self.status),
            ("Phone", self.phones), ("E-mail", self.emails), ("Address", self.addresses),
            ("Web site", self.websites), ("Messaging", self.ims),
            ("Birthday", self.birthday), ("Anniversary", self.anniversary),
            ("Tags", self.tags), ("Notes", self.notes))
        for text, widget in rows:
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(18)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addStretch(1)

    # --- in and out ----------------------------------------------------------------------------

    def load(self, contact: Contact) -> None:
        self._base = contact
        for name in PLAIN:
            field: QLineEdit = getattr(self, name)
            field.setText(getattr(contact, name))
        self.account.set_current(contact.account_id, contact.account_name)
        self.status.setCurrentIndex(max(0, self.status.findData(contact.status)))
        new = contact.id is None
        self.phones.set_items(contact.phones, blank_row=new)
        self.emails.set_items(contact.emails, blank_row=new)
        self.addresses.set_items(contact.addresses)
        self.websites.set_items(contact.websites)
        self.ims.set_items(contact.ims)
        self.birthday.set_date(contact.birthday)
        self.anniversary.set_date(contact.anniversary)
        self.tags.set_tags(contact.tags)
        self.notes.setPlainText(contact.notes)
        self.photo.set_photo(contact.photo, contact.photo_mime)
        self._shown = self._widget_values()
        self._on_name()

    def _widget_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(self, name).text() for name in PLAIN}
        values["tags"] = self.tags.text()
        values["notes"] = self.notes.toPlainText()
        return values

    def build(self) -> Contact:
        """The contact as the form has it (the account is the picker's; a new one is created
        by the save). Fields nobody touched keep their stored value exactly, spacing and line
        ends included, so they are not saved as a change."""
        base, shown, now = self._base, self._shown, self._widget_values()

        def kept(name: str, value: Any) -> Any:
            return getattr(base, name) if now[name] == shown.get(name) else value

        changes: dict[str, Any] = {name: kept(name, now[name].strip()) for name in PLAIN}
        photo, mime = self.photo.photo()
        choice = self.account.choice()
        changes |= {
            "account_id": choice.account_id,
            "account_name": self.account.text() or None,
            "status": ContactStatus(self.status.currentData()),
            "phones": self.phones.items(), "emails": self.emails.items(),
            "addresses": self.addresses.items(), "websites": self.websites.items(),
            "ims": self.ims.items(),
            "birthday": self.birthday.date(), "anniversary": self.anniversary.date(),
            "tags": kept("tags", self.tags.tags()),
            "notes": kept("notes", now["notes"].rstrip()),
            "photo": photo, "photo_mime": mime,
        }
        return replace(base, **changes)

    def state(self) -> tuple:
        """What the user would lose by closing: compared with the state just after loading."""
        dates = tuple((d.day.currentIndex(), d.month.currentIndex(), d.year.text().strip())
                      for d in (self.birthday, self.anniversary))
        return (tuple(self._widget_values().items()), self.account.text(),
                self.status.currentIndex(), *(tuple(s.items()) for s in self.sections), dates,
                self.photo.photo())

    # --- checking ------------------------------------------------------------------------------

    def validate(self, show: bool = True) -> list[QWidget]:
        """The fields with something wrong, in reading order; with `show`, each says what."""
        for section in self.sections:
            section.tidy()  # a number typed and saved at once is formatted as on leaving it
        wrong: list[QWidget] = []
        if self._name_problem(show):
            wrong.append(self.given)
        for section in self.sections:
            wrong += section.validate(show)
        for date in (self.birthday, self.anniversary):
            if date.validate(show):
                wrong.append(date.first_box())
        return wrong

    def has_visible_problems(self) -> bool:
        return any(m.message for m in self.findChildren(FieldMessage)
                   if m is not self.photo.message)

    def display_name(self) -> str:
        emails = self.emails.items()
        return display_name_of(self.prefix.text(), self.given.text(), self.middle.text(),
                               self.family.text(), self.suffix.text(), self.nickname.text(),
                               emails[0].value if emails else "")

    def _name_problem(self, show: bool) -> str | None:
        problem = None if self.display_name() else NEEDS_A_NAME
        if show or self.name_message.message:
            self.name_message.show_message(problem)
        return problem

    def _on_name(self, *_args: object) -> None:
        if self.name_message.message:
            self._name_problem(show=False)
        self.photo.set_initials(initials_of(self.display_name()))

    def _on_changed(self, *_args: object) -> None:
        self.changed.emit()
