"""Relationships between contacts (ACT!'s Relationships tab, Daylite's roles): one person is the
assistant of, reports to, is the spouse of, was referred by, or stands in a relation the user
names to another. One row holds both directions; each side reads it in its own words
("Reports to Bob" on Alice's card, "Manages Alice" on Bob's).

Two relationships are the same, and the second is refused, when they join the same two people
in the same way: the same kind, read in the same direction (for a spouse, or a named relation
with no separate wording for the other side, either direction is the same one), with the same
words for a named relation, ignoring case and extra spaces. The note is not part of what a
relationship is: a second row differing only in its note would say the same thing twice.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from app.domain.errors import ValidationError

MAX_LABEL = 80
MAX_NOTE = 2000


class RelationshipKind(enum.StrEnum):
    ASSISTANT_OF = "assistant_of"
    REPORTS_TO = "reports_to"
    SPOUSE_OF = "spouse_of"
    REFERRED_BY = "referred_by"
    CUSTOM = "custom"


# (how the "from" contact's card reads it, how the "to" contact's card reads it, the sentence)
_WORDS: dict[RelationshipKind, tuple[str, str, str]] = {
    RelationshipKind.ASSISTANT_OF: ("Assistant of", "Assisted by", "{a} is the assistant of {b}"),
    RelationshipKind.REPORTS_TO: ("Reports to", "Manages", "{a} reports to {b}"),
    RelationshipKind.SPOUSE_OF: ("Spouse of", "Spouse of", "{a} and {b} are married"),
    RelationshipKind.REFERRED_BY: ("Referred by", "Referred", "{a} was referred by {b}"),
}
SYMMETRIC = frozenset({RelationshipKind.SPOUSE_OF})


def clean_label(text: str) -> str:
    return " ".join(text.split())


def _label_key(text: str) -> str:
    return clean_label(text).casefold()


def kind_of(value: str) -> RelationshipKind:
    try:
        return RelationshipKind(value)
    except ValueError:
        known = ", ".join(k.value for k in RelationshipKind)
        raise ValidationError(
            f"'{value}' is not a kind of relationship; use one of {known}") from None


@dataclass
class Relationship:
    """`from_contact_id` is `kind` of `to_contact_id`: Alice (from) reports to Bob (to).
    A custom relationship has a `label` read from the "from" side ("Mentor of") and may have a
    `reverse_label` for the other side ("Mentored by"); without one, both sides read `label`."""

    kind: RelationshipKind
    from_contact_id: int
    to_contact_id: int
    label: str = ""
    reverse_label: str = ""
    note: str = ""
    id: int | None = None
    # The stored version this copy was read at: an edit states it, a stale one is refused.
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def cleaned(self) -> Relationship:
        """As it is stored: spaces tidied, labels only on a custom relationship, and a reverse
        label that says what the label says dropped (the relation reads the same both ways)."""
        kind = kind_of(self.kind)
        if kind != RelationshipKind.CUSTOM:
            return replace(self, kind=kind, label="", reverse_label="", note=self.note.strip())
        label, reverse = clean_label(self.label), clean_label(self.reverse_label)
        if reverse.casefold() == label.casefold():
            reverse = ""
        return replace(self, kind=kind, label=label, reverse_label=reverse,
                       note=self.note.strip())

    def validate(self) -> None:
        kind = kind_of(self.kind)
        if self.from_contact_id == self.to_contact_id:
            raise ValidationError("A contact cannot have a relationship with themselves; "
                                  "choose another person")
        if kind == RelationshipKind.CUSTOM and not clean_label(self.label):
            raise ValidationError("A custom relationship needs a name, such as “Mentor of”")
        for what, text in (("name", self.label), ("wording for the other side",
                                                  self.reverse_label)):
            if len(clean_label(text)) > MAX_LABEL:
                raise ValidationError(
                    f"The relationship's {what} is longer than {MAX_LABEL} characters; "
                    "shorten it")
        if len(self.note.strip()) > MAX_NOTE:
            raise ValidationError(f"The note is longer than {MAX_NOTE:,} characters; "
                                  "shorten it")

    @property
    def symmetric(self) -> bool:
        """Whether it reads the same from both sides (then its direction means nothing)."""
        if self.kind == RelationshipKind.CUSTOM:
            return not clean_label(self.reverse_label) or (
                _label_key(self.reverse_label) == _label_key(self.label))
        return self.kind in SYMMETRIC

    def key(self) -> str:
        """What makes two relationships the same one (see the module's docstring); stored,
        unique, so the database refuses a duplicate even one written around the app."""
        a, b = self.from_contact_id, self.to_contact_id
        if self.kind != RelationshipKind.CUSTOM:
            if self.symmetric:
                a, b = min(a, b), max(a, b)
            return f"{RelationshipKind(self.kind).value}:{a}:{b}"
        label, reverse = _label_key(self.label), _label_key(self.reverse_label)
        if self.symmetric:
            return f"custom:{min(a, b)}:{max(a, b)}:{label}"
        # "Alice mentor of Bob / mentored by" is "Bob mentored by Alice / mentor of".
        forward, backward = (a, b, label, reverse), (b, a, reverse, label)
        x, y, one, other = min(forward, backward)
        return f"custom:{x}:{y}:{one}|{other}"

    def swapped(self) -> Relationship:
        """The same row read from the other end: from and to, label and reverse label swap.
        For a symmetric or named relation that is the same relationship (key() agrees)."""
        label, reverse = self.label, self.reverse_label
        if clean_label(reverse):
            label, reverse = reverse, label
        return replace(self, from_contact_id=self.to_contact_id,
                       to_contact_id=self.from_contact_id, label=label, reverse_label=reverse)

    def involves(self, contact_id: int) -> bool:
        return contact_id in (self.from_contact_id, self.to_contact_id)

    def other(self, viewer: int) -> int:
        """The contact at the other end from `viewer`."""
        return self.to_contact_id if viewer == self.from_contact_id else self.from_contact_id

    def phrase(self, viewer: int) -> str:
        """How `viewer`'s card reads it, before the other person's name: "Reports to"."""
        outgoing = viewer == self.from_contact_id
        if self.kind == RelationshipKind.CUSTOM:
            label = clean_label(self.label)
            return label if outgoing else (clean_label(self.reverse_label) or label)
        forward, backward, _ = _WORDS[RelationshipKind(self.kind)]
        return forward if outgoing else backward

    def sentence(self, from_name: str, to_name: str) -> str:
        """The whole of it in words, naming both: "Alice Jones reports to Bob Smith"."""
        if self.kind == RelationshipKind.CUSTOM:
            return f"{from_name}: {clean_label(self.label)} {to_name}"
        return _WORDS[RelationshipKind(self.kind)][2].format(a=from_name, b=to_name)


@dataclass(frozen=True)
class Role:
    """One way to read a relationship from the side of the contact it is added on: the choice
    the Add Relationship dialog offers ("Manages" makes the other contact report to this one)."""

    phrase: str
    kind: RelationshipKind
    outgoing: bool  # this contact is the relationship's "from" side

    def build(self, contact_id: int, other_id: int, *, label: str = "",
              reverse_label: str = "", note: str = "") -> Relationship:
        """The relationship, with the labels as typed from `contact_id`'s side."""
        r = Relationship(self.kind, contact_id, other_id, label, reverse_label, note)
        return (r if self.outgoing else r.swapped()).cleaned()


ROLES: tuple[Role, ...] = (
    Role("Reports to", RelationshipKind.REPORTS_TO, True),
    Role("Manages", RelationshipKind.REPORTS_TO, False),
    Role("Assistant of", RelationshipKind.ASSISTANT_OF, True),
    Role("Assisted by", RelationshipKind.ASSISTANT_OF, False),
    Role("Spouse of", RelationshipKind.SPOUSE_OF, True),
    Role("Referred by", RelationshipKind.REFERRED_BY, True),
    Role("Referred", RelationshipKind.REFERRED_BY, False),
    Role("Other…", RelationshipKind.CUSTOM, True),
)
CUSTOM_ROLE = ROLES[-1]


def role_of(r: Relationship, viewer: int) -> Role:
    """The role `viewer` has in `r`, as ROLES lists it."""
    # A named relation is always typed from the viewer's side (see labels_for).
    if r.kind == RelationshipKind.CUSTOM:
        return CUSTOM_ROLE
    outgoing = viewer == r.from_contact_id or r.kind in SYMMETRIC
    return next(role for role in ROLES if role.kind == r.kind and role.outgoing == outgoing)


def labels_for(r: Relationship, viewer: int) -> tuple[str, str]:
    """A custom relationship's (label, reverse label) as typed from `viewer`'s side."""
    if viewer == r.from_contact_id or not clean_label(r.reverse_label):
        return r.label, r.reverse_label
    return r.reverse_label, r.label


@dataclass(frozen=True)
class RelationshipSummary:
    """One line of a contact's Relationships tab: the relationship read from `contact_id`'s
    side, with the other person's name."""

    relationship: Relationship
    contact_id: int
    other_id: int
    other_name: str
    phrase: str  # "Reports to", "Manages"
    sentence: str  # "Alice Jones reports to Bob Smith"

    @property
    def id(self) -> int | None:
        return self.relationship.id

    @property
    def note(self) -> str:
        return self.relationship.note

    @staticmethod
    def of(r: Relationship, viewer: int, names: dict[int, str]) -> RelationshipSummary:
        other = r.other(viewer)
        return RelationshipSummary(
            r, viewer, other, names.get(other, ""), r.phrase(viewer),
            r.sentence(names.get(r.from_contact_id, ""), names.get(r.to_contact_id, "")))
