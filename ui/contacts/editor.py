"""The contact editor: one dialog for a new contact and for an existing one.

    ContactEditor.new(services, reads, writer, parent)              # shown at once
    ContactEditor.edit(services, reads, writer, contact_id, parent) # shown once loaded
    editor.saved.connect(...)                                        # (contact_id)

Everything that touches the database runs off the GUI thread: the contact, the accounts and
the tags are read through the ReadPool, the save (with the account it creates, when the
company typed is new) is one Writer job. A save that fails keeps the dialog open with what was
typed and says why beside the field; one refused because the contact was saved elsewhere meanwhile
shows both versions (conflict.py)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.conflict import ConflictError
from app.domain.contact import Contact
from app.domain.errors import RolodeckError
from app.services.journal import FieldChange
from app.services.registry import Services
from ui.contacts.checks import system_country
from ui.contacts.conflict import ConflictDialog, changed_by_text, current_user
from ui.contacts.editor_form import NEEDS_A_NAME, ContactForm
from ui.contacts.form_bits import (
    PRIMARY,
    FieldMessage,
    chain_tabs,
    in_reading_order,
    quiet_button,
)
from ui.contacts.unsaved import Answer, ask_about_changes
from ui.errors import show_error
from ui.tasks import ReadPool, Writer

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


class ContactEditor(QDialog):
    saved = Signal(int)  # the contact's id, once the save went through

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 parent: QWidget | None = None, *, default_country: str | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("contactEditor")
        self.setSizeGripEnabled(True)
        self._services, self._reads, self._writer = services, reads, writer
        self.default_country = (default_country or system_country()).upper()
        self._base = Contact()
        self._clean: tuple = ()
        self._ready = False  # accounts known: a name typed can be told new or existing
        self._saving = False
        self._finished = False

        self.form = ContactForm(self.default_country)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
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
        self.save_button.clicked.connect(self.save)
        self.save_button.setStyleSheet(PRIMARY)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 8, 20, 14)
        buttons.addWidget(self.banner, 1)
        buttons.addStretch(0)
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
        self.form.rows_changed.connect(self._rows_changed)
        writer.bus.changed.connect(self._on_bus)
        self.setMinimumSize(360, 280)
        self.resize(680, 760)
        self._load_into_form(Contact())

    # --- opening -------------------------------------------------------------------------------

    @classmethod
    def new(cls, services: Services, reads: ReadPool, writer: Writer,
            parent: QWidget | None = None, *,
            default_country: str | None = None) -> ContactEditor:
        editor = cls(services, reads, writer, parent, default_country=default_country)
        editor._read_lists()
        editor.show()
        editor.form.given.setFocus(Qt.FocusReason.OtherFocusReason)
        return editor

    @classmethod
    def edit(cls, services: Services, reads: ReadPool, writer: Writer, contact_id: int,
             parent: QWidget | None = None, *,
             default_country: str | None = None) -> ContactEditor:
        """The editor for a stored contact; it shows itself once the contact is read (a read
        that fails is said in a dialog and no editor opens)."""
        editor = cls(services, reads, writer, parent, default_country=default_country)
        reads.run(lambda: services.contacts.get(contact_id), editor._loaded,
                  editor._load_failed)
        editor._read_lists()
        return editor

    def _read_lists(self) -> None:
        services = self._services

        def lists() -> tuple[list[tuple[int, str]], list[str]]:
            accounts = [(a.id, a.name) for a in services.directory.accounts()]
            return accounts, [name for name, _count in services.organize.all_tags()]

        self._reads.run(lists, self._lists_arrived, self._lists_failed)

    def _lists_arrived(self, found: tuple[list[tuple[int, str]], list[str]]) -> None:
        if not self._alive():
            return
        accounts, tags = found
        self.form.account.set_accounts(accounts)
        self.form.tags.set_known(tags)
        self._ready = True
        self._update_buttons()

    def _lists_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        self._say(f"The list of companies could not be read ({error}). Close and open the "
                  "editor again to choose a company.")
        self._ready = True
        self._update_buttons()

    def _loaded(self, contact: Contact) -> None:
        if not self._alive():
            return
        self._load_into_form(contact)
        self.show()
        self.raise_()
        self.activateWindow()
        self.form.given.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        show_error(self.parentWidget(), error)
        self.deleteLater()

    def _load_into_form(self, contact: Contact) -> None:
        self._base = contact
        self.form.load(contact)
        self._clean = self.form.state()
        self._rows_changed()
        self._update_title()
        self._update_buttons()

    # --- state -----------------------------------------------------------------------------

    @property
    def contact_id(self) -> int | None:
        return self._base.id

    @property
    def ready(self) -> bool:
        """Loaded, and the companies read: Save can tell a new company from a known one."""
        return self._ready

    def _alive(self) -> bool:
        # Reads and saves finish after the user may have closed (and Qt deleted) the editor.
        return shiboken6.isValid(self) and not self._finished

    def is_dirty(self) -> bool:
        return self.form.state() != self._clean

    def load_photo(self, path: str) -> bool:
        """Make the photo from an image file (as "Choose…" does once a file is picked)."""
        return self.form.photo.load_file(path)

    def _on_changed(self) -> None:
        self._update_title()
        self._update_buttons()
        if self.banner.message and not self.form.has_visible_problems() \
                and self.banner.property("kind") == "fix":
            self._say("")

    def _update_title(self) -> None:
        name = self.form.display_name()
        if self._base.id is None:
            title = f"New contact: {name}" if name else "New contact"
        else:
            title = name or "Edit contact"
        self.setWindowTitle(f"{title}[*]")
        self.setWindowModified(self.is_dirty())

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self._ready and not self._saving
                                    and not self.form.has_visible_problems())
        self.save_button.setText("Saving…" if self._saving else "Save")

    def _rows_changed(self) -> None:
        chain_tabs(in_reading_order(self))
        # Combo boxes as tall as the line edits beside them, whatever the style sheet pads.
        height = self.form.title.sizeHint().height()
        for combo in self.form.findChildren(QComboBox):
            combo.setMinimumHeight(height)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802  Qt's name
        super().showEvent(event)
        self._rows_changed()  # now that the style sheet has sized the line edits

    def _say(self, text: str, kind: str = "") -> None:
        self.banner.setProperty("kind", kind)
        self.banner.show_message(text)

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
        contact = self.form.build()
        try:
            contact.validate()
        except RolodeckError as exc:
            self._say(str(exc))
            if str(exc).startswith("A contact needs"):
                self.form.name_message.show_message(NEEDS_A_NAME)
            return
        choice = self.form.account.choice()
        self._write(contact, choice.new_name)

    def _write(self, contact: Contact, new_account: str | None) -> None:
        contacts = self._services.contacts

        def work() -> ChangeSet:
            # One unit: the new company and the contact are one Undo step, and a save that
            # fails or meets a conflict leaves no company behind.
            return contacts.save(contact, new_account=new_account)

        self._saving = True
        self._say("")
        self._update_buttons()
        self._writer.run(work, lambda changes: self._written(changes, new_account),
                         lambda error: self._write_failed(error, contact))

    def _written(self, changes: ChangeSet, new_account: str | None) -> None:
        if not self._alive():
            return
        self._saving = False
        if new_account and Entity.ACCOUNT in changes.inserted:
            self.form.account.add_account(changes.new_id(Entity.ACCOUNT), new_account)
        contact_id = self._base.id if self._base.id is not None \
            else changes.new_id(Entity.CONTACT)
        self._clean = self.form.state()
        self.saved.emit(contact_id)
        self.accept()

    def _write_failed(self, error: BaseException, attempted: Contact) -> None:
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

    def _conflict(self, error: ConflictError, attempted: Contact) -> None:
        self._say("This contact was changed elsewhere: choose which version to keep.")
        journal, cid = self._services.journal, attempted.id

        def latest() -> list[FieldChange]:
            return journal.history(Entity.CONTACT, cid, limit=1) if cid is not None else []

        # Who changed it is a nicety: without it the dialog still says when.
        self._reads.run(latest, lambda found: self._show_conflict(error, attempted, found),
                        lambda _e: self._show_conflict(error, attempted, []))

    def _show_conflict(self, error: ConflictError, attempted: Contact,
                       latest: list[FieldChange]) -> None:
        if not self._alive():
            return
        theirs: Contact = error.stored
        last = latest[0] if latest else None
        by = changed_by_text(last.when if last else theirs.updated_at,
                             last.actor if last else "", last.origin if last else "",
                             current_user())
        dialog = ConflictDialog(attempted, theirs, self._base, error.fields, by, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda code: self._conflict_settled(dialog, theirs, code))
        # open(), not exec(): no event loop of its own inside the read pool's delivery.
        dialog.open()

    def _conflict_settled(self, dialog: ConflictDialog, theirs: Contact, code: int) -> None:
        if not self._alive():
            return
        if code != QDialog.DialogCode.Accepted:
            self._say("Nothing was saved. Everything you typed is still here; Save shows both "
                      "versions again.")
            return
        result = dialog.result_contact()
        if result == theirs:  # they won on every field: there is nothing of ours to write
            self._clean = self.form.state()
            self.accept()
            return
        self._write(result, None)

    def _on_bus(self, changes: ChangeSet) -> None:
        if not self._alive():
            return
        if changes.touches(Entity.ACCOUNT) and self.isVisible() and not self._saving:
            self._read_lists()
        cid = self._base.id
        if (cid is not None and not self._saving and not changes.everything
                and cid in changes.updated.get(Entity.CONTACT, frozenset())):
            self._say("This contact was just changed elsewhere. Saving will show both "
                      "versions so you can choose.", "elsewhere")

    # --- closing ----------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, Cancel and the window's close button: asks first when something would be
        lost."""
        if self._saving:
            return  # the save under way ends in a moment, closing or showing why not
        if not self.is_dirty():
            super().reject()
            return
        answer = ask_about_changes(self, self.form.display_name())
        if answer is Answer.SAVE:
            self.save()
        elif answer is Answer.DISCARD:
            super().reject()

    def done(self, result: int) -> None:
        self._finished = True
        super().done(result)
