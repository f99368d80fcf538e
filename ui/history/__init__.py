"""A record's History: the timeline (TimelineView) and logging a call, meeting, note or e-mail
with its call timer (LogDialog)."""

from ui.history.log_dialog import LogDialog
from ui.history.timeline import TimelineView

__all__ = ["LogDialog", "TimelineView"]
