"""The contact pane beside the list: a read-only card for the current contact."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.summaries import ContactSummary
from ui.contacts.table_model import status_label

LINK_STYLE = "color:#2a5db0; text-decoration:none"


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
        self.name = self._value("detailName")
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
        head.addLayout(titles, 1)

        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Long company e-mail addresses go under their caption rather than off the edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for caption, value in (("E-mail", self.email), ("Phone", self.phone),
                               ("Status", self.status)):
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

        self._pages.addWidget(self.placeholder)
        self._pages.addWidget(card)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)
        self.show_summary(None)

    @staticmethod
    def _value(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def show_summary(self, contact: ContactSummary | None) -> None:
        if contact is None:
            self._pages.setCurrentWidget(self.placeholder)
            return
        self.initials.setText(_initials(contact.display_name))
        self.name.setText(contact.display_name)
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


class LinkLabel(QLabel):
    """A mailto: or tel: link on one line that fits the pane: an e-mail address has no
    spaces to wrap at, so a long one is shortened in the middle (the full value in the
    tooltip, and behind the link) instead of running off the edge."""

    def __init__(self, scheme: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("detailValue")
        self._scheme, self._value = scheme, ""
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(True)
        # Takes the width the form gives it rather than asking for the whole address.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)

    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        self._value = value
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802  Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._value, Qt.TextElideMode.ElideMiddle,
                                              max(20, self.width() - 4))
        self.setText(_link(self._scheme, self._value, shown))
        self.setToolTip(self._value if shown != self._value else "")


def _initials(name: str) -> str:
    words = [w for w in name.replace("@", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in (words[:1] + words[1:][-1:])).upper() or "?"


def _link(scheme: str, value: str, shown: str | None = None) -> str:
    if not value:
        return "<span style='color:#8a8f98'>—</span>"
    target = value if scheme == "mailto:" else "".join(c for c in value if c.isdigit() or c == "+")
    return (f"<a style='{LINK_STYLE}' href='{html.escape(scheme + target)}'>"
            f"{html.escape(value if shown is None else shown)}</a>")
