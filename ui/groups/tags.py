"""Contact ▸ Tag…: add tags to the selected contacts, or take them off, in one unit of work."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from app.domain.changes import ChangeSet, Entity
from app.domain.groups import clean_name
from app.services.registry import Services
from ui.contacts.form_bits import Note, tip_when_too_long
from ui.groups.dialog_bits import WriteDialog, contacts_named, joined, said_with_undo
from ui.tasks import ReadPool, Writer

SHOWN_TAGS = 8  # existing tags named under the field; the rest come by completion


def split_tags(text: str) -> list[str]:
    """The tags typed, comma-separated, each once (whatever its case), in order."""
    out: dict[str, str] = {}
    for part in text.split(","):
        name = clean_name(part)
        if name:
            out.setdefault(name.casefold(), name)
    return list(out.values())


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma, keeping the ones before it.

    Driven by hand rather than by QLineEdit.setCompleter: the line edit would write each
    highlighted completion into the text, and the next one would then be added after it."""

    def __init__(self, tags: QStringListModel, field: QLineEdit):
        super().__init__(tags, field)
        self._field = field
        self.setWidget(field)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        field.textEdited.connect(self._typed)
        self.activated.connect(self._chosen)  # the overload that passes the text

    def _typed(self, text: str) -> None:
        word = text.rsplit(",", 1)[-1].strip()
        if word:
            self.setCompletionPrefix(word)
        if word and self.completionCount():
            self.complete()
        else:
            popup = self.popup()
            if popup is not None:
                popup.hide()

    def _chosen(self, tag: str) -> None:
        text = self._field.text()
        before = text.rsplit(",", 1)[0] + ", " if "," in text else ""
        self._field.setText(f"{before}{tag}, ")


class TagDialog(WriteDialog):
    """Tag the contacts with what is typed, or take those tags off them."""

    said = Signal(str)  # what was done, for the status bar

    def __init__(self, services: Services, reads: ReadPool, writer: Writer,
                 contact_ids: Sequence[int], parent: QWidget | None = None,
                 *, removing: bool = False):
        super().__init__(writer, "Tag Contacts", parent)
        self._organize = services.organize
        self._ids = list(dict.fromkeys(contact_ids))
        self._name: str | None = None
        self._known: dict[str, str] = {}  # casefolded -> as first spelt
        self.loaded = False
        self.add_choice = QRadioButton("&Add tags")
        self.remove_choice = QRadioButton("&Remove tags")
        choices = QButtonGroup(self)
        for button in (self.add_choice, self.remove_choice):
            choices.addButton(button)
            button.toggled.connect(lambda _on: self._update_texts())
        (self.remove_choice if removing else self.add_choice).setChecked(True)
        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(self.add_choice)
        row.addWidget(self.remove_choice)
        row.addStretch(1)
        self.tags_field = tip_when_too_long(QLineEdit())
        self.tags_field.setObjectName("tagsField")
        self.tags_field.setPlaceholderText("e.g. newsletter, vip")
        self.tags_field.textEdited.connect(lambda _text: self.clear_message())
        self._tag_list = QStringListModel(self)
        self.completer = TagCompleter(self._tag_list, self.tags_field)
        label = QLabel("&Tags")
        label.setBuddy(self.tags_field)
        self.note = Note("Separate tags with commas.")
        self.body.addLayout(row)
        self.body.addWidget(label)
        self.body.addWidget(self.tags_field)
        self.body.addWidget(self.message)
        self.body.addWidget(self.note)
        self.finish_layout()
        self.setTabOrder(self.add_choice, self.remove_choice)
        self.setTabOrder(self.remove_choice, self.tags_field)
        self.setTabOrder(self.tags_field, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.ok_button)
        self.tags_field.setFocus()
        self._update_texts()
        organize, directory, ids = services.organize, services.directory, self._ids

        def read() -> tuple[list[tuple[str, int]], str | None]:
            one = directory.contact_summaries(ids[:1]) if len(ids) == 1 else []
            return organize.all_tags(), (one[0].display_name if one else None)
        reads.run(read, self._arrived)

    @property
    def removing(self) -> bool:
        return self.remove_choice.isChecked()

    def _who(self) -> str:
        return contacts_named(len(self._ids), self._name)

    def _update_texts(self) -> None:
        verb = "Remove tags from" if self.removing else "Tag"
        self.heading.setText(f"{verb} {self._who()}")
        self.ok_button.setText("Remove Tags" if self.removing else "Add Tags")
        self.ok_button.setEnabled(bool(self._ids))

    def _arrived(self, result: tuple[list[tuple[str, int]], str | None]) -> None:
        tags, self._name = result
        self.loaded = True
        self._known = {name.casefold(): name for name, _count in tags}
        self._tag_list.setStringList([name for name, _count in tags])
        by_use = [name for name, _count in sorted(tags, key=lambda t: -t[1])][:SHOWN_TAGS]
        if by_use:
            more = len(tags) - len(by_use)
            listed = ", ".join(by_use) + (f" and {more:,} more" if more > 0 else "")
            self.note.say(f"Separate tags with commas. In use: {listed}.")
        self._update_texts()

    def submit(self) -> None:
        if self.saving or not self._ids:
            return
        names = split_tags(self.tags_field.text())
        if not names:
            self.refuse("Type at least one tag, or several separated by commas.",
                        self.tags_field)
            return
        organize, ids = self._organize, self._ids
        if not self.removing:
            self.write(lambda: organize.tag_contacts(ids, names),
                       lambda changes: self._done(names, changes), self.tags_field)
            return
        unknown = [n for n in names if n.casefold() not in self._known]
        if self.loaded and unknown:
            self.refuse(f"There is no tag called {joined([f'“{n}”' for n in unknown])}: "
                        "check the spelling.", self.tags_field)
            return
        self.write(lambda: organize.untag_contacts(ids, names),
                   lambda changes: self._done(names, changes), self.tags_field)

    def _done(self, names: list[str], changes: ChangeSet) -> None:
        shown = [self._known.get(n.casefold(), n) for n in names]
        tags = joined(shown)
        changed = len(changes.updated.get(Entity.CONTACT, ()))
        if self.removing:
            if changed == 0:
                text = (f"{self._who()} had no tag {tags}." if len(self._ids) == 1
                        else f"None of the {self._who()} had the tag {tags}.")
            else:
                text = said_with_undo(f"Removed {tags} from "
                                      f"{contacts_named(changed, self._name)}.")
        elif changed == 0:
            text = (f"{self._who()} already had {tags}." if len(self._ids) == 1
                    else f"All {self._who()} already had {tags}.")
        else:
            text = said_with_undo(f"Tagged {contacts_named(changed, self._name)} with {tags}.")
        self.said.emit(text)
        self.accept()

    def tags_in_use(self) -> list[str]:
        """The existing tags the field completes to."""
        return self._tag_list.stringList()

