"""The contact editor's repeatable details: phones, e-mail addresses, postal addresses, web
sites and IM handles, one row each, with a type label, a preferred mark and a remove button.

A row made from a stored detail keeps that object: what the editor saves is the original with
the edited values put in (`dataclasses.replace`), so the vCard parameters and property group
an import brought along stay as they were read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from app.domain.contact import Address, Email, ImHandle, Phone, Website
from ui.contacts.checks import check_email, check_phone, check_url, example_number
from ui.contacts.form_bits import (
    FieldMessage,
    combo_line,
    mark,
    tip_when_too_long,
)

Detail = Phone | Email | Address | Website | ImHandle

def _box(placeholder: str) -> QLineEdit:
    field = tip_when_too_long(QLineEdit())
    field.setPlaceholderText(placeholder)
    field.setMinimumWidth(60)
    return field


class DetailRow(QWidget):
    """One phone, e-mail address, ...: the value boxes, its type label, a preferred mark and a
    remove button, and the message saying what is wrong with it."""

    changed = Signal()
    remove_clicked = Signal(object)
    preferred_clicked = Signal(object)

    KIND: ClassVar[type]
    NOUN: ClassVar[str]
    LABELS: ClassVar[tuple[str, ...]] = ("work", "home", "other")

    def __init__(self, original: Any = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.original = original
        self._edited = False  # typed into: leaving the box then tidies and checks it
        self.label_box = QComboBox()
        combo_line(self.label_box)
        self.label_box.addItems(list(self.LABELS))
        self.label_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.label_box.setMinimumContentsLength(6)
        self.label_box.setToolTip(f"What kind of {self.NOUN} this is: pick one or type your own")
        self.label_box.setAccessibleName(f"Type of {self.NOUN}")
        self.label_box.setCurrentText(original.label if original is not None else self.LABELS[0])
        self.label_box.currentTextChanged.connect(self._on_changed)

        self.star = QToolButton()
        self.star.setCheckable(True)
        self.star.setAutoRaise(True)
        self.star.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.star.setChecked(bool(original is not None and original.preferred))
        self.star.toggled.connect(self._show_star)
        self.star.clicked.connect(lambda _on: self.preferred_clicked.emit(self))
        self._show_star(self.star.isChecked())

        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.remove.setToolTip(f"Remove this {self.NOUN}")
        self.remove.setAccessibleName(f"Remove this {self.NOUN}")
        self.remove.clicked.connect(lambda: self.remove_clicked.emit(self))

        self.message = FieldMessage()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.label_box, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(self._value_layout(), 0, 1)
        grid.addWidget(self.star, 0, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.remove, 0, 3, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.message, 1, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        if original is not None:
            self._fill(original)
            for box in self._boxes():
                box.setCursorPosition(0)  # a long address shows how it starts
        self._loaded = self.values()
        for box in self._boxes():
            box.textEdited.connect(self._on_typed)
            box.textChanged.connect(self._on_changed)
            box.editingFinished.connect(self._on_left)

    # --- what a kind of detail says ---------------------------------------------------------

    def _value_layout(self) -> QHBoxLayout | QGridLayout:
        raise NotImplementedError

    def _boxes(self) -> list[QLineEdit]:
        raise NotImplementedError

    def _fill(self, original: Any) -> None:
        raise NotImplementedError

    def values(self) -> dict[str, str]:
        raise NotImplementedError

    def problem(self) -> str | None:
        return None

    # --- shared --------------------------------------------------------------------------------

    def _show_star(self, on: bool) -> None:
        self.star.setText("★" if on else "☆")
        what = f"the preferred {self.NOUN}" if on else f"Make this the preferred {self.NOUN}"
        self.star.setToolTip(what[0].upper() + what[1:])
        self.star.setAccessibleName(self.star.toolTip())

    @property
    def preferred(self) -> bool:
        return self.star.isChecked()

    def set_preferred(self, on: bool) -> None:
        self.star.setChecked(on)

    def is_blank(self) -> bool:
        return not any(v.strip() for v in self.values().values())

    def label(self) -> str:
        return " ".join(self.label_box.currentText().split()) or self.LABELS[0]

    def item(self) -> Detail | None:
        """The detail as it would be saved; None for a row left empty."""
        if self.is_blank():
            return None
        fields: dict[str, Any] = {k: v.strip() for k, v in self.values().items()}
        fields |= {"label": self.label(), "preferred": self.preferred}
        if self.original is not None:
            return replace(self.original, **fields)  # its params and group go along
        result: Detail = self.KIND(**fields)
        return result

    def value_changed(self) -> bool:
        return self.original is None or self.values() != self._loaded

    def validate(self, show: bool = True) -> str | None:
        # A stored value nobody retyped is not judged again: an import may have brought a
        # number the phone library rejects, and an edit of its label or of the job title
        # must still save.
        found = None if self.is_blank() or not self.value_changed() else self.problem()
        if show or self.message.message:
            self.message.show_message(found)
            for box in self._boxes():
                mark(box, found if box is self.first_box() else None)
        return found

    def first_box(self) -> QLineEdit:
        return self._boxes()[0]

    def _on_typed(self, _text: str) -> None:
        self._edited = True

    def _on_changed(self, *_args: Any) -> None:
        if self.message.message:  # once told what is wrong, see it go as it is fixed
            self.validate(show=False)
        self.changed.emit()

    def _on_left(self) -> None:
        if self._edited:
            self.tidy()
            self.validate()
            self.changed.emit()  # the Save button follows what is shown

    def tidy(self) -> None:
        """Put a typed value in its usual form (as leaving the field does)."""


class PhoneRow(DetailRow):
    KIND = Phone
    NOUN = "phone"
    LABELS = ("mobile", "work", "home", "main", "fax", "other")

    def __init__(self, original: Phone | None = None, parent: QWidget | None = None, *,
                 region: str = "US"):
        self.region = region
        super().__init__(original, parent)

    def _value_layout(self) -> QHBoxLayout:
        self.number = _box(f"Phone number, like {example_number(self.region)}")
        self.number.setAccessibleName("Phone number")
        line = QHBoxLayout()
        line.addWidget(self.number)
        return line

    def _boxes(self) -> list[QLineEdit]:
        return [self.number]

    def _fill(self, original: Phone) -> None:
        self.number.setText(original.value)

    def values(self) -> dict[str, str]:
        return {"value": self.number.text()}

    def problem(self) -> str | None:
        return check_phone(self.number.text(), self.region)[1]

    def tidy(self) -> None:
        if not self._edited or self.is_blank():
            return
        formatted, _error = check_phone(self.number.text(), self.region)
        if formatted and formatted != self.number.text():
            self.number.setText(formatted)


class OneBoxRow(DetailRow):
    """A detail that is one value in one box (an e-mail address, a web address)."""

    FIELD = "value"  # the dataclass field the box holds
    PLACEHOLDER = ""
    NAME = ""  # what a screen reader calls the box
    CHECK: Callable[[str], str | None]

    def _value_layout(self) -> QHBoxLayout:
        self.box = _box(self.PLACEHOLDER)
        self.box.setAccessibleName(self.NAME)
        line = QHBoxLayout()
        line.addWidget(self.box)
        return line

    def _boxes(self) -> list[QLineEdit]:
        return [self.box]

    def _fill(self, original) -> None:
        self.box.setText(getattr(original, self.FIELD))

    def values(self) -> dict[str, str]:
        return {self.FIELD: self.box.text()}

    def problem(self) -> str | None:
        return type(self).CHECK(self.box.text())


class EmailRow(OneBoxRow):
    KIND = Email
    NOUN = "e-mail address"
    PLACEHOLDER, NAME, CHECK = "name@example.com", "E-mail address", staticmethod(check_email)


class WebsiteRow(OneBoxRow):
    KIND = Website
    NOUN = "web site"
    LABELS = ("work", "home", "blog", "other")
    FIELD = "url"
    PLACEHOLDER, NAME, CHECK = "example.com", "Web address", staticmethod(check_url)


IM_SERVICES = ("Signal", "Skype", "Slack", "Teams", "Telegram", "WhatsApp", "Matrix", "XMPP")


class ImRow(DetailRow):
    KIND = ImHandle
    NOUN = "IM handle"

    def _value_layout(self) -> QHBoxLayout:
        self.service = QComboBox()
        self._service_line = combo_line(self.service)
        self.service.addItems(["", *IM_SERVICES])
        self._service_line.setPlaceholderText("Service")
        self.service.setAccessibleName("Messaging service")
        self.service.setMinimumContentsLength(7)
        self.service.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.handle = _box("Handle or user name")
        self.handle.setAccessibleName("IM handle")
        line = QHBoxLayout()
        line.addWidget(self.service)
        line.addWidget(self.handle, 1)
        return line

    def _boxes(self) -> list[QLineEdit]:
        return [self.handle, self._service_line]

    def _fill(self, original: ImHandle) -> None:
        self.service.setCurrentText(original.service)
        self.handle.setText(original.handle)

    def values(self) -> dict[str, str]:
        return {"handle": self.handle.text(), "service": self.service.currentText()}

    def problem(self) -> str | None:
        if not self.handle.text().strip():
            return "Type the handle too: the service alone does not reach anyone."
        return None


class AddressRow(DetailRow):
    KIND = Address
    NOUN = "address"

    def _value_layout(self) -> QGridLayout:
        self.street = _box("Street")
        self.locality = _box("City")
        self.region = _box("State or region")
        self.postal_code = _box("Postcode")
        self.country = _box("Country")
        for box, name in ((self.street, "Street"), (self.locality, "City"),
                          (self.region, "State or region"), (self.postal_code, "Postcode"),
                          (self.country, "Country")):
            box.setAccessibleName(name)
        grid = QGridLayout()
        grid.setSpacing(4)
        grid.addWidget(self.street, 0, 0, 1, 3)
        grid.addWidget(self.locality, 1, 0)
        grid.addWidget(self.region, 1, 1)
        grid.addWidget(self.postal_code, 1, 2)
        grid.addWidget(self.country, 2, 0, 1, 3)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        return grid

    def _boxes(self) -> list[QLineEdit]:
        return [self.street, self.locality, self.region, self.postal_code, self.country]

    def _fill(self, original: Address) -> None:
        for box, value in zip(self._boxes(), (original.street, original.locality,
                                              original.region, original.postal_code,
                                              original.country), strict=True):
            box.setText(value)

    def values(self) -> dict[str, str]:
        return {"street": self.street.text(), "locality": self.locality.text(),
                "region": self.region.text(), "postal_code": self.postal_code.text(),
                "country": self.country.text()}

    def is_blank(self) -> bool:
        # A PO box or a second street line from an import is an address though not shown.
        hidden = self.original is not None and (self.original.po_box or self.original.extended)
        return not hidden and super().is_blank()
