"""Where what the user typed shows in a result, and which commands it names. Plain Python:
the index decides what matches; this only finds the matched text again to highlight it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

Span = tuple[int, int]  # [start, end) in the text as shown

_MIN_DIGITS = 3  # as the phone index: fewer digits are not looked up inside numbers
_PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")


def fold(text: str) -> tuple[str, list[int]]:
    """`text` without case and accents, with the index in `text` of each folded character,
    so a match found in the folded text can be marked in the original ("Zoë" holds "zoe")."""
    if text.isascii():  # nearly every name and note: one C call instead of a loop
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch.lower())
            where.append(i)
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(part):
                continue
            for small in part.casefold():
                out.append(small)
                where.append(i)
    return "".join(out), where


@dataclass(frozen=True)
class Typed:
    """What the user typed, taken apart the way the index takes it: words matched at the
    start of words, and runs of three or more digits matched inside phone numbers."""

    words: tuple[str, ...]
    digits: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Typed:
        text = text.strip()
        if _PHONE_LIKE.match(text):
            run = "".join(filter(str.isdigit, text))
            if len(run) >= _MIN_DIGITS:  # "+1 (555) 012" is one number
                return cls((), (run,))
        words: list[str] = []
        digits: list[str] = []
        for chunk in text.split():
            if chunk.isdigit() and len(chunk) >= _MIN_DIGITS:
                digits.append(chunk)
            # The index splits "o'brien" and "e-mail" into words; so does the highlight.
            words += [w for w in re.split(r"\W+", fold(chunk)[0]) if w]
        return cls(tuple(words), tuple(digits))


def spans(text: str, typed: Typed) -> list[Span]:
    """The stretches of `text` to highlight: each word typed where a word of `text` starts
    with it, and each digit run wherever it occurs among the digits (spaces and dashes in
    between are part of the mark)."""
    if not text or not (typed.words or typed.digits):
        return []
    found: list[Span] = []
    folded, where = fold(text)
    for word in typed.words:
        start = folded.find(word)
        while start >= 0:
            if start == 0 or not folded[start - 1].isalnum():
                end = start + len(word) - 1
                found.append((where[start], where[end] + 1))
            start = folded.find(word, start + 1)
    if typed.digits:
        positions = [i for i, ch in enumerate(text) if ch.isdigit()]
        digits = "".join(text[i] for i in positions)
        for run in typed.digits:
            start = digits.find(run)
            while start >= 0:
                found.append((positions[start], positions[start + len(run) - 1] + 1))
                start = digits.find(run, start + 1)
    return merged(found)


def merged(found: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(found):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def excerpt(text: str, typed: Typed, width: int = 90) -> str | None:
    """A line of `text` around its first match, with an ellipsis where it was cut; None when
    nothing typed is in it."""
    flat = " ".join(text.split())
    found = spans(flat, typed)
    if not found:
        return None
    start = found[0][0]
    lead = 28  # characters kept before the match, for context
    if start <= lead:
        cut = 0
    else:
        space = flat.rfind(" ", 0, start - lead + 12)
        cut = space + 1 if space >= start - lead - 12 else start - lead
    line = flat[cut:cut + width]
    return ("…" if cut else "") + line + ("…" if cut + width < len(flat) else "")


@dataclass(frozen=True)
class Command:
    name: str
    keywords: tuple[str, ...]
    shortcut: str  # as shown, in the platform's own notation; "" when it has none
    order: int  # registration order, the order commands are listed in


def command_score(command: Command, text: str) -> int:
    """How well `text` names `command`: 0 not at all; 1 every word typed starts a word of
    its name or keywords; 2 a whole word of three letters or more typed is one of them, or
    the name starts with what was typed (two or more). 2 lists the commands first."""
    query = fold(text.strip())[0]
    if not query:
        return 1
    name = fold(command.name)[0]
    vocabulary = set(re.split(r"\W+", name)) | {
        w for k in command.keywords for w in re.split(r"\W+", fold(k)[0])}
    vocabulary.discard("")
    words = [w for w in re.split(r"\W+", query) if w]
    if not words or not all(any(v.startswith(w) for v in vocabulary) for w in words):
        return 0
    if len(query) >= 2 and (name.startswith(query) or any(
            len(w) >= 3 and w in vocabulary for w in words)):
        return 2
    return 1
