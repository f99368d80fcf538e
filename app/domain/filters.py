"""What a contact list can be narrowed to, besides a search: a group, a tag, a status, an
owner. Part of the vocabulary the window, saved searches and the queries share."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ContactFilter:
    group_id: int | None = None
    tag: str | None = None
    status: str | None = None
    owner: str | None = None

    @property
    def empty(self) -> bool:
        return self == ContactFilter()

    def without(self, name: str) -> ContactFilter:
        """The filter with one of its parts ("group_id", "tag"...) taken off."""
        return replace(self, **{name: None})
