"""History: what happened with a contact or account (calls, meetings, notes...)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.errors import ValidationError
from app.domain.record import Record


class HistoryKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    NOTE = "note"
    EMAIL = "email"
    TODO_DONE = "todo_done"


class Outcome(enum.StrEnum):
    COMPLETED = "completed"
    LEFT_MESSAGE = "left_message"
    NO_ANSWER = "no_answer"
    ATTEMPTED = "attempted"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"


@dataclass
class HistoryItem(Record):
    kind: HistoryKind
    occurred_at: datetime  # timezone-aware
    regarding: str = ""
    details: str = ""
    outcome: Outcome = Outcome.COMPLETED
    duration_minutes: int | None = None
    contact_ids: list[int] = field(default_factory=list)
    account_id: int | None = None
    activity_id: int | None = None

    def validate(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValidationError("A history item's time needs a time zone")
        if not self.contact_ids and self.account_id is None:
            raise ValidationError("A history item must be linked to a contact or an account")
        if self.duration_minutes is not None and self.duration_minutes < 0:
            raise ValidationError("A duration cannot be negative")
        if not (self.regarding.strip() or self.details.strip()):
            raise ValidationError("Say what the call, meeting or note was about")
