"""What a contact list can be narrowed to, besides a search: a group, a tag, a status, an
owner. Part of the vocabulary the window, saved searches and the queries share."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from app.domain.errors import ValidationError


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


@dataclass(frozen=True)
class SavedSearch:
    """A dynamic group: a search and filters kept under a name, whose members are whoever
    they find when it is opened."""

    text: str = ""
    filters: ContactFilter = ContactFilter()

    @property
    def empty(self) -> bool:
        return not self.text.strip() and self.filters.empty

    def to_json(self) -> str:
        parts = {k: v for k, v in asdict(self.filters).items() if v is not None}
        return json.dumps({"text": self.text, **parts}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SavedSearch:
        """What to_json wrote; anything else (a damaged or hand-edited value) is refused in
        words rather than opened as some other search."""
        try:
            found = json.loads(text)
            if not isinstance(found, dict):
                raise TypeError
            group_id = found.get("group_id")
            if group_id is not None and (not isinstance(group_id, int) or group_id < 0):
                raise TypeError
            words = {k: found.get(k) for k in ("tag", "status", "owner")}
            if not all(v is None or isinstance(v, str) for v in words.values()):
                raise TypeError
            query = found.get("text", "")
            if not isinstance(query, str):
                raise TypeError
        except (TypeError, ValueError):
            raise ValidationError("This saved search is damaged and cannot be opened; "
                                  "delete it and save the search again") from None
        return cls(query, ContactFilter(group_id=group_id, **words))
