"""Rolodeck entry point (filled in below)."""
