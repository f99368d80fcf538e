"""Address-book collation: how names are compared, sorted and matched in search.

`fold` is the comparison form (case, accents, ligatures and punctuation folded away).
`sort_key` turns text into a string whose plain comparison, in Python or bytewise in SQLite's
BINARY collation (UTF-8 byte order is code point order), gives address-book order:

    Latin letters, folded and in alphabetical order;
    then letters of other scripts, grouped by script in the order of the Unicode Collation
    Algorithm's root table (Greek, Coptic, Cyrillic, Glagolitic, Georgian, Armenian, Hebrew,
    Arabic, Syriac, Thaana, N'Ko, Ethiopic, the Indic scripts, Thai, Lao, Tibetan, Myanmar,
    Khmer, Mongolian, Hangul, Kana, Bopomofo, Han, any other script), code point order within
    a script, except that katakana sorts as the hiragana it spells;
    then "#": names that begin with a digit or a symbol (emoji included), as the "#" section
    at the end of a phone's contact list;
    then names with nothing to sort by ("", "   ", "???").

Digits inside a name compare as numbers ("Unit 9" before "Unit 10") and before letters, as in
the UCA. Accents and case never separate names at the first level: "Muller" and "Müller" sit
together, an unaccented name before the accented one; case differences give equal keys.
A database other than SQLite must compare the keys bytewise (PostgreSQL: COLLATE "C").

`person_sort_keys` builds the family-first and given-first keys of a contact, and
`search_variants` / `query_alternatives` give the search index the spellings it cannot find by
itself (German ae/oe/ue/ss, ł→l, ø→o, ligatures, O'Brien→obrien).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["EMPTY_KEY", "family_first_display", "fold", "person_sort_keys",
           "query_alternatives", "search_variants", "sort_key"]

# Sorts after every key that has something in it: those start with a-z, a number's length
# ('A'..'_') or a script marker (U+0100 on), never with this noncharacter.
EMPTY_KEY = "\U0010ffff"
# Stored keys were made by this version of the rules; when the rules change, this moves on and
# the database recomputes its keys once when it is next opened (db.upkeep).
FORMAT = 1
# Between the first (folded) level and the tie-break level, and between the fields of a person
# key. Lower than the space between words, so "Lee, Ann" precedes "Lee Ann, Bob", and lower
# than anything fold() emits (it emits no control characters), so no text can forge them.
_LEVEL = "\x01"
_FIELD = "\x02"

# Letters that do not decompose under NFKD but that readers take as Latin letters plus a mark.
# Most ("o with stroke", "l with stroke", "d with hook") are found by name below.
_LETTERS = {"æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ı": "i", "ȷ": "j", "ĸ": "k",
            "ŋ": "n", "ə": "e", "ǝ": "e", "ɛ": "e", "ɔ": "o", "ß": "ss", "ᵫ": "ue"}
_LATIN_NAME = re.compile(
    r"LATIN (?:SMALL )?(?:CAPITAL )?LETTER (?:SMALL CAPITAL )?([A-Z])(?: WITH .+)?")
# Apostrophes and quotes are ignored (O'Brien = Obrien, Hawaiʻi = Hawaii); other punctuation,
# hyphens included, separates words (Jean-Luc = Jean Luc, J.R.R. = J R R).
_IGNORED = frozenset("'\"`´′″‵‶ʹʺʻʼʽʾʿˈꞌ׳״·‧ـ")
# Spacing accents decompose to a space plus a mark: "O´Brien" would otherwise become "o brien".
_SPACING_ACCENT = re.compile("[´¨¯¸˘˙˚˛˜˝]")


def _accent(cp: int) -> bool:
    """Marks that readers of the script take as accents or pointing, not as part of a letter.
    The kana voicing marks, Indic vowel signs and viramas, Thai tone marks stay."""
    return (0x300 <= cp < 0x370 or 0x483 <= cp < 0x48A or 0x591 <= cp < 0x5C8
            or 0x610 <= cp < 0x61B or 0x64B <= cp < 0x660 or cp == 0x670
            or 0x6D6 <= cp < 0x6EE or 0x8D3 <= cp < 0x900 or 0x1AB0 <= cp < 0x1B00
            or 0x1DC0 <= cp < 0x1E00 or 0x20D0 <= cp < 0x2100 or 0xFE20 <= cp < 0xFE30)


class _Table(dict):
    """A str.translate table filled on first sight of each character, so importing costs
    nothing and a long text pays a dict lookup per character in C."""

    def __init__(self, rule):
        super().__init__()
        self._rule = rule

    def __missing__(self, cp: int):
        self[cp] = value = self._rule(cp)
        return value


def _char(cp: int, strip: bool):
    ch = chr(cp)
    cat = unicodedata.category(ch)
    if ch in _IGNORED:
        return None
    if cat[0] in "LMN":
        if not strip:
            return cp
        if ch in _LETTERS:
            return _LETTERS[ch]
        if cat[0] == "M":
            return None if _accent(cp) else cp
        if cat == "Nd":  # Arabic-Indic, Devanagari ... digits compare as the number they are
            return str(unicodedata.decimal(ch))
        if cp >= 0x80 and cat[0] == "L":
            match = _LATIN_NAME.fullmatch(unicodedata.name(ch, ""))
            if match:
                return match[1].lower()
        return cp
    if cat[0] == "P" and cat not in ("Pi", "Pf"):
        return " "
    if cat in ("Pi", "Pf", "Sk", "Cf", "Cs"):
        # Quotes, spacing accents, invisible format characters (bidi marks, soft hyphen,
        # zero-width joiners) and lone surrogates, which SQLite could not even store.
        return None
    if cat == "Cc" or cat[0] == "Z":
        return " "
    return cp  # symbols, emoji, private use, unassigned: kept, they are what the user typed


_FOLD = _Table(lambda cp: _char(cp, strip=True))
_KEEP = _Table(lambda cp: _char(cp, strip=False))


def _decompose(text: str) -> str:
    if _SPACING_ACCENT.search(text):  # rare: a search is cheaper than a pass that changes nothing
        text = _SPACING_ACCENT.sub("", text)
    return unicodedata.normalize("NFKD", text).casefold()


def fold(text: str) -> str:
    """The comparison form: compatibility-decomposed (ﬁ→fi, ｆｕｌｌ→full, ①→1), case-folded,
    accents dropped, ß→ss æ→ae ø→o ł→l đ→d þ→th ı→i and the like, apostrophes and quotes
    removed, other punctuation and control characters as spaces, whitespace collapsed.
    Non-Latin letters keep their own script; kana and Hangul come back composed.
    Ø is O as in a neutral locale (Olsen, Ørsted, Otto), not after Z as in Danish."""
    return " ".join(unicodedata.normalize("NFC", _decompose(text).translate(_FOLD)).split())


def _secondary(text: str) -> str:
    """fold() with the accents and letters kept, decomposed: the tie-break level, on which an
    unaccented letter (its bare base) sorts before the same letter with a mark."""
    return " ".join(_decompose(text).translate(_KEEP).split())


# --- sort keys ------------------------------------------------------------------------------

_GROUPS = ("LATIN", "GREEK", "COPTIC", "CYRILLIC", "GLAGOLITIC", "GEORGIAN", "ARMENIAN",
           "HEBREW", "ARABIC", "SYRIAC", "THAANA", "NKO", "ETHIOPIC", "DEVANAGARI", "BENGALI",
           "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM",
           "SINHALA", "THAI", "LAO", "TIBETAN", "MYANMAR", "KHMER", "MONGOLIAN", "HANGUL",
           "KANA", "BOPOMOFO", "HAN", "LETTER", "#")
_ALIASES = {"HIRAGANA": "KANA", "KATAKANA": "KANA", "KATAKANA-HIRAGANA": "KANA",
            "CJK": "HAN", "IDEOGRAPHIC": "HAN"}
# One marker character per group, placed before each of its characters so that every character
# compares against one of the same kind. U+0100 on: above 'z', two bytes in UTF-8.
_MARKER = {group: chr(0x100 + i) for i, group in enumerate(_GROUPS)}
_HASH = _MARKER["#"]
_PLAIN = frozenset(map(ord, "abcdefghijklmnopqrstuvwxyz0123456789 "))
_DIGITS = re.compile(r"[0-9]+")
_MAX_DIGITS = 31  # numbers longer than this compare digit by digit (account numbers, not ages)


def _group(ch: str) -> str:
    if unicodedata.category(ch)[0] not in "LMN":
        return "#"
    script = unicodedata.name(ch, "").split(" ", 1)[0]
    script = _ALIASES.get(script, script)
    return script if script in _MARKER else "LETTER"


def _key_char(cp: int):
    if cp in _PLAIN:
        return cp
    ch = chr(cp)
    if 0x30A1 <= cp <= 0x30F6:  # カトウ sorts with かとう: the same sounds
        ch = chr(cp - 0x60)
    return _MARKER[_group(ch)] + ch


_KEY = _Table(_key_char)


def _number(match: re.Match) -> str:
    # The digit count goes first so that 9 < 10; 'A'..'_' sit below the letters.
    digits = match[0].lstrip("0") or "0"
    return chr(0x40 + min(len(digits), _MAX_DIGITS)) + digits


# Names repeat (a hundred thousand contacts share a few thousand given and family names): the
# per-field work is kept, so a bulk import folds each distinct name once.
@lru_cache(maxsize=65536)
def _primary(folded: str) -> str:
    return _DIGITS.sub(_number, folded.translate(_KEY))


def _assemble(fields: list[tuple[str, str]], encode=_primary) -> str:
    """fields: (folded, secondary) pairs, most significant first, none with an empty fold."""
    if not fields:
        return EMPTY_KEY
    primary = _FIELD.join(encode(f) for f, _ in fields)
    if "A" <= primary[0] <= "_":  # begins with a number: the "#" section
        primary = _HASH + primary
    return primary + _LEVEL + _FIELD.join(s for _, s in fields)


@lru_cache(maxsize=65536)
def _field(text: str) -> tuple[str, str]:
    return _field_of(_secondary(text or ""))


def _field_of(secondary: str) -> tuple[str, str]:
    # The same as fold(text): the secondary form is already decomposed and its punctuation done.
    return " ".join(unicodedata.normalize("NFC", secondary.translate(_FOLD)).split()), secondary


def sort_key(text: str) -> str:
    """A key for ORDER BY (see the module notes): fold() order first, then accents as a
    tie-break; text with nothing to sort by gets EMPTY_KEY and sorts last."""
    folded, secondary = _field(text)
    return _assemble([(folded, secondary)] if folded else [])


# --- people ---------------------------------------------------------------------------------

# Titles dropped from the front of the given name when a user typed them there ("Dr. Ada").
# The prefix field never counts at all. Words that are also given names (Don, Doña) or
# initials (M.) only count as titles in the prefix field.
_TITLES = frozenset({
    "dr", "prof", "mr", "mrs", "ms", "mx", "miss", "mister", "sir", "dame", "herr", "frau", "fru",
    "hr", "mme", "mlle", "madame", "mademoiselle", "monsieur", "sr", "sra", "srta", "dott",
    "ssa", "ing", "mag", "fr", "rev", "revd", "pr", "univ"})  # ssa: "Dott.ssa" folds to 2 words
# Dutch and German family-name particles, for the option that files "van Gogh" under G.
_PARTICLES = frozenset({"van", "von", "vom", "zu", "zum", "zur", "de", "der", "den", "des", "het",
                        "in", "op", "te", "ten", "ter", "t"})
_EAST_ASIAN = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC")


def _east_asian(folded: str) -> bool:
    letters = set(folded) - {" "}  # fold() leaves single spaces only
    return bool(letters) and all(
        unicodedata.name(ch, "").startswith(_EAST_ASIAN) for ch in letters)


@lru_cache(maxsize=65536)
def _given_field(given: str, more_names: bool) -> tuple[str, str]:
    secondary = _secondary(given or "")
    words = secondary.split(" ", 1)
    # A lone "Dr." in the given field of a contact with no other name is all there is to sort by.
    # Titles are short: a long first word is not folded just to be looked up.
    while len(words[0]) <= 12 and fold(words[0]) in _TITLES and (len(words) > 1 or more_names):
        secondary = words[1] if len(words) > 1 else ""
        words = secondary.split(" ", 1)
    return _field_of(secondary)


def person_sort_keys(prefix: str, given: str, middle: str, family: str, suffix: str,
                     nickname: str = "", email: str = "", *,
                     ignore_particles: bool = False) -> tuple[str, str]:
    """(family_first_key, given_first_key) of a person, for "Lovelace, Ada" and "Ada Lovelace"
    lists. The prefix never counts, nor titles typed in front of the given name. The family
    name sorts as written: "van Gogh" under V, as ACT!, Outlook and Apple Contacts do in the
    US; `ignore_particles=True` files it under G (Dutch and German practice), the particles
    then breaking ties after the given names. When given and family name are both in Chinese,
    Japanese or Korean script the family name leads in both keys, as the name is read.
    Without a name: the nickname, then the e-mail address, then EMPTY_KEY."""
    fam, mid, suf = _field(family), _field(middle), _field(suffix)
    giv = _given_field(given, bool(fam[0] or mid[0]))
    particles = ("", "")
    if ignore_particles:
        words = fam[1].split()
        lead = 0
        while lead < len(words) - 1 and fold(words[lead]) in _PARTICLES:
            lead += 1
        if lead:
            fam = _field(" ".join(words[lead:]))
            particles = _field(" ".join(words[:lead]))
    if giv[0] and fam[0] and _east_asian(giv[0]) and _east_asian(fam[0]):
        family_first = given_first = [fam, giv, mid, particles, suf]
    else:
        family_first = [fam, giv, mid, particles, suf]
        given_first = [giv, mid, fam, particles, suf]
    family_first = [f for f in family_first if f[0]]
    given_first = [f for f in given_first if f[0]]
    if not family_first:
        fallback = next((f for f in (_field(nickname), _field(email)) if f[0]), None)
        family_first = given_first = [fallback] if fallback else []
    encoded: dict[str, str] = {}  # both keys hold the same fields: encode each once

    def encode(folded: str) -> str:
        if folded not in encoded:
            encoded[folded] = _primary(folded)
        return encoded[folded]

    return _assemble(family_first, encode), _assemble(given_first, encode)


def _clean(part: str) -> str:
    return " ".join((part or "").split())


def family_first_display(prefix: str, given: str, middle: str, family: str, suffix: str) -> str:
    """"Lovelace, Dr. Ada B., Jr." for Western names; "渡辺 さくら" when given and family name
    are in Chinese, Japanese or Korean script (already family first, no comma). A name with
    only a given or only a family name has no comma: "Ada B.", "Dr. Lovelace Jr."."""
    prefix, given, middle, family, suffix = map(_clean, (prefix, given, middle, family, suffix))
    if given and family and _east_asian(fold(given)) and _east_asian(fold(family)):
        return " ".join(p for p in (prefix, family, middle, given, suffix) if p)
    rest = " ".join(p for p in (prefix, given, middle) if p)
    if not family or not (given or middle):
        return " ".join(p for p in (prefix, given, middle, family, suffix) if p)
    return f"{family}, {rest}, {suffix}" if suffix else f"{family}, {rest}"


# --- search ---------------------------------------------------------------------------------

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Names and short fields are what variants are for; a pasted document gains nothing from them
# beyond its first page, and every word yields at most two spellings, so the output is bounded
# by _MAX_VARIANTS whatever the input.
_MAX_SCAN_CHARS = 64 * 1024
_MAX_WORD_CHARS = 128
_MAX_VARIANTS = 32
_MAX_QUERY_CHARS = 512
_CHUNK = re.compile(r"\S+")


def _german(text: str) -> str:
    # casefold() spells ß (and ẞ) as ss; the umlauts need composing first to be seen.
    return unicodedata.normalize("NFC", text).casefold().translate(_GERMAN)


def _index_tokens(text: str) -> list[str]:
    """What the unicode61 tokenizer (remove_diacritics 2) makes of text, near enough: letters,
    digits and marks form tokens, lower-cased, with marks removed from Latin letters only."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if cat[0] not in "LMN" and cat != "Co":
            out.append(" ")
            continue
        base = unicodedata.normalize("NFD", ch)
        if len(base) > 1 and base[0].isascii():
            ch = base[0]
        out.append("σ" if ch == "ς" else ch.lower())
    return "".join(out).split()


