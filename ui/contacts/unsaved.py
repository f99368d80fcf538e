"""The question an editor asks when it is closed with changes that were not saved."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

LOST = "If you don't, what you typed is lost."


class Answer(Enum):
    SAVE = "save"
    DISCARD = "discard"
    KEEP_EDITING = "keep editing"


def ask_about_changes(parent: QWidget, name: str) -> Answer:
    """Save / Discard / Keep editing, for an editor closed with unsaved changes."""
    return ask_to_save(parent, f"Save your changes to {name}?" if name else
                       "Save this new contact?", LOST)


def ask_to_save(parent: QWidget, text: str, informative: str, *,
                title: str = "Unsaved changes", keep: str = "Keep editing",
                name: str = "unsavedChanges") -> Answer:
    """Save / Discard / `keep`: Return saves, Esc keeps the dialog open."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(informative)
    save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    keep_button = box.addButton(keep, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(keep_button)
    box.exec()
    clicked = box.clickedButton()
    return Answer.SAVE if clicked is save else Answer.DISCARD if clicked is discard \
        else Answer.KEEP_EDITING
