"""The account editor: one dialog for a new account and for an existing one.

    AccountEditor.new(services, reads, writer, parent)              # shown at once
    AccountEditor.edit(services, reads, writer, account_id, parent) # shown once loaded
    editor.saved.connect(...)                                        # (account_id)

The account, the other accounts (for the parent picker) and the tags are read in the
ReadPool; the save is one Writer job. A save that fails keeps the dialog open with what was
typed and says why; one refused because the account was saved elsewhere meanwhile shows both
versions (conflict.py). What it shares with the contact editor is in
ui/records/editor_base.py."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from app.domain.account import Account
from app.domain.changes import ChangeSet, Entity
from app.domain.errors import RolodeckError
from app.services.registry import Services
from ui.accounts.conflict import AccountConflictDialog
from ui.accounts.editor_form import NEEDS_A_NAME, AccountForm
from ui.contacts.checks import system_country
from ui.contacts.form_bits import chain_tabs, in_reading_order
from ui.contacts.unsaved import Answer, ask_about_changes
from ui.errors import show_error
from ui.records.editor_base import RecordEditor
from ui.tasks import ReadPool, Writer

Lists = tuple[list[tuple[int, str, int | None]], list[str]]


class AccountEditor(RecordEditor[Account, AccountForm]):
    NOUN = "account"
    ENTITY = Entity.ACCOUNT
    NEEDS_A_NAME = NEEDS_A_NAME
    LISTS_FAILED = ("The list of accounts could not be read ({error}). Close and open the "
                    "editor again to choose what this account is part of.")
    CONFLICT_DIALOG = AccountConflictDialog

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None, *, default_country: str | None = None):
        form = AccountForm((default_country or system_country()).upper())
        super().__init__(services, reads, writer, form, parent, name="accountEditor")
        self._outline: list[tuple[int, str, int | None]] = []
        self.form.changed.connect(self._on_changed)
        self.resize(600, 640)
        self._load_into_form(Account(name=""))

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
        editor._open(None)
        return editor

    @classmethod
    def edit(cls, services: Services, reads: ReadPool, writer: Writer, account_id: int,
             parent: QWidget | None = None, *,
             default_country: str | None = None) -> AccountEditor:
        """The editor for a stored account; it shows itself once the account is read (a
        read that fails is said in a dialog and no editor opens)."""
        editor = cls(services, reads, writer, parent, default_country=default_country)
        accounts = services.accounts
        editor._open(lambda: accounts.get(account_id))
        return editor

    def _first_field(self) -> QWidget:
        return self.form.name

    def _lists_job(self) -> Callable[[], Lists]:
        directory, organize = self._services.directory, self._services.organize

        def lists() -> Lists:
            return directory.account_outline(), [name for name, _n in organize.all_tags()]

        return lists

    def _take_lists(self, found: Lists) -> None:
        outline, tags = found
        self._outline = outline
        self.form.parent_picker.set_accounts(outline, self._base.id)
        self.form.tags.set_known(tags)

    def _took_record(self, account: Account) -> None:
        if self.form.parent_picker.loaded:  # the list came first: now it knows who this is
            self.form.parent_picker.set_accounts(self._outline, account.id)
            self._clean = self.form.state()

    # --- state ---------------------------------------------------------------------------------

    @property
    def account_id(self) -> int | None:
        return self._base.id

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802  Qt's name
        super().showEvent(event)
        chain_tabs([*in_reading_order(self.form), self.cancel_button, self.save_button])
        # The parent box as tall as the line edits around it, whatever the style sheet pads.
        self.form.parent_picker.box.setMinimumHeight(self.form.name.sizeHint().height())

    # --- saving --------------------------------------------------------------------------------

    def _lacks_name(self, record: Account, error: RolodeckError) -> bool:
        return not record.name.strip()

    def _submit(self, account: Account, merged: bool) -> None:
        accounts = self._services.accounts

        def work() -> ChangeSet:
            if account.id is None:
                return accounts.create(account)
            return accounts.update(account)

        self._write(account, work)

    # --- this module's dialogs (the tests stand in for them) -----------------------------------

    def _report(self, parent: QWidget | None, error: BaseException) -> None:
        show_error(parent, error)

    def _ask(self) -> Answer:
        return ask_about_changes(self, self.form.display_name() or "this new account")
