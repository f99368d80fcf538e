"""The contact editor: one dialog for a new contact and for an existing one.

    ContactEditor.new(services, reads, writer, parent)              # shown at once
    ContactEditor.edit(services, reads, writer, contact_id, parent) # shown once loaded
    editor.saved.connect(...)                                        # (contact_id)

Everything that touches the database runs off the GUI thread: the contact, the accounts and
the tags are read through the ReadPool, the save (with the account it creates, when the
company typed is new) is one Writer job. A save that fails keeps the dialog open with what was
typed and says why beside the field; one refused because the contact was saved elsewhere meanwhile
shows both versions (conflict.py). What it shares with the account editor is in
ui/records/editor_base.py."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QWidget

from app.domain.changes import ChangeSet, Entity
from app.domain.contact import Contact
from app.domain.errors import RolodeckError
from app.services.registry import Services
from ui.contacts.checks import system_country
from ui.contacts.conflict import ConflictDialog
from ui.contacts.editor_form import NEEDS_A_NAME, ContactForm
from ui.contacts.form_bits import chain_tabs, in_reading_order
from ui.contacts.unsaved import Answer, ask_about_changes
from ui.errors import show_error
from ui.records.editor_base import RecordEditor
from ui.tasks import ReadPool, Writer

Lists = tuple[list[tuple[int, str]], list[str]]


class ContactEditor(RecordEditor[Contact, ContactForm]):
    NOUN = "contact"
    ENTITY = Entity.CONTACT
    NEEDS_A_NAME = NEEDS_A_NAME
    LISTS_FAILED = ("The list of companies could not be read ({error}). Close and open the "
                    "editor again to choose a company.")
    CONFLICT_DIALOG = ConflictDialog

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None, *, default_country: str | None = None):
        country = (default_country or system_country()).upper()
        super().__init__(services, reads, writer, ContactForm(country), parent,
                         name="contactEditor")
        self.default_country = country
        self.form.changed.connect(self._on_changed)
        self.form.rows_changed.connect(self._rows_changed)
        self.resize(680, 760)
        self._load_into_form(Contact())

    # --- opening -------------------------------------------------------------------------------

    @classmethod
    def new(cls, services: Services, reads: ReadPool, writer: Writer,
            parent: QWidget | None = None, *,
            default_country: str | None = None) -> ContactEditor:
        editor = cls(services, reads, writer, parent, default_country=default_country)
        editor._open(None)
        return editor

    @classmethod
    def edit(cls, services: Services, reads: ReadPool, writer: Writer, contact_id: int,
             parent: QWidget | None = None, *,
             default_country: str | None = None) -> ContactEditor:
        """The editor for a stored contact; it shows itself once the contact is read (a read
        that fails is said in a dialog and no editor opens)."""
        editor = cls(services, reads, writer, parent, default_country=default_country)
        contacts = services.contacts
        editor._open(lambda: contacts.get(contact_id))
        return editor

    def _first_field(self) -> QWidget:
        return self.form.given

    def _lists_job(self) -> Callable[[], Lists]:
        directory, organize = self._services.directory, self._services.organize

        def lists() -> Lists:
            accounts = [(a.id, a.name) for a in directory.accounts()]
            return accounts, [name for name, _count in organize.all_tags()]

        return lists

    def _take_lists(self, found: Lists) -> None:
        accounts, tags = found
        self.form.account.set_accounts(accounts)
        self.form.tags.set_known(tags)

    def _form_loaded(self) -> None:
        self._rows_changed()

    # --- state -----------------------------------------------------------------------------

    @property
    def contact_id(self) -> int | None:
        return self._base.id

    def load_photo(self, path: str) -> bool:
        """Make the photo from an image file (as "Choose…" does once a file is picked)."""
        return self.form.photo.load_file(path)

    def _rows_changed(self) -> None:
        chain_tabs(in_reading_order(self))
        # Combo boxes as tall as the line edits beside them, whatever the style sheet pads.
        height = self.form.title.sizeHint().height()
        for combo in self.form.findChildren(QComboBox):
            combo.setMinimumHeight(height)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802  Qt's name
        super().showEvent(event)
        self._rows_changed()  # now that the style sheet has sized the line edits

    # --- saving -----------------------------------------------------------------------------

    def _lacks_name(self, record: Contact, error: RolodeckError) -> bool:
        return str(error).startswith("A contact needs")

    def _submit(self, contact: Contact, merged: bool) -> None:
        contacts = self._services.contacts
        # A company typed that is not in the list yet is created with the contact; the
        # version the conflict dialog settled keeps the company of the side chosen.
        new_account = None if merged else self.form.account.choice().new_name

        def work() -> ChangeSet:
            # One unit: the new company and the contact are one Undo step, and a save that
            # fails or meets a conflict leaves no company behind.
            return contacts.save(contact, new_account=new_account)

        def company_added(changes: ChangeSet) -> None:
            if new_account and Entity.ACCOUNT in changes.inserted:
                self.form.account.add_account(changes.new_id(Entity.ACCOUNT), new_account)

        self._write(contact, work, company_added)

    # --- this module's dialogs (the tests stand in for them) ------------------------------

    def _report(self, parent: QWidget | None, error: BaseException) -> None:
        show_error(parent, error)

    def _ask(self) -> Answer:
        return ask_about_changes(self, self.form.display_name())