def _spellings(word: str) -> list[str]:
    return [_german(word), fold(word)]


def search_variants(text: str) -> list[str]:
    """Extra words to index with text so that other spellings find it: "Müller" → ["mueller"],
    "Groß" → ["gross"], "Łukasz" → ["lukasz"], "O'Brien" → ["obrien"]. Only what the search
    tokenizer would not produce by itself, so [] for "Smith" or "José"; bounded (see above)."""
    out: list[str] = []
    for match in _CHUNK.finditer(text, 0, _MAX_SCAN_CHARS):
        word = match[0]
        if (word.isascii() and word.isalnum()) or len(word) > _MAX_WORD_CHARS:
            continue
        if match.end() == _MAX_SCAN_CHARS < len(text):
            break  # cut off by the limit: "Mü" of "Müller" is no spelling of anything
        known = set(_index_tokens(word))
        for spelling in _spellings(word):
            for token in _index_tokens(spelling):
                if token not in known and token not in out:
                    out.append(token)
                    if len(out) == _MAX_VARIANTS:
                        return out
    return out


def query_alternatives(term: str) -> list[str]:
    """A query term and the spellings of it that search_variants indexes, to OR together:
    "Müller" → ["Müller", "mueller"], so a contact stored as "Mueller" is found; just [term]
    when there are none."""
    out = [term]
    if len(term) > _MAX_QUERY_CHARS or (term.isascii() and term.isalnum()):
        return out
    seen = [_index_tokens(term)]
    for spelling in _spellings(term):
        tokens = _index_tokens(spelling)
        if tokens and tokens not in seen:
            seen.append(tokens)
            out.append(spelling)
    return out
