"""Use cases: every public method is one transaction and returns a ChangeSet (or a report)."""
