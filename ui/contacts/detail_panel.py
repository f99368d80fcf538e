"""The contact pane beside the list: a read-only card for the current contact."""

from __future__ import annotations

import calendar
import html
import urllib.parse

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.contact import Contact
from app.domain.dates import PartialDate
from app.domain.summaries import ContactSummary
from ui.contacts.table_model import status_label

# Links take the palette's link colour, so they read in the light and the dark theme alike.
LINK_STYLE = "text-decoration:none"
NARROW_PANE = 330  # px below which values go under their captions


class ContactDetailPanel(QFrame):
    """A read-only card for one contact summary."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self.setMinimumWidth(240)
        self._pages = QStackedWidget(self)

        self.placeholder = QLabel("Select a contact to see their details.")
        self.placeholder.setObjectName("detailPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        card = QWidget()
        self.initials = QLabel()
        self.initials.setObjectName("detailInitials")
        self.initials.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.initials.setFixedSize(56, 56)
        self.name = ElidedLabel()
        self.name.setObjectName("detailName")
        self.role = self._value("detailRole")
        self.email = LinkLabel("mailto:")
        self.phone = LinkLabel("tel:")
        self.status = self._value("detailStatus")
        self.status.setWordWrap(False)
        self.status.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        head = QHBoxLayout()
        head.setSpacing(14)
        head.addWidget(self.initials, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.name)
        titles.addWidget(self.role)
        titles.addWidget(self.status, 0, Qt.AlignmentFlag.AlignLeft)
        head.addLayout(titles, 1)

        form = QFormLayout()
        self._form = form
        self._extra: list[QLabel] = []  # the value labels of rows show_contact added
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Long company e-mail addresses go under their caption rather than off the edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for caption, value in (("E-mail", self.email), ("Phone", self.phone)):
            label = QLabel(caption)
            label.setObjectName("detailCaption")
            form.addRow(label, value)

        rule = QFrame()
        rule.setObjectName("detailRule")
        rule.setFrameShape(QFrame.Shape.HLine)

        layout = QVBoxLayout(card)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(16)
        layout.addLayout(head)
        layout.addWidget(rule)
        layout.addLayout(form)
        layout.addStretch(1)

        # A contact with many addresses and numbers scrolls instead of being cut off.
        scroll = QScrollArea()
        scroll.setObjectName("detailScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        card.setObjectName("detailPanel")
        scroll.setWidget(card)
        self._card = card
        self._pages.addWidget(self.placeholder)
        self._pages.addWidget(scroll)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)
        self.show_summary(None)

    def wanted_height(self) -> int:
        """The height the card needs at its width to show everything without scrolling."""
        if self._pages.currentIndex() == 0:
            return self.placeholder.sizeHint().height()
        layout = self._card.layout()
        assert layout is not None  # set in __init__
        width = max(1, self.width())
        return (layout.heightForWidth(width) if layout.hasHeightForWidth()
                else layout.sizeHint().height())

    @staticmethod
    def _value(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def show_summary(self, contact: ContactSummary | None) -> None:
        """What the list row knows, at once; show_contact adds the rest when it is read."""
        self._clear_extra()
        if contact is None:
            self._pages.setCurrentWidget(self.placeholder)
            return
        self.initials.setPixmap(QPixmap())
        self.initials.setText(_initials(contact.display_name))
        self.name.set_value(contact.display_name)
        role = " at ".join(x for x in (contact.title, contact.account_name) if x)
        self.role.setText(role)
        self.role.setVisible(bool(role))
        self.email.set_value(contact.email)
        self.phone.set_value(contact.phone)
        self.status.setText(status_label(contact.status) or "—")
        self.status.setProperty("status", contact.status or "")
        # A dynamic property only restyles after the style is told to look again.
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self._pages.setCurrentIndex(1)

    def show_contact(self, contact: Contact) -> None:
        """Every way to reach the contact: all phones and e-mails (each a link), addresses
        with a map link, web sites, IM handles, birthday and tags."""
        self._clear_extra()
        if contact.photo:
            self._show_photo(contact.photo)
        self.email.set_value(contact.emails[0].value if contact.emails else "")
        self.phone.set_value(contact.phones[0].value if contact.phones else "")
        # More e-mails under the first, more phones under the first, the rest after them.
        at = 1
        for e in contact.emails[1:]:
            self._add_row(f"E-mail ({e.label})" if e.label else "E-mail",
                          _linked("mailto:", e.value), at)
            at += 1
        at += 1
        for ph in contact.phones[1:]:
            self._add_row(f"Phone ({ph.label})" if ph.label else "Phone",
                          _linked("tel:", ph.value), at)
            at += 1
        for a in contact.addresses:
            lines = [x for x in (a.po_box, a.extended, a.street,
                                 " ".join(y for y in (a.postal_code, a.locality) if y),
                                 a.region, a.country) if x]
            if lines:
                self._add_row(f"Address ({a.label})" if a.label else "Address",
                              _address(lines))
        for w in contact.websites:
            self._add_row("Web", _linked("", w.url))
        for m in contact.ims:
            self._add_row(m.service or "Chat", _text(m.handle))
        if contact.birthday is not None:
            self._add_row("Birthday", _text(_day(contact.birthday)))
        if contact.tags:
            self._add_row("Tags", _text(", ".join(contact.tags)))

    def _show_photo(self, data: bytes) -> None:
        """The photo in the initials' round place; a picture Qt cannot read keeps them."""
        image = QImage.fromData(data)
        if image.isNull():
            return
        side = self.initials.width()
        ratio = self.devicePixelRatioF()
        size = round(side * ratio)
        square = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                              Qt.TransformationMode.SmoothTransformation)
        round_photo = QPixmap(size, size)
        round_photo.fill(Qt.GlobalColor.transparent)
        painter = QPainter(round_photo)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = QPainterPath()
        clip.addEllipse(0, 0, size, size)
        painter.setClipPath(clip)
        painter.drawImage((size - square.width()) // 2, (size - square.height()) // 2, square)
        painter.end()
        round_photo.setDevicePixelRatio(ratio)
        self.initials.setText("")
        self.initials.setPixmap(round_photo)

    def resizeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().resizeEvent(event)
        # A narrow pane puts each value under its caption, so an address or e-mail gets the
        # pane's whole width rather than what the captions leave of it.
        narrow = event.size().width() < NARROW_PANE
        # The initials give the name their width in a narrow pane.
        self.initials.setVisible(not narrow)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows if narrow
                                    else QFormLayout.RowWrapPolicy.WrapLongRows)

    @property
    def extra_values(self) -> list[QLabel]:
        """The value labels show_contact added (more e-mails and phones, addresses...)."""
        return list(self._extra)

    def _add_row(self, caption: str, value: QLabel, at: int = -1) -> None:
        label = QLabel(caption)
        label.setObjectName("detailCaption")
        self._form.insertRow(at, label, value)
        self._extra.append(value)

    def _clear_extra(self) -> None:
        for value in self._extra:
            self._form.removeRow(value)
        self._extra.clear()


