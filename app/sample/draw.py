"""Seeded drawing: weighted picks, number patterns and UIDs, all from one `random.Random`, so the
same seed gives the same data on every machine and Python run."""

from __future__ import annotations

import itertools
import random
import string
from bisect import bisect
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def stream(seed: int, topic: str) -> random.Random:
    """An independent generator per topic: drawing one more value for accounts does not shift
    every contact after it. String seeds are hashed with SHA-512, not hash(), so they do not
    depend on PYTHONHASHSEED."""
    return random.Random(f"rolodeck-sample:{seed}:{topic}")


class Uids:
    """UUID-shaped UIDs: a version-4 prefix drawn from a seeded stream, then a counter. The same
    seed gives the same UIDs; consecutive ones sort together, so the unique index on `uid`
    grows at its end (the idea behind UUIDv7) instead of splitting pages at random."""

    def __init__(self, rng: random.Random):
        h = f"{rng.getrandbits(80) & ~(0xF << 60) & ~(0x3 << 46) | (0x4 << 60) | (0x2 << 46):020x}"
        self._prefix = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-"
        self._next = 0

    def __call__(self) -> str:
        self._next += 1
        return f"{self._prefix}{self._next:012x}"


class Weighted:
    """Items with integer weights, drawn in O(log n) from precomputed cumulative weights."""

    def __init__(self, pairs: Sequence[tuple[T, float]]):
        if not pairs:
            raise ValueError("nothing to draw from")
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]

    def many(self, rng: random.Random, k: int) -> list:
        return rng.choices(self.items, cum_weights=self.cum, k=k)


_LETTERS = string.ascii_uppercase


class Pattern:
    """A text where '#' stands for a digit and '@' for a capital letter, e.g. a postcode
    'EC# #@@' or a phone number '+44 20 7946 0###'. Compiled once, filled in ~1 µs."""

    def __init__(self, text: str):
        self.text = text
        escaped = text.replace("{", "{{").replace("}", "}}")
        self._fmt = escaped.replace("#", "{}").replace("@", "{}")
        self._kinds = [ch for ch in text if ch in "#@"]
        self._digits = self._kinds.count("#")
        self._letters = self._kinds.count("@")

    def fill(self, rng: random.Random) -> str:
        if not self._kinds:
            return self.text
        digits = f"{rng.randrange(10 ** self._digits):0{self._digits}d}" if self._digits else ""
        if not self._letters:
            return self._fmt.format(*digits)
        letters = iter(rng.choices(_LETTERS, k=self._letters))
        numbers = iter(digits)
        return self._fmt.format(*(next(numbers) if k == "#" else next(letters)
                                  for k in self._kinds))


def chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def one(rng: random.Random, items: Sequence[T]) -> T:
    """rng.choice at a fifth of the cost (one float, no rejection sampling); the hot loops make
    millions of these."""
    return items[int(rng.random() * len(items))]
