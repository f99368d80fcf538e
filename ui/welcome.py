"""What an empty address book shows: the things a new user can do next, as buttons that do
them (never an instruction to go to a terminal)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

SAMPLE_CONTACTS = 300


class Welcome(QWidget):
    load_sample = Signal()
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        heading = QLabel("<h2>No contacts yet</h2>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        text = QLabel(
            "This address book is empty. To look around first, fill it with sample people, "
            f"companies and their history ({SAMPLE_CONTACTS} contacts); Edit ▸ Undo takes "
            "them out again.")
        text.setWordWrap(True)
        text.setMaximumWidth(text.fontMetrics().horizontalAdvance("m") * 48)  # a readable line
        for label in (heading, text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sample_button = QPushButton("Load Sample Data")
        self.sample_button.setObjectName("primaryButton")
        self.sample_button.clicked.connect(self.load_sample)
        self.import_button = QPushButton("Import a File…")
        self.import_button.clicked.connect(self.import_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.sample_button)
        buttons.addStretch(1)
        self._buttons = buttons
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addWidget(heading)
        # Centred by stretches, not an alignment flag: an aligned label is given the height
        # of its one-line size hint, and the wrapped lines below the first are cut off.
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(text, 4)
        middle.addStretch(1)
        column.addLayout(middle)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addStretch(2)

    def add_button(self, button: QPushButton) -> None:
        """Another first step (New Contact, Import...), before the sample data."""
        self._buttons.insertWidget(1, button)
