"""Whose timeline is shown, where its rows come from, and which changes concern it."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.changes import ChangeSet, Entity
from app.services.registry import Services
from ui.history.field_changes import read_changes
from ui.history.model import Source
from ui.history.rows import TimelineRow, history_row


@dataclass
class Subject:
    entity: Entity  # CONTACT or ACCOUNT
    id: int
    # {"name": ...} once a read has learnt it: the dialog's title, and the one "with" skips.
    name: dict[str, str] = field(default_factory=dict)

    def touched_by(self, changes: ChangeSet) -> bool:
        if changes.everything or changes.touches(Entity.HISTORY):
            return True
        if self.entity is Entity.ACCOUNT and changes.touches(Entity.CONTACT):
            return True  # someone joined or left the company, or was renamed
        return any(self.id in d.get(self.entity, ()) for d in (changes.updated,
                                                               changes.inserted,
                                                               changes.deleted))

    def renamed_by(self, changes: ChangeSet) -> bool:
        return changes.everything or self.id in changes.updated.get(self.entity, ())


def source_for(services: Services, subject: Subject) -> Source:
    """The reads behind one record's timeline; they run on a read thread."""
    timeline = services.timeline
    if subject.entity is Entity.CONTACT:
        directory = services.directory

        def page(offset: int, limit: int) -> list[TimelineRow]:
            entries = timeline.for_contact(subject.id, limit, offset)
            if "name" not in subject.name:
                found = directory.contact_summaries([subject.id])
                subject.name["name"] = found[0].display_name if found else ""
            own = subject.name["name"]
            return [history_row(e, own) for e in entries]
    else:
        accounts = services.accounts

        def page(offset: int, limit: int) -> list[TimelineRow]:
            entries = timeline.for_account(subject.id, limit, offset)  # rolled up
            if "name" not in subject.name:
                subject.name["name"] = accounts.get(subject.id, include_deleted=True).name
            return [history_row(e) for e in entries]

    return Source(page, lambda: read_changes(services, subject.entity, subject.id))
