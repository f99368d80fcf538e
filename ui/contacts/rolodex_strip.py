"""The rolodex strip over the contact list: A to Z and #, each a jump to the first contact
filed under it, as the tabs of a card file are."""

from __future__ import annotations

import string

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QWidget

LETTERS = tuple(string.ascii_uppercase) + ("#",)


class RolodexStrip(QWidget):
    """Signal `letter_chosen(str)`: "a".."z" or "#"."""

    letter_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("rolodexStrip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 8, 2)
        row.setSpacing(0)
        self.buttons: dict[str, QToolButton] = {}
        for letter in LETTERS:
            button = QToolButton()
            button.setObjectName("rolodexLetter")
            button.setText(letter)
            button.setAutoRaise(True)
            # The list keeps the keyboard; typing a letter there jumps the same way.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(12)
            tip = "names that begin with a digit or another script" if letter == "#" \
                else f"the first name filed under {letter}"
            button.setToolTip(f"Jump to {tip} (or type it in the list)")
            button.clicked.connect(lambda _c=False, x=letter: self.letter_chosen.emit(x.lower()))
            row.addWidget(button, 1)
            self.buttons[letter] = button
