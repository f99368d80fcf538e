"""Bringing address books in: the import wizard."""
