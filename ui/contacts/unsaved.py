"""The question an editor asks when it is closed with changes that were not saved."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget


class Answer(Enum):
    SAVE = "save"
    DISCARD = "discard"
    KEEP_EDITING = "keep editing"


def ask_about_changes(parent: QWidget, name: str) -> Answer:
    """Save / Discard / Keep editing, for an editor closed with unsaved changes."""
    box = QMessageBox(parent)
    box.setObjectName("unsavedChanges")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save your changes to {name}?" if name else "Save this new contact?")
    box.setInformativeText("If you don't, what you typed is lost.")
    save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(keep)
    box.exec()
    clicked = box.clickedButton()
    return Answer.SAVE if clicked is save else Answer.DISCARD if clicked is discard \
        else Answer.KEEP_EDITING
