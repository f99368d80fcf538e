"""What the mapping of one component works with: the calendar's context, and the
component's properties, each taken at most once (the rest is kept raw)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from app.domain.record import RawProperty
from importers.ical.content import Prop
from importers.ical.model import X_KIND, X_STATUS, CalendarInfo
from importers.ical.zones import Zones

# Properties taken into the Activity (kept raw only as a shadow or when unusable). DTSTAMP
# is when the file was written (ParsedActivity.stamp); the writer writes its own.
MAPPED = frozenset({"UID", "DTSTAMP", "SUMMARY", "DESCRIPTION", "LOCATION", "DTSTART", "DTEND",
                    "DUE", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID", "PRIORITY", X_KIND,
                    X_STATUS})
MAPPED_PARAMS = frozenset({"TZID", "VALUE", "RANGE"})


@dataclass
class Context:
    """What the reader knows about the calendar a component sits in."""

    file: str
    zones: Zones
    calendar: CalendarInfo
    is_call: Callable[[str, Sequence[str]], bool]
    floating: tzinfo  # the zone a floating time is read in where an instant is needed
    today: date
    history_before: datetime | None = None
    vcal: bool = False
    generated: dict[str, int] = field(default_factory=dict)


class Props:
    """A component's properties, each taken at most once by the mapping; whatever is left
    (and every shadow) becomes `extra`, in file order."""

    def __init__(self, props: list[Prop]):
        self.props = props
        self.keep = [p.name not in MAPPED for p in props]
        self.index: dict[str, list[int]] = {}
        for i, p in enumerate(props):
            self.index.setdefault(p.name, []).append(i)

    def all(self, name: str) -> list[Prop]:
        return [self.props[i] for i in self.index.get(name, ())]

    def first(self, name: str, canonical: Callable[[Prop], bool] | None = None) -> Prop | None:
        """The first `name`; any later one is kept raw. With `canonical`, the first is kept
        as a shadow unless the writer's own form of it would be the same."""
        found = self.index.get(name)
        if not found:
            return None
        for i in found[1:]:
            self.keep[i] = True
        prop = self.props[found[0]]
        if canonical is not None:
            self.keep[found[0]] = len(found) > 1 or bool(prop.params) or not canonical(prop)
        return prop

    def keep_raw(self, prop: Prop) -> None:
        self.keep[self.props.index(prop)] = True

    def consume(self, prop: Prop) -> None:
        self.keep[self.props.index(prop)] = False

    def unkept_params(self) -> list[str]:
        """`NAME;PARAM` for each parameter of a mapped property that is not kept anywhere."""
        out = []
        for p, kept in zip(self.props, self.keep, strict=True):
            if not kept and p.name in MAPPED:
                out += [f"{p.name};{k}" for k, _ in p.params if k not in MAPPED_PARAMS]
        return list(dict.fromkeys(out))

    def extras(self) -> list[tuple[int, RawProperty]]:
        return [(p.line, RawProperty(p.name, p.value, p.params))
                for p, kept in zip(self.props, self.keep, strict=True) if kept]
