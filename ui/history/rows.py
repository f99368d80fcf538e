"""One line of the timeline, worked out once when it is read (on the read thread), so painting
a row is drawing strings, never formatting them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.history import HistoryKind, Outcome
from app.domain.summaries import HistoryEntry
from ui.history.labels import KIND_LABELS, OUTCOME_LABELS, duration_text, first_lines

DETAIL_LINES = 2  # of the details shown under an item; the rest is in its tooltip


@dataclass(frozen=True)
class TimelineRow:
    """A history item or a field change, as the timeline shows it."""

    key: tuple[str, int, str]  # ("history", id, "") or ("change", change id, field)
    when: datetime
    pill: str  # "Call", "Meeting", ..., "Change"
    title: str
    meta: str = ""  # outcome, duration, who else; for a change, what made it
    details: tuple[str, ...] = ()
    more: bool = False  # details go on past what is shown
    tooltip: str = ""
    kind: HistoryKind | None = None  # None for a field change
    history_id: int | None = None
    change_id: int | None = None
    field: str | None = None
    restorable: bool = False

    @property
    def is_change(self) -> bool:
        return self.change_id is not None

    @property
    def lines(self) -> int:
        return 1 + bool(self.meta) + len(self.details)


def history_row(entry: HistoryEntry, own_name: str | None = None) -> TimelineRow:
    """`own_name` is the contact whose timeline this is: "with" names only the others."""
    others = [n for n in entry.contacts if n != own_name] if own_name else list(entry.contacts)
    meta: list[str] = []
    if entry.outcome is not Outcome.COMPLETED:
        meta.append(OUTCOME_LABELS[entry.outcome])
    if entry.duration_minutes:
        meta.append(duration_text(entry.duration_minutes))
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3
                                         else "")
        meta.append(f"with {shown}")
    title = entry.regarding.strip()
    details, more = first_lines(entry.details, DETAIL_LINES + (0 if title else 1))
    if not title and details:  # a note with no subject: its first line is its title
        title, details = details[0], details[1:]
    tip = [entry.regarding.strip(), *(["; ".join(meta)] if meta else [])]
    if entry.contacts:
        tip.append("With: " + ", ".join(entry.contacts))
    if entry.details.strip():
        tip.append(entry.details.strip())
    return TimelineRow(
        key=("history", entry.id, ""), when=entry.occurred_at, pill=KIND_LABELS[entry.kind],
        title=title or KIND_LABELS[entry.kind], meta=" · ".join(meta), details=details,
        more=more, tooltip="\n\n".join(t for t in tip if t), kind=entry.kind,
        history_id=entry.id)
