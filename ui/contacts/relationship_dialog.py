"""Add or edit one relationship, from the side of the contact whose tab it is opened on:
"Alice Jones [Reports to ▾] [Bob Smith]", a name for a relationship of the user's own, and a
note. The other person is found by typing part of their name (the quick search, read off the
GUI thread); the save is one Writer job, and one that is refused (already recorded, someone in
the Trash, changed elsewhere) keeps the dialog open and says why under the fields."""

from __future__ import annotations

from dataclasses import replace

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RolodeckError
from app.domain.relationship import (
    MAX_LABEL,
    ROLES,
    Relationship,
    RelationshipKind,
    RelationshipSummary,
    labels_for,
    role_of,
)
from app.domain.summaries import SearchHit
from app.services.registry import Services
from ui.contacts.form_bits import Caption, FieldMessage, Note, quiet_button, tip_when_too_long
from ui.contacts.unsaved import Answer, ask_about_changes
from ui.errors import show_error
from ui.tasks import ReadPool, Writer

SEARCH_DELAY_MS = 150
ID_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


class PersonField(QLineEdit):
    """The other person: typing searches, a suggestion picked (or a typed name only one person
    has) chooses them. `chosen` is their id, or None while nobody is."""

    picked = Signal()

    def __init__(self, services: Services, reads: ReadPool, exclude: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._services, self._reads, self._exclude = services, reads, exclude
        self.chosen: int | None = None
        self._chosen_name = ""
        self._asked = 0  # searches asked for; an answer to an older one is dropped
        self.searching = False
        self.setPlaceholderText("Type part of a name…")
        self.setClearButtonEnabled(True)
        self.setAccessibleName("Other person")
        tip_when_too_long(self)
        self.matches = QStandardItemModel(self)
        self.finder = QCompleter(self.matches, self)
        # The quick search has already chosen and ranked the matches: shown as they come.
        self.finder.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.finder.setCompletionRole(NAME_ROLE)
        self.finder.setMaxVisibleItems(10)
        self.finder.setWidget(self)
        # The index, not the text: two people may share a name. (The stubs do not know
        # PySide's overload subscript.)
        self.finder.activated[QModelIndex].connect(self._chose)  # type: ignore[index]
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(self._edited)

    @property
    def busy(self) -> bool:
        """A search is waiting to start or for its answer."""
        return self._timer.isActive() or self.searching

    def set_person(self, contact_id: int, name: str) -> None:
        self.chosen, self._chosen_name = contact_id, name
        self.setText(name)

    def _edited(self, text: str) -> None:
        if self.chosen is not None and text != self._chosen_name:
            self.chosen = None
        self.picked.emit()
        self._timer.start()

    def _search(self) -> None:
        text = self.text().strip()
        if not text or self.chosen is not None:
            self.matches.clear()
            return
        self._asked += 1
        asked, directory, exclude = self._asked, self._services.directory, self._exclude
        self.searching = True

        def people() -> list[SearchHit]:
            return [h for h in directory.search(text, 20)
                    if h.kind == "contact" and h.id != exclude]

        self._reads.run(people, lambda hits: self._found(asked, hits),
                        lambda _error: self._found(asked, []))

    def _found(self, asked: int, hits: list[SearchHit]) -> None:
        if not shiboken6.isValid(self) or asked != self._asked:
            return
        self.searching = False
        self.matches.clear()
        for h in hits:
            item = QStandardItem(f"{h.title} — {h.subtitle}" if h.subtitle else h.title)
            item.setData(h.id, ID_ROLE)
            item.setData(h.title, NAME_ROLE)
            item.setToolTip(item.text())
            self.matches.appendRow(item)
        # An exact name only one person has is as good as picking them.
        exact = [h for h in hits if h.title.casefold() == self.text().strip().casefold()]
        if len(exact) == 1:
            self.chosen, self._chosen_name = exact[0].id, exact[0].title
            self.picked.emit()
        if hits and self.hasFocus() and self.chosen is None:
            self.finder.complete()

    def _chose(self, index: QModelIndex) -> None:
        self.set_person(int(index.data(ID_ROLE)), str(index.data(NAME_ROLE)))
        self.picked.emit()


class RelationshipDialog(QDialog):
    """`saved(sentence, edited)` once the change went through (its ChangeSet is already on
    the bus): the relationship in words ("Alice Jones reports to Bob Smith."), and whether
    it was an edit."""

    saved = Signal(str, bool)

    def __init__(self, services: Services, reads: ReadPool, writer: Writer, contact_id: int,
                 contact_name: str, editing: RelationshipSummary | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("relationshipDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setSizeGripEnabled(True)
        self._services, self._writer = services, writer
        self._cid, self._name, self._editing = contact_id, contact_name, editing
        self._saving = False
        self._done = False
        self.setWindowTitle(f"{'Edit' if editing else 'Add'} Relationship: {contact_name}")

        self.role = QComboBox()
        self.role.setAccessibleName("Relationship")
        for role in ROLES:
            self.role.addItem(role.phrase)
        self.label = QLineEdit()
        self.label.setMaxLength(MAX_LABEL)
        self.label.setPlaceholderText("Mentor of, Lawyer for, Business partner…")
        self.reverse = QLineEdit()
        self.reverse.setMaxLength(MAX_LABEL)
        self.reverse.setPlaceholderText("Mentored by (leave empty if it reads the same)")
        self.person = PersonField(services, reads, contact_id)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Optional: since when, how they met…")
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 3 + 16)
        self.preview = Note()
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.message = FieldMessage()

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        who = Caption(contact_name)
        who.setTextFormat(Qt.TextFormat.PlainText)
        who.setWordWrap(True)
        form.addRow(who, self.role)
        self._label_caption, self._reverse_caption = Caption("Named"), Caption("Other side")
        form.addRow(self._label_caption, self.label)
        form.addRow(self._reverse_caption, self.reverse)
        form.addRow(Caption("Person"), self.person)
        form.addRow(Caption("Note"), self.note)

        self.cancel_button = quiet_button("Cancel")
        self.cancel_button.setToolTip("Close without saving (Esc)")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = quiet_button("Save")
        self.save_button.setObjectName("primaryButton")
        self.save_button.setToolTip("Save (Ctrl+Return)")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        for keys in SAVE_KEYS:
            QShortcut(QKeySequence(keys), self, self.save)

        if editing is not None:
            self._fill(editing)
        self._clean = self._state()
        self.role.currentIndexChanged.connect(self._update)
        for field in (self.label, self.reverse):
            field.textChanged.connect(self._update)
        self.person.picked.connect(self._update)
        self.note.textChanged.connect(self._update)
        self._update()
        self.setMinimumWidth(380)
        self.resize(max(460, self.sizeHint().width()), self.sizeHint().height())

    # --- state ---------------------------------------------------------------------------------

    def _fill(self, s: RelationshipSummary) -> None:
        r = s.relationship
        self.role.setCurrentIndex(ROLES.index(role_of(r, self._cid)))
        if r.kind == RelationshipKind.CUSTOM:
            label, reverse = labels_for(r, self._cid)
            self.label.setText(label)
            self.reverse.setText(reverse)
        self.person.set_person(s.other_id, s.other_name)
        self.note.setPlainText(r.note)

    def _state(self) -> tuple:
        return (self.role.currentIndex(), self.label.text(), self.reverse.text(),
                self.person.chosen, self.person.text(), self.note.toPlainText())

    def is_dirty(self) -> bool:
        return self._state() != self._clean

    def relationship(self) -> Relationship | None:
        """What the fields say, or None while no person is chosen."""
        other = self.person.chosen
        if other is None:
            return None
        role = ROLES[self.role.currentIndex()]
        r = role.build(self._cid, other, label=self.label.text(),
                       reverse_label=self.reverse.text(), note=self.note.toPlainText())
        if self._editing is not None:
            stored = self._editing.relationship
            r = replace(r, id=stored.id, version=stored.version)
        return r

    def _update(self, *_args) -> None:
        custom = ROLES[self.role.currentIndex()].kind == RelationshipKind.CUSTOM
        for widget in (self.label, self.reverse, self._label_caption, self._reverse_caption):
            widget.setVisible(custom)
        r = self.relationship()
        if r is not None and (not custom or r.label):
            names = {self._cid: self._name, self.person.chosen: self.person.text()}
            self.preview.say(r.sentence(names.get(r.from_contact_id, ""),
                                        names.get(r.to_contact_id, "")) + ".")
        else:
            self.preview.say("")
        self.message.show_message("")
        self.save_button.setEnabled(not self._saving)
        self.save_button.setText("Saving…" if self._saving else "Save")

    # --- saving --------------------------------------------------------------------------------

    def save(self) -> None:
        if self._saving:
            return
        r = self.relationship()
        if r is None:
            self.message.show_message(
                "Choose the other person: type part of their name and pick them from the "
                "list." if self.person.text().strip() else "Type the other person's name.")
            self.person.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if r.kind == RelationshipKind.CUSTOM and not r.label:
            self.message.show_message("Name the relationship, such as “Mentor of”.")
            self.label.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        service = self._services.relationships
        work = (lambda: service.add(r)) if self._editing is None else (
            lambda: service.update(r))
        self._saving = True
        self._update()
        self._writer.run(work, self._saved, self._failed)

    def _saved(self, _changes) -> None:
        if not shiboken6.isValid(self):
            return
        self._saving, self._done = False, True
        self.saved.emit(self.preview.text(), self._editing is not None)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._saving = False
        self._update()
        if isinstance(error, RolodeckError):  # written for the user: said under the fields
            self.message.show_message(str(error))
        else:
            show_error(self, error)

    def reject(self) -> None:
        if not self._done and not self._saving and self.is_dirty():
            answer = ask_about_changes(self, "this relationship")
            if answer == Answer.SAVE:
                self.save()
                return
            if answer == Answer.KEEP_EDITING:
                return
        super().reject()
