"""Pieces the record editors' forms build their fields and layouts from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from ui.contacts.form_bits import tip_when_too_long


def line_edit(name: str, placeholder: str = "") -> QLineEdit:
    """A line edit named for screen readers (and tests), whose value shows whole in a
    tooltip when it is wider than the box."""
    field = tip_when_too_long(QLineEdit())
    field.setObjectName(name)
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    field.setMinimumWidth(40)
    return field


def notes_box(box: QPlainTextEdit, placeholder: str, *, grow: bool = False) -> QPlainTextEdit:
    """`box` made the Notes field: Tab leaves it, as in every other field, and it asks for
    four lines; with `grow` it takes the height the dialog has to spare."""
    box.setAccessibleName("Notes")
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * 4 + 16)
    box.setSizePolicy(QSizePolicy.Policy.Expanding,
                      QSizePolicy.Policy.Expanding if grow else QSizePolicy.Policy.Preferred)
    return box


def form_layout() -> QFormLayout:
    """Labels right-aligned beside their fields, which wrap under them when the window is
    too narrow for both."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(10)
    return form


def address_grid(street: QWidget, locality: QWidget, region: QWidget, postal_code: QWidget,
                 country: QWidget, *, across: int = 6, down: int = 4) -> QGridLayout:
    """The street across the top, then city, region and postcode, then the country across;
    the city gets the most room."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(across)
    grid.setVerticalSpacing(down)
    places = ((street, 0, 0, 3), (locality, 1, 0, 1), (region, 1, 1, 1), (postal_code, 1, 2, 1),
              (country, 2, 0, 3))
    for box, row, column, span in places:
        grid.addWidget(box, row, column, 1, span)
    for column, stretch in enumerate((2, 1, 1)):
        grid.setColumnStretch(column, stretch)
    return grid


def see_through_scroll(body: QWidget, sideways: Qt.ScrollBarPolicy) -> QScrollArea:
    """`body` in a frameless scroll area that shows the dialog's own background."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(sideways)
    scroll.setWidget(body)
    # setWidget() makes the body paint its own background; the dialog's is the one to show.
    body.setAutoFillBackground(False)
    scroll.viewport().setAutoFillBackground(False)
    return scroll
