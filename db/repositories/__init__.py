"""Repositories: take a Session, read and write domain objects, never commit."""
