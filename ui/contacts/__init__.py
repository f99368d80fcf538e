"""The contact list: its table model (and, later, its view and detail panel)."""
