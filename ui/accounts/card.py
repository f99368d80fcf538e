"""The account's header card: its name, what it does and what it is part of, and every way to
reach it (the main phone as a tel: link, the web site, the address with a map link), its tags.
Links take the palette's link colour; values that are not there take no room."""

from __future__ import annotations

import html
import urllib.parse

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.account import Account
from app.services.directory import AccountListing
from ui.contacts.form_bits import quiet_button

ACCOUNT_LINK = "account:"


def tel_target(number: str) -> str:
    return "tel:" + "".join(c for c in number if c.isdigit() or c == "+")


def web_target(url: str) -> str:
    return url if "://" in url else f"https://{url}"


def map_target(lines: list[str]) -> str:
    return ("https://www.openstreetmap.org/search?query="
            + urllib.parse.quote(", ".join(lines)))


def address_lines(account: Account) -> list[str]:
    a = account.address
    return [x for x in (a.street, " ".join(y for y in (a.postal_code, a.locality) if y),
                        a.region, a.country) if x.strip()]


class ElidedLink(QLabel):
    """A link on one line that fits its width: a long web address is shortened in the
    middle, the whole of it in the tooltip and behind the link."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("detailValue")
        self._value, self._target = "", ""
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)

    def value(self) -> str:
        return self._value

    def target(self) -> str:
        return self._target

    def set_link(self, value: str, target: str) -> None:
        self._value, self._target = value, target
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._value, Qt.TextElideMode.ElideMiddle,
                                              max(20, self.width() - 4))
        self.setText(f"<a href='{html.escape(self._target, quote=True)}'>"
                     f"{html.escape(shown)}</a>" if self._value else "")
        self.setToolTip(self._value if shown != self._value else "")


def _value(name: str = "detailValue") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class AccountCard(QWidget):
    parent_clicked = Signal(int)  # the account this one is part of
    edit_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("accountCard")
        self.account_id: int | None = None
        self.name = _value("detailName")
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.role = _value("detailRole")  # industry · part of <parent>
        self.role.linkActivated.connect(self._on_role_link)
        self.edit_button = quiet_button("Edit…")
        self.edit_button.setToolTip("Edit this account (Ctrl+E)")
        self.edit_button.clicked.connect(self.edit_clicked)
        self.phone = ElidedLink()
        self.phone.setAccessibleName("Main phone")
        self.website = ElidedLink()
        self.website.setAccessibleName("Web site")
        self.address = _value()
        self.address.setOpenExternalLinks(True)
        self.address.setAccessibleName("Address")
        self.tags = _value()
        self.tags.setTextFormat(Qt.TextFormat.PlainText)
        self.tags.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.name)
        titles.addWidget(self.role)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addLayout(titles, 1)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        self.form = QFormLayout()
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(6)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # The captions are short and the values elide or wrap: they stay beside their
        # captions even in a narrow pane, which keeps the card short and the tabs tall.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for caption, value in (("Phone", self.phone), ("Web", self.website),
                               ("Address", self.address), ("Tags", self.tags)):
            label = QLabel(caption)
            label.setObjectName("detailCaption")
            label.setBuddy(value)
            self.form.addRow(label, value)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 10)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addLayout(self.form)

    # --- filling -------------------------------------------------------------------------------

    def show_listing(self, row: AccountListing) -> None:
        """What the list row knows, at once; show_account adds the rest when it is read."""
        same = row.id == self.account_id
        self.account_id = row.id
        self.name.setText(row.name)
        if not same:
            self._set_role(row.industry, None, None)
            self._set_row(self.address, "")
            self._set_row(self.tags, "")
        self._set_link(self.phone, row.main_phone, tel_target(row.main_phone))
        self._set_link(self.website, row.website, web_target(row.website))

    def show_account(self, account: Account) -> None:
        self.account_id = account.id
        self.name.setText(account.name)
        self._set_role(account.industry, account.parent_id, account.parent_name)
        self._set_link(self.phone, account.main_phone, tel_target(account.main_phone))
        self._set_link(self.website, account.website, web_target(account.website))
        lines = address_lines(account)
        self._set_row(self.address, (", ".join(html.escape(x) for x in lines)
                                     + f" · <a href='{html.escape(map_target(lines))}'>"
                                       "Show on map</a>") if lines else "")
        self._set_row(self.tags, ", ".join(account.tags))

    def role_text(self) -> str:
        return self.role.text()

    def _set_role(self, industry: str, parent_id: int | None, parent_name: str | None) -> None:
        parts = [html.escape(industry)] if industry else []
        if parent_id is not None and parent_name:
            parts.append(f"Part of <a href='{ACCOUNT_LINK}{parent_id}'>"
                         f"{html.escape(parent_name)}</a>")
        self.role.setText(" · ".join(parts))
        self.role.setVisible(bool(parts))
        self.role.setToolTip(f"Show {parent_name}" if parent_id is not None and parent_name
                             else "")

    def _set_link(self, label: ElidedLink, value: str, target: str) -> None:
        label.set_link(value, target)
        self.form.setRowVisible(label, bool(value))

    def _set_row(self, label: QLabel, text: str) -> None:
        label.setText(text)
        self.form.setRowVisible(label, bool(text))

    def _on_role_link(self, link: str) -> None:
        if link.startswith(ACCOUNT_LINK):
            self.parent_clicked.emit(int(link[len(ACCOUNT_LINK):]))