class ElidedLabel(QLabel):
    """One line of plain text that fits its width: a long name ends in "…", whole in the
    tooltip, rather than wrapping into the line under it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._value = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        self._value = value
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._value, Qt.TextElideMode.ElideRight,
                                              max(20, self.width()))
        self.setText(shown)
        self.setToolTip(self._value if shown != self._value else "")


class LinkLabel(ElidedLabel):
    """A mailto: or tel: link on one line that fits the pane: an e-mail address has no
    spaces to wrap at, so a long one is shortened in the middle (the full value in the
    tooltip, and behind the link) instead of running off the edge."""

    def __init__(self, scheme: str, parent: QWidget | None = None):
        self._scheme = scheme  # before the base's __init__, which may fit the text
        super().__init__(parent)
        self.setObjectName("detailValue")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(True)
        self.setMinimumWidth(60)

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._value, Qt.TextElideMode.ElideMiddle,
                                              max(20, self.width() - 4))
        self.setText(_link(self._scheme, self._value, shown))
        self.setToolTip(self._value if shown != self._value else "")


def _day(d: PartialDate) -> str:
    """"15 April" or "15 April 1990": a birthday as people say it."""
    month = calendar.month_name[d.month]
    return f"{d.day} {month}" if d.year is None else f"{d.day} {month} {d.year}"


def _text(value: str) -> QLabel:
    label = QLabel(html.escape(value))
    label.setObjectName("detailValue")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _linked(scheme: str, value: str) -> QLabel:
    link = LinkLabel(scheme)
    link.set_value(value)
    return link


def _address(lines: list[str]) -> QLabel:
    """The address on its lines, and a link that opens it on a map in the browser."""
    query = urllib.parse.quote(", ".join(lines))
    label = QLabel("<br>".join(html.escape(x) for x in lines)
                   + f"<br><a style='{LINK_STYLE}' href='https://www.openstreetmap.org/"
                     f"search?query={query}'>Show on map</a>")
    label.setObjectName("detailValue")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setOpenExternalLinks(True)
    return label


def _initials(name: str) -> str:
    words = [w for w in name.replace("@", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in (words[:1] + words[1:][-1:])).upper() or "?"


def _link(scheme: str, value: str, shown: str | None = None) -> str:
    if not value:
        return "—"
    if scheme == "tel:":
        target = "".join(c for c in value if c.isdigit() or c == "+")
    elif scheme == "":  # a web site: as given, with a scheme when it has none
        target = value if "://" in value else f"https://{value}"
    else:
        target = value
    return (f"<a style='{LINK_STYLE}' href='{html.escape(scheme + target)}'>"
            f"{html.escape(value if shown is None else shown)}</a>")
