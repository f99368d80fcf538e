"""ChangeSet: the one value every mutation returns, so every open view can refresh from it."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


class Entity(enum.StrEnum):
    CONTACT = "contact"
    ACCOUNT = "account"
    GROUP = "group"
    TAG = "tag"
    CUSTOM_FIELD = "custom_field"
    HISTORY = "history"
    ACTIVITY = "activity"
    QUOTE = "quote"
    PRODUCT = "product"
    # A relationship between two contacts: its own record, so an undo reports it too and
    # the Relationships tab of either contact refreshes on it.
    RELATIONSHIP = "relationship"


@dataclass(frozen=True)
class ChangeSet:
    """Which rows of which kinds changed. `inserted`/`deleted` let list views know to re-query."""

    updated: dict[Entity, frozenset[int]] = field(default_factory=dict)
    inserted: dict[Entity, frozenset[int]] = field(default_factory=dict)
    deleted: dict[Entity, frozenset[int]] = field(default_factory=dict)
    # Restore, a whole-database operation, or a change made elsewhere that cannot be told
    # apart: every view reloads.
    everything: bool = False
    # The journal's sequence number of the unit that made it, when one unit did: a window
    # that reads the journal for changes made elsewhere skips the ones it made itself.
    seq: int | None = field(default=None, compare=False)

    @staticmethod
    def whole() -> ChangeSet:
        return ChangeSet(everything=True)

    @staticmethod
    def of(
        *,
        updated: Mapping[Entity, Iterable[int]] | None = None,
        inserted: Mapping[Entity, Iterable[int]] | None = None,
        deleted: Mapping[Entity, Iterable[int]] | None = None,
    ) -> ChangeSet:
        def freeze(d):
            return {k: frozenset(v) for k, v in (d or {}).items() if v}

        return ChangeSet(freeze(updated), freeze(inserted), freeze(deleted))

    def merge(self, other: ChangeSet) -> ChangeSet:
        def join(a, b):
            out = dict(a)
            for k, v in b.items():
                out[k] = out.get(k, frozenset()) | v
            return out

        return ChangeSet(
            join(self.updated, other.updated),
            join(self.inserted, other.inserted),
            join(self.deleted, other.deleted),
            self.everything or other.everything,
        )

    def touches(self, entity: Entity) -> bool:
        return (self.everything or entity in self.updated or entity in self.inserted
                or entity in self.deleted)

    def new_id(self, entity: Entity) -> int:
        """The id of the one record of `entity` this change inserted."""
        (only,) = self.inserted[entity]
        return only

    @property
    def empty(self) -> bool:
        return not (self.everything or self.updated or self.inserted or self.deleted)
