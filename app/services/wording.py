"""How the use cases name what they did, for the undo menu and the command line."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """'1 contact', '5,000 contacts'."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
