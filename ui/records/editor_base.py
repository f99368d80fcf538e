"""What the contact and account editors share beyond their frame (dialog_base.py): the form
in a scroll area; the record and the lists its fields choose from read in the ReadPool; Save
that checks every field first; and a save refused because the record was saved elsewhere
meanwhile, which shows both versions (conflict_base.py) and saves what the user chose.

A subclass names its record (NOUN, ENTITY), its conflict dialog and what the lists are, and
says how to save (`_submit`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from app.domain.changes import ChangeSet, Entity
from app.domain.conflict import ConflictError
from app.domain.errors import RolodeckError
from app.services.journal import FieldChange
from app.services.registry import Services
from ui.contacts.form_bits import FieldMessage
from ui.records.conflict_base import SideBySideDialog, changed_by_text, current_user
from ui.records.dialog_base import RecordDialog
from ui.records.form_parts import see_through_scroll
from ui.tasks import ReadPool, Writer


class EditedRecord(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def updated_at(self) -> datetime | None: ...
    def validate(self) -> None: ...


R = TypeVar("R", bound=EditedRecord)


class EditorForm(Protocol[R]):
    name_message: FieldMessage

    def load(self, record: R) -> None: ...
    def build(self) -> R: ...
    def state(self) -> tuple: ...
    def validate(self, show: bool = True) -> list[QWidget]: ...
    def has_visible_problems(self) -> bool: ...
    def display_name(self) -> str: ...


Form = TypeVar("Form", bound=EditorForm[Any])


class RecordEditor(RecordDialog[Form], Generic[R, Form]):
    NOUN: str  # "contact": in the titles and in what the banner says
    NEEDS_A_NAME: str  # said under the name when the record has none
    LISTS_FAILED: str  # said when the lists could not be read; {error} says why
    CONFLICT_DIALOG: type[SideBySideDialog[Any]]
    _base: R  # as read (or new): what the form started from

    def __init__(self, services: Services, reads: ReadPool, writer: Writer, form: Form,
                 parent: QWidget | None, *, name: str):
        super().__init__(writer, form, parent, name=name, banner="editorBanner")
        self._services, self._reads = services, reads
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        native = QKeySequence(QKeySequence.StandardKey.Save).toString(
            QKeySequence.SequenceFormat.NativeText)
        self.save_button.setToolTip(f"Save ({native} or Ctrl+Return)")
        # The form is a QWidget too: the protocol says only what the editor asks of it.
        self.scroll_area = see_through_scroll(cast(QWidget, form),
                                              Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._frame(self.scroll_area)
        writer.bus.changed.connect(self._on_bus)
        self.setMinimumSize(360, 280)

    # --- what subclasses say ----------------------------------------------------------------

    def _first_field(self) -> QWidget:
        raise NotImplementedError

    def _lists_job(self) -> Callable[[], Any]:
        """The read of what the fields choose from (companies, accounts, tags)."""
        raise NotImplementedError

    def _take_lists(self, found: Any) -> None:
        raise NotImplementedError

    def _submit(self, record: R, merged: bool) -> None:
        """Save `record` (through `_write`); `merged` when the conflict dialog settled it."""
        raise NotImplementedError

    def _lacks_name(self, record: R, error: RolodeckError) -> bool:
        raise NotImplementedError

    def _took_record(self, record: R) -> None:
        """After a stored record is loaded, before the editor shows."""

    def _form_loaded(self) -> None:
        """After the form is filled, before the title and buttons follow it."""

    # --- opening ----------------------------------------------------------------------------

    def _open(self, read: Callable[[], R] | None) -> None:
        """A new record is shown at once; a stored one (`read`) once it is read."""
        if read is not None:
            self._reads.run(read, self._loaded, self._load_failed)
        self._read_lists()
        if read is None:
            self.show()
            self._first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def _read_lists(self) -> None:
        self._reads.run(self._lists_job(), self._lists_arrived, self._lists_failed)

    def _lists_arrived(self, found: Any) -> None:
        if not self._alive():
            return
        self._take_lists(found)
        self._ready = True
        self._update_buttons()

    def _lists_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        self._say(self.LISTS_FAILED.format(error=error))
        self._ready = True
        self._update_buttons()

    def _loaded(self, record: R) -> None:
        if not self._alive():
            return
        self._load_into_form(record)
        self._took_record(record)
        self._show_loaded(self._first_field())

    def _load_into_form(self, record: R) -> None:
        self._base = record
        self.form.load(record)
        self._clean = self.form.state()
        self._form_loaded()
        self._update_title()
        self._update_buttons()

    # --- state ------------------------------------------------------------------------------

    def _can_save(self) -> bool:
        return self._ready and not self._saving and not self.form.has_visible_problems()

    def _fields_show_problems(self) -> bool:
        return self.form.has_visible_problems()

    def _update_title(self) -> None:
        name, noun = self.form.display_name(), self.NOUN
        if self._base.id is None:
            title = f"New {noun}: {name}" if name else f"New {noun}"
        else:
            title = name or f"Edit {noun}"
        self._set_title(title)

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        """Check every field, say what is wrong beside it, and save only when nothing is."""
        if self._saving or not self._ready:
            return
        wrong = self.form.validate(show=True)
        if wrong:
            self._say("Fix the field marked ⚠ to save." if len(wrong) == 1 else
                      f"Fix the {len(wrong)} fields marked ⚠ to save.", "fix")
            self.scroll_area.ensureWidgetVisible(wrong[0], 40, 60)
            wrong[0].setFocus(Qt.FocusReason.OtherFocusReason)
            self._update_buttons()
            return
        record = self.form.build()
        try:
            record.validate()
        except RolodeckError as exc:
            self._say(str(exc))
            if self._lacks_name(record, exc):
                self.form.name_message.show_message(self.NEEDS_A_NAME)
            return
        self._submit(record, merged=False)

    def _explain_failure(self, error: BaseException, attempted: R) -> bool:
        if not isinstance(error, ConflictError):
            return False
        self._say(f"This {self.NOUN} was changed elsewhere: choose which version to keep.")
        journal, rid, entity = self._services.journal, attempted.id, self.ENTITY

        def latest() -> list[FieldChange]:
            return journal.history(entity, rid, limit=1) if rid is not None else []

        # Who changed it is a nicety: without it the dialog still says when.
        self._reads.run(latest, lambda found: self._show_conflict(error, attempted, found),
                        lambda _e: self._show_conflict(error, attempted, []))
        return True

    def _show_conflict(self, error: ConflictError, attempted: R,
                       latest: list[FieldChange]) -> None:
        if not self._alive():
            return
        theirs: R = error.stored
        last = latest[0] if latest else None
        by = changed_by_text(last.when if last else theirs.updated_at,
                             last.actor if last else "", last.origin if last else "",
                             current_user())
        dialog = self.CONFLICT_DIALOG(attempted, theirs, self._base, error.fields, by, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda code: self._conflict_settled(dialog, theirs, code))
        # open(), not exec(): no event loop of its own inside the read pool's delivery.
        dialog.open()

    def _conflict_settled(self, dialog: SideBySideDialog[Any], theirs: R, code: int) -> None:
        if not self._alive():
            return
        if code != QDialog.DialogCode.Accepted:
            self._say("Nothing was saved. Everything you typed is still here; Save shows both "
                      "versions again.")
            return
        result = dialog.merged_record()
        if result == theirs:  # they won on every field: there is nothing of ours to write
            self._clean = self.form.state()
            self.accept()
            return
        self._submit(result, merged=True)

    def _on_bus(self, changes: ChangeSet) -> None:
        if not self._alive():
            return
        if changes.touches(Entity.ACCOUNT) and self.isVisible() and not self._saving:
            self._read_lists()  # accounts came, went or moved: the lists of both editors
        rid = self._base.id
        if (rid is not None and not self._saving and not changes.everything
                and rid in changes.updated.get(self.ENTITY, frozenset())):
            self._say(f"This {self.NOUN} was just changed elsewhere. Saving will show both "
                      "versions so you can choose.", "elsewhere")
