"""The change journal: what every unit of work changed, record by record and field by field,
and the undo, redo, revert and field history built on it."""
