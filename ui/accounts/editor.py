"""The account editor: one dialog for a new account and for an existing one.

    AccountEditor.new(services, reads, writer, parent)              # shown at once
    AccountEditor.edit(services, reads, writer, account_id, parent) # shown once loaded
    editor.saved.connect(...)                                        # (account_id)

The account, the other accounts (for the parent picker) and the tags are read in the
ReadPool; the save is one Writer job. A save that fails keeps the dialog open with what was
typed and says why; one refused because the account was saved elsewhere meanwhile shows both
versions (conflict.py)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QShowEvent
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from app.domain.account import Account
from app.domain.changes import ChangeSet, Entity
from app.domain.conflict import ConflictError
from app.domain.errors import RolodeckError
from app.services.journal import FieldChange
from app.services.registry import Services
from ui.accounts.conflict import AccountConflictDialog
from ui.accounts.editor_form import NEEDS_A_NAME, AccountForm
from ui.contacts.checks import system_country
from ui.contacts.conflict import changed_by_text, current_user
from ui.contacts.form_bits import PRIMARY, FieldMessage, chain_tabs, in_reading_order, quiet_button
from ui.contacts.unsaved import Answer, ask_about_changes
from ui.errors import show_error
from ui.tasks import ReadPool, Writer

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")
Lists = tuple[list[tuple[int, str, int | None]], list[str]]


class AccountEditor(QDialog):
    saved = Signal(int)  # the account's id, once the save went through

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None, *, default_country: str | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("accountEditor")
        self.setSizeGripEnabled(True)
        self._services, self._reads, self._writer = services, reads, writer
        self._base = Account(name="")
        self._clean: tuple = ()
        self._ready = False  # the other accounts are known: the parent can be checked
        self._outline: list[tuple[int, str, int | None]] = []
        self._saving = False
        self._finished = False

        self.form = AccountForm((default_country or system_country()).upper())
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.form)
        # setWidget() makes the form paint its own background; the dialog's is the one to show.
        self.form.setAutoFillBackground(False)
        self.scroll_area.viewport().setAutoFillBackground(False)

        self.banner = FieldMessage()
        self.banner.setObjectName("editorBanner")
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button = quiet_button("Cancel")
        self.cancel_button.setToolTip("Close without saving (Esc)")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = quiet_button("Save")
        native = QKeySequence(QKeySequence.StandardKey.Save).toString(
            QKeySequence.SequenceFormat.NativeText)
        self.save_button.setToolTip(f"Save ({native} or Ctrl+Return)")
        self.save_button.setStyleSheet(PRIMARY)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 8, 20, 14)
        buttons.addWidget(self.banner, 1)
        buttons.addStretch(0)  # the buttons keep their size while the banner is hidden
        buttons.addSpacing(12)
        buttons.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Plain)
        rule.setForegroundRole(QPalette.ColorRole.Mid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(rule)
        layout.addLayout(buttons)

        for keys in (QKeySequence(QKeySequence.StandardKey.Save), *map(QKeySequence, SAVE_KEYS)):
            QShortcut(keys, self, self.save)
        self.form.changed.connect(self._on_changed)
        writer.bus.changed.connect(self._on_bus)
        self.setMinimumSize(360, 280)
        self.resize(600, 640)
        self._load_into_form(self._base)

    # --- opening -------------------------------------------------------------------------------

    @classmethod
    def new(cls, services: Services, reads: ReadPool, writer: Writer,
            parent: QWidget | None = None, *, parent_account: tuple[int, str] | None = None,
            default_country: str | None = None) -> AccountEditor:
        """A new account, part of `parent_account` ((id, name)) when given."""
        editor = cls(services, reads, writer, parent, default_country=default_country)
        if parent_account is not None:
            editor._load_into_form(Account(name="", parent_id=parent_account[0],
                                           parent_name=parent_account[1]))
        editor._read_lists()
        editor.show()
        editor.form.name.setFocus(Qt.FocusReason.OtherFocusReason)
        return editor

    @classmethod
    def edit(cls, services: Services, reads: ReadPool, writer: Writer, account_id: int,
             parent: QWidget | None = None, *,
             default_country: str | None = None) -> AccountEditor:
        """The editor for a stored account; it shows itself once the account is read (a
        read that fails is said in a dialog and no editor opens)."""
        editor = cls(services, reads, writer, parent, default_country=default_country)
        accounts = services.accounts
        reads.run(lambda: accounts.get(account_id), editor._loaded, editor._load_failed)
        editor._read_lists()
        return editor

    def _read_lists(self) -> None:
        directory, organize = self._services.directory, self._services.organize

        def lists() -> Lists:
            return directory.account_outline(), [name for name, _n in organize.all_tags()]

        self._reads.run(lists, self._lists_arrived, self._lists_failed)

    def _lists_arrived(self, found: Lists) -> None:
        if not self._alive():
            return
        outline, tags = found
        self._outline = outline
        self.form.parent_picker.set_accounts(outline, self._base.id)
        self.form.tags.set_known(tags)
        self._ready = True
        self._update_buttons()

    def _lists_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        self._say(f"The list of accounts could not be read ({error}). Close and open the "
                  "editor again to choose what this account is part of.")
        self._ready = True
        self._update_buttons()

    def _loaded(self, account: Account) -> None:
        if not self._alive():
            return
        self._load_into_form(account)
        if self.form.parent_picker.loaded:  # the list came first: now it knows who this is
            self.form.parent_picker.set_accounts(self._outline, account.id)
            self._clean = self.form.state()
        self.show()
        self.raise_()
        self.activateWindow()
        self.form.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        show_error(self.parentWidget(), error)
        self.deleteLater()

    def _load_into_form(self, account: Account) -> None:
        self._base = account
        self.form.load(account)
        self._clean = self.form.state()
        self._update_title()
        self._update_buttons()

    # --- state ---------------------------------------------------------------------------------

    @property
    def account_id(self) -> int | None:
        return self._base.id

    @property
    def ready(self) -> bool:
        """Loaded, and the other accounts read: the parent can be checked."""
        return self._ready

    def _alive(self) -> bool:
        # Reads and saves finish after the user may have closed (and Qt deleted) the editor.
        return shiboken6.isValid(self) and not self._finished

    def is_dirty(self) -> bool:
        return self.form.state() != self._clean

    def _on_changed(self) -> None:
        self._update_title()
        self._update_buttons()
        if self.banner.message and not self.form.has_visible_problems() \
                and self.banner.property("kind") == "fix":
            self._say("")

    def _update_title(self) -> None:
        name = self.form.display_name()
        if self._base.id is None:
            title = f"New account: {name}" if name else "New account"
        else:
            title = name or "Edit account"
        self.setWindowTitle(f"{title}[*]")
        self.setWindowModified(self.is_dirty())

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self._ready and not self._saving
                                    and not self.form.has_visible_problems())
        self.save_button.setText("Saving…" if self._saving else "Save")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802  Qt's name
        super().showEvent(event)
        chain_tabs([*in_reading_order(self.form), self.cancel_button, self.save_button])
        # The parent box as tall as the line edits around it, whatever the style sheet pads.
        self.form.parent_picker.box.setMinimumHeight(self.form.name.sizeHint().height())

    def _say(self, text: str, kind: str = "") -> None:
        self.banner.setProperty("kind", kind)
        self.banner.show_message(text)

    # --- saving --------------------------------------------------------------------------------

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
        account = self.form.build()
        try:
            account.validate()
        except RolodeckError as exc:
            self._say(str(exc))
            if not account.name.strip():
                self.form.name_message.show_message(NEEDS_A_NAME)
            return
        self._write(account)

    def _write(self, account: Account) -> None:
        accounts = self._services.accounts

        def work() -> ChangeSet:
            if account.id is None:
                return accounts.create(account)
            return accounts.update(account)

        self._saving = True
        self._say("")
        self._update_buttons()
        self._writer.run(work, self._written, lambda error: self._write_failed(error, account))

    def _written(self, changes: ChangeSet) -> None:
        if not self._alive():
            return
        self._saving = False
        account_id = self._base.id if self._base.id is not None \
            else changes.new_id(Entity.ACCOUNT)
        self._clean = self.form.state()
        self.saved.emit(account_id)
        self.accept()

    def _write_failed(self, error: BaseException, attempted: Account) -> None:
        if not self._alive():
            return
        self._saving = False
        self._update_buttons()
        if isinstance(error, ConflictError):
            self._conflict(error, attempted)
        elif isinstance(error, RolodeckError):
            self._say(f"Not saved: {error}")
        else:
            self._say("Not saved: something went wrong. What you typed is still here.")
            show_error(self, error)

    def _conflict(self, error: ConflictError, attempted: Account) -> None:
        self._say("This account was changed elsewhere: choose which version to keep.")
        journal, aid = self._services.journal, attempted.id

        def latest() -> list[FieldChange]:
            return journal.history(Entity.ACCOUNT, aid, limit=1) if aid is not None else []

        # Who changed it is a nicety: without it the dialog still says when.
        self._reads.run(latest, lambda found: self._show_conflict(error, attempted, found),
                        lambda _e: self._show_conflict(error, attempted, []))

    def _show_conflict(self, error: ConflictError, attempted: Account,
                       latest: list[FieldChange]) -> None:
        if not self._alive():
            return
        theirs: Account = error.stored
        last = latest[0] if latest else None
        by = changed_by_text(last.when if last else theirs.updated_at,
                             last.actor if last else "", last.origin if last else "",
                             current_user())
        dialog = AccountConflictDialog(attempted, theirs, self._base, error.fields, by, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda code: self._conflict_settled(dialog, theirs, code))
        dialog.open()  # not exec(): no event loop of its own inside the pool's delivery

    def _conflict_settled(self, dialog: AccountConflictDialog, theirs: Account,
                          code: int) -> None:
        if not self._alive():
            return
        if code != QDialog.DialogCode.Accepted:
            self._say("Nothing was saved. Everything you typed is still here; Save shows both "
                      "versions again.")
            return
        result = dialog.result_account()
        if result == theirs:  # they won on every field: there is nothing of ours to write
            self._clean = self.form.state()
            self.accept()
            return
        self._write(result)

    def _on_bus(self, changes: ChangeSet) -> None:
        if not self._alive():
            return
        if changes.touches(Entity.ACCOUNT) and self.isVisible() and not self._saving:
            self._read_lists()  # accounts came, went or moved: the parent check follows
        aid = self._base.id
        if (aid is not None and not self._saving and not changes.everything
                and aid in changes.updated.get(Entity.ACCOUNT, frozenset())):
            self._say("This account was just changed elsewhere. Saving will show both "
                      "versions so you can choose.", "elsewhere")

    # --- closing -------------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, Cancel and the window's close button: asks first when something would be
        lost."""
        if self._saving:
            return  # the save under way ends in a moment, closing or showing why not
        if not self.is_dirty():
            super().reject()
            return
        answer = ask_about_changes(self, self.form.display_name() or "this new account")
        if answer is Answer.SAVE:
            self.save()
        elif answer is Answer.DISCARD:
            super().reject()

    def done(self, result: int) -> None:
        self._finished = True
        super().done(result)
