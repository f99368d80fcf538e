"""Log a call, meeting, note or e-mail, or edit one already in the history.

    LogDialog.for_contact(services, writer, contact_id, kind, parent, about="Priya Raman")
    LogDialog.for_account(services, writer, account_id, kind, parent, about="Lagos Timber")
    LogDialog.edit(services, reads, writer, history_id, parent)   # shown once read
    dialog.saved.connect(...)                                      # (history_id)

The dialog is not modal: a call timer may run while the user looks things up in the window.
The save is one Writer job (one Undo step); what is wrong is said beside the field and nothing
is saved until it is right; a save that fails keeps everything typed."""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from app.domain.changes import ChangeSet, Entity
from app.domain.conflict import ConflictError
from app.domain.errors import NotFoundError, ValidationError
from app.domain.history import HistoryItem, HistoryKind
from app.services.registry import Services
from ui.contacts.form_bits import chain_tabs, in_reading_order
from ui.contacts.unsaved import LOST, Answer, ask_to_save
from ui.errors import show_error
from ui.history.call_timer import Clock
from ui.history.labels import KIND_NOUNS, clock_text, now_local
from ui.history.log_form import LogForm
from ui.records.dialog_base import RecordDialog
from ui.tasks import ReadPool, Writer

# The domain's words when neither a subject nor details were given: said under Regarding.
ABOUT_WORDS = "was about"


class LogDialog(RecordDialog[LogForm]):
    ENTITY = Entity.HISTORY

    def __init__(self, services: Services, writer: Writer, parent: QWidget | None = None, *,
                 about: str = "", clock: Clock = time.monotonic):
        super().__init__(writer, LogForm(clock), parent, name="logDialog", banner="logBanner")
        self._services = services
        self._about = about
        self._base = HistoryItem(HistoryKind.CALL, now_local())
        self._ready = True
        self._frame(self.form)

        QShortcut(QKeySequence("Ctrl+T"), self, self.form.toggle_timer)
        self.form.changed.connect(self._on_changed)
        self.form.timer.started.connect(self._update_title)
        self.form.timer.stopped.connect(lambda _s: self._update_title())
        chain_tabs([*in_reading_order(self.form), self.cancel_button, self.save_button])
        self.setMinimumWidth(360)  # and as tall as the fields need, from the layout
        self.resize(520, 480)
        self._clean = self.form.state()
        self._update_title()

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def for_contact(cls, services: Services, writer: Writer, contact_id: int,
                    kind: HistoryKind = HistoryKind.CALL, parent: QWidget | None = None, *,
                    about: str = "", clock: Clock = time.monotonic) -> LogDialog:
        """A new item linked to one contact, shown at once. `about` (their name) titles it."""
        return cls._new(services, writer, kind, parent, about, clock, contact_ids=[contact_id])

    @classmethod
    def for_account(cls, services: Services, writer: Writer, account_id: int,
                    kind: HistoryKind = HistoryKind.CALL, parent: QWidget | None = None, *,
                    about: str = "", clock: Clock = time.monotonic) -> LogDialog:
        """A new item linked to a company (account), shown at once."""
        return cls._new(services, writer, kind, parent, about, clock, account_id=account_id)

    @classmethod
    def _new(cls, services: Services, writer: Writer, kind: HistoryKind,
             parent: QWidget | None, about: str, clock: Clock, *,
             contact_ids: list[int] | None = None, account_id: int | None = None) -> LogDialog:
        dialog = cls(services, writer, parent, about=about, clock=clock)
        dialog._base = HistoryItem(kind, dialog.form.occurred_at(),
                                   contact_ids=list(contact_ids or []), account_id=account_id)
        dialog.form.set_kind(kind)
        dialog._clean = dialog.form.state()
        dialog._update_title()
        dialog.show()
        dialog.form.regarding.setFocus(Qt.FocusReason.OtherFocusReason)
        return dialog

    @classmethod
    def edit(cls, services: Services, reads: ReadPool, writer: Writer, history_id: int,
             parent: QWidget | None = None, *, about: str = "",
             clock: Clock = time.monotonic) -> LogDialog:
        """The form for a stored item; it shows itself once the item is read (a read that
        fails is said in a dialog and no form opens)."""
        dialog = cls(services, writer, parent, about=about, clock=clock)
        dialog._ready = False
        reads.run(lambda: services.timeline.get(history_id), dialog._loaded,
                  dialog._load_failed)
        return dialog

    def _loaded(self, item: HistoryItem) -> None:
        if not self._alive():
            return
        self._base = item
        self.form.load(item)
        self._clean = self.form.state()
        self._ready = True
        self._update_title()
        self._show_loaded(self.form.regarding)

    # --- state --------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Loaded (an edit reads its item first) and not saving."""
        return self._ready and not self._saving

    @property
    def history_id(self) -> int | None:
        return self._base.id

    def _update_title(self) -> None:
        noun = KIND_NOUNS[self.form.current_kind()]
        if self._base.id is not None:
            title = f"Edit {noun}"
        else:
            article = "an" if noun[0] in "aeiou" else "a"
            title = f"Log {article} {noun}" + (f" with {self._about}" if self._about else "")
        if self.form.timer.running:
            title += " (timer running)"
        self._set_title(title)

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        """Check the item, say beside the field what is wrong, and save only when nothing is."""
        if self._saving or not self._ready:
            return
        if self.form.timer.running:
            self.form.timer.stop()  # the duration is what was timed, up to now
        item = self.form.fill(replace(self._base, contact_ids=list(self._base.contact_ids)))
        try:
            item.validate()
        except ValidationError as exc:
            self._refuse(str(exc))
            return
        timeline = self._services.timeline
        editing = item.id is not None

        def work() -> ChangeSet:
            return timeline.edit(item) if editing else timeline.log(item)

        self._write(item, work)

    def _refuse(self, message: str) -> None:
        if ABOUT_WORDS in message:
            self.form.about_message.show_message(f"{message}: give it a subject or details.")
            self.form.regarding.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._say(message, "fix")

    def _explain_failure(self, error: BaseException, attempted: HistoryItem) -> bool:
        if isinstance(error, ConflictError) and isinstance(error.stored, HistoryItem):
            # Theirs is kept unless the user saves again: then ours replaces it, as they chose.
            self._base = replace(self._base, version=error.stored.version)
            self._say("This item was changed elsewhere after you opened it. Save again to "
                      "replace that version with yours, or Cancel to keep it.", "conflict")
        elif isinstance(error, NotFoundError):
            self._say("Not saved: this item was deleted elsewhere meanwhile. Copy what you "
                      "need, then Cancel.")
        elif isinstance(error, ValidationError):
            self._refuse(str(error))
        else:
            return False
        return True

    def _report(self, parent: QWidget | None, error: BaseException) -> None:
        show_error(parent, error)  # this module's: the tests stand in for it

    # --- closing ------------------------------------------------------------------------------

    def _would_lose(self) -> bool:
        return self.form.timer.running or self.is_dirty()

    def _ask(self) -> Answer:
        noun = KIND_NOUNS[self.form.current_kind()]
        if not self.form.timer.running:
            return ask_to_save(self, f"Save this {noun}?", LOST, title="Unsaved " + noun,
                               name="logUnsaved")
        return ask_to_save(
            self, f"The call timer is still running ({clock_text(self.form.timer.elapsed())}).",
            f"Save the {noun} with the time so far, or discard it?", title="Unsaved " + noun,
            keep="Keep open", name="logUnsaved")

    def _discard(self) -> None:
        self.form.timer.stop()

    def done(self, result: int) -> None:
        self._finished = True
        self.form.timer.stop()
        super().done(result)
