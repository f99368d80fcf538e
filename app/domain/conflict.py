"""A save that was edited from an older version than the one stored."""

from __future__ import annotations

from typing import Any

from app.domain.errors import RolodeckError


class ConflictError(RolodeckError):
    """Someone or something (another window, the command line, a sync) saved the record after
    this copy was read. Nothing was written: `stored` is what is there now, `attempted` what
    was being saved, `fields` the fields on which the two differ, so a caller can show both
    and let the user keep theirs, take the other or pick per field."""

    def __init__(self, what: str, stored: Any, attempted: Any, fields: list[str]):
        changed = ", ".join(fields[:6]) + (", ..." if len(fields) > 6 else "")
        super().__init__(
            f"{what} was changed elsewhere after you started editing it"
            + (f" ({changed})" if changed else "")
            + ". Nothing was saved; reload it to see the other version.")
        self.stored = stored
        self.attempted = attempted
        self.fields = fields
