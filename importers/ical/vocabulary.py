"""PRIORITY and a to-do's STATUS both ways, and which written form is the writer's own.

RFC 5545 3.8.1.9: 1-4 high, 5 medium, 6-9 low, 0 (or none) undefined. Rolodeck writes 1 for
high, 9 for low and nothing for normal; any other form a file had (PRIORITY:5, PRIORITY:2,
an empty value) is kept as a shadow and written back while it still means the same.
"""

from __future__ import annotations

from app.domain.activity import ActivityStatus, Priority

WRITTEN_PRIORITY = {Priority.HIGH: "1", Priority.LOW: "9"}  # NORMAL: no PRIORITY at all
WRITTEN_TODO_STATUS = {ActivityStatus.CLEARED: "COMPLETED"}  # OPEN: no STATUS at all


def priority_of(value: str) -> tuple[Priority, bool]:
    """The priority a PRIORITY value means, and whether the writer writes it so."""
    text = value.strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else 0
    if 1 <= number <= 4:
        found = Priority.HIGH
    elif 6 <= number <= 9:
        found = Priority.LOW
    else:
        found = Priority.NORMAL
    return found, WRITTEN_PRIORITY.get(found) == text


def status_of(value: str) -> tuple[ActivityStatus, bool, bool]:
    """A to-do's STATUS as (status, cancelled, whether the writer writes it so). vCalendar's
    `NEEDS ACTION` is NEEDS-ACTION."""
    text = value.strip().upper().replace(" ", "-")
    if text == "COMPLETED":
        return ActivityStatus.CLEARED, False, value.strip() == "COMPLETED"
    if text == "CANCELLED":
        return ActivityStatus.CLEARED, True, False
    return ActivityStatus.OPEN, False, False
