"""Address-book collation: folding, sort keys, person keys, family-first display, search
spellings."""

from __future__ import annotations

import random
import sqlite3
import time

import pytest

from app.domain.collation import (
    EMPTY_KEY,
    family_first_display,
    fold,
    person_sort_keys,
    query_alternatives,
    search_variants,
    sort_key,
)

# The quick-search index's tokenizer (db/search); stated here so that the domain tests stand
# alone while the database layer moves about.
TOKENIZE = "unicode61 remove_diacritics 2"


def ordered(names, key=sort_key):
    shuffled = list(names)
    random.Random(7).shuffle(shuffled)
    return sorted(shuffled, key=key)


def primary(key: str) -> str:
    return key.split("\x01", 1)[0]


# --- fold -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, folded", [
    ("Álvaro", "alvaro"), ("ZOË", "zoe"), ("Nguyễn", "nguyen"), ("a\u0301b", "ab"),
    ("Straße", "strasse"), ("STRAẞE", "strasse"), ("Æsir", "aesir"), ("Œuvre", "oeuvre"),
    ("Ørsted", "orsted"), ("Łukasz", "lukasz"), ("Đorđe", "dorde"), ("Ðóra", "dora"),
    ("Þór", "thor"), ("Kırıkkale", "kirikkale"), ("İstanbul", "istanbul"),
    ("Ŋgũgĩ", "ngugi"), ("Ħamrun", "hamrun"), ("ǅemal", "dzemal"), ("ﬁne", "fine"),
    ("Ｆｕｌｌ", "full"), ("O'Brien", "obrien"), ("O’Brien", "obrien"), ("O´Brien", "obrien"),
    ("Hawaiʻi", "hawaii"), ("col·lecció", "colleccio"), ("Jean-Luc", "jean luc"),
    ("Jean–Luc", "jean luc"), ("J.R.R. Tolkien", "j r r tolkien"),
    ("  Ada \t Lovelace\n", "ada lovelace"), ("Ada\x00Lovelace", "ada lovelace"),
    ("Ada\u00adLovelace", "adalovelace"),  # a soft hyphen is invisible, not a break
    ("\u200fשָׁלוֹם\u200f", "שלום"), ("مُحَمَّد", "محمد"), ("١٢٣", "123"),
    ("Αλέξανδρος", "αλεξανδροσ"), ("渡辺", "渡辺"), ("がぎ", "がぎ"), ("김민준", "김민준"),
    ("😀", "😀"), ("", ""), ("   ", ""), ("\u0301", ""), ("\ud800Ada", "ada"),
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("a, b", [
    ("O'Brien", "Obrien"), ("Jean-Luc", "Jean Luc"), ("Müller", "MULLER"),
    ("Groß", "GROSS"), ("Łukasz", "Lukasz"), ("Dvořák", "Dvorak"), ("Zoë", "Zoe"),
])
def test_fold_equivalences(a, b):
    assert fold(a) == fold(b)
    assert primary(sort_key(a)) == primary(sort_key(b))


CORPUS = ["Álvaro", "Dr. Ada B. Lovelace", "O'Brien", "Jean-Luc", "Straße", "ǅemal",
          "ﬁne Ｆｕｌｌ", "渡辺 さくら", "カトウ", "김민준", "שָׁלוֹם", "हिंदी", "Unit 007",
          "😀 x", "a\u0301", "\u0301", "", " \t", "Ada\x00", "İstanbul", "Hawaiʻi"]


@pytest.mark.parametrize("text", CORPUS)
def test_fold_is_idempotent_and_keys_follow_it(text):
    assert fold(fold(text)) == fold(text)
    # The key's first level is a function of the folded text alone.
    assert primary(sort_key(fold(text))) == primary(sort_key(text))


# --- sort keys ------------------------------------------------------------------------------

def test_accented_names_sort_among_their_letters():
    names = ["Zola", "Zoë", "Élodie", "Álvaro", "Emil", "Alvarez", "Aaron", "Lukas", "Luna",
             "Łukasz", "Lucy", "Müller", "Muller", "Mulligan", "Olsen", "Ørsted", "Otto",
             "O'Brien"]
    # Ø is folded to O (the neutral-locale choice; Danish would put Ørsted after Otto).
    assert ordered(names) == ["Aaron", "Alvarez", "Álvaro", "Élodie", "Emil", "Lucy", "Lukas",
                              "Łukasz", "Luna", "Muller", "Müller", "Mulligan", "O'Brien",
                              "Olsen", "Ørsted", "Otto", "Zoë", "Zola"]


SCRIPTS_IN_ORDER = [
    "Zoë", "ʃ",  # a Latin letter fold cannot spell with a-z
    "Αλέξανδρος", "ⲁ", "Борис", "ⰰ", "ნინო", "Արամ", "דוד", "محمد", "ܐ", "ހ", "ߊ", "አበበ",
    "अमित", "অমিত", "ਕ", "ક", "କ", "தமிழ்", "క", "ಕ", "ക", "ක", "สมชาย", "ກ", "ཀ", "က", "ក",
    "ᠠ", "김민준", "あおい", "カトウ", "さくら", "ㄅ", "佐藤", "渡辺",
    "Ꭰ",  # Cherokee: a script with no group of its own
    "1-800-Flowers", "3M", "😀 Smiley", "",
]


def test_scripts_are_grouped_latin_first_then_hash_then_empty():
    assert ordered(SCRIPTS_IN_ORDER) == SCRIPTS_IN_ORDER


def test_katakana_sorts_as_the_hiragana_it_spells():
    assert primary(sort_key("カトウ")) == primary(sort_key("かとう"))


def test_numbers_compare_by_value_and_before_letters():
    assert ordered(["Unit A", "Unit 100", "Unit 9", "Unit 10", "Unit 10b", "Unit 10a"]) == [
        "Unit 9", "Unit 10", "Unit 10a", "Unit 10b", "Unit 100", "Unit A"]
    assert primary(sort_key("Unit 007")) == primary(sort_key("Unit 7"))
    assert sort_key("Unit 007") != sort_key("Unit 7")  # but the tie is broken the same way
    assert ordered(["Agent ٣", "Agent 2", "Agent 10"]) == ["Agent 2", "Agent ٣", "Agent 10"]
    assert sort_key("9" * 30) < sort_key("1" + "0" * 30)  # up to 31 digits, by value


def test_case_gives_equal_keys_and_accents_break_ties():
    assert sort_key("de Vries") == sort_key("De Vries") == sort_key("DE VRIES")
    assert sort_key("resume") < sort_key("résumé") < sort_key("resumes")


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "???", "--", "\u0301", "\x00", "\u200f"])
def test_nothing_to_sort_by_sorts_last(text):
    assert sort_key(text) >= EMPTY_KEY
    assert sort_key("😀") < sort_key(text)
    assert sort_key("渡辺") < sort_key(text)


@pytest.mark.parametrize("a, b", [("Ada\x00", "Ada"), ("\u200fדוד\u200e", "דוד"),
                                  ("Ada\u200b", "Ada"), ("  Ada  ", "Ada")])
def test_invisible_characters_do_not_count(a, b):
    assert sort_key(a) == sort_key(b)


@pytest.mark.parametrize("text", CORPUS + ["\ud800", "x\udfffy", "\U0010fffd", "\x01\x02"])
def test_keys_are_storable_text(text):
    key = sort_key(text)
    key.encode("utf-8")  # no lone surrogates: SQLite could not store them
    assert "\x00" not in key
    assert key.count("\x01") <= 1  # the user's control characters never forge a separator


def test_sqlite_orders_keys_as_python_does():
    names = SCRIPTS_IN_ORDER + ["Muller", "Müller", "MULLER", "Unit 9", "Unit 10", "Ørsted"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE c (name TEXT, k TEXT)")
    conn.executemany("INSERT INTO c VALUES (?, ?)", [(n, sort_key(n)) for n in names])
    in_db = [r[0] for r in conn.execute("SELECT name FROM c ORDER BY k, name")]
    assert in_db == sorted(names, key=lambda n: (sort_key(n), n))


# --- people ---------------------------------------------------------------------------------

def person(given="", family="", prefix="", middle="", suffix="", **kw):
    return person_sort_keys(prefix, given, middle, family, suffix, **kw)


def family_first(**kw):
    return person(**kw)[0]


def given_first(**kw):
    return person(**kw)[1]


def test_titles_never_count():
    plain = person("Ada", "Lovelace")
    assert person("Ada", "Lovelace", prefix="Dr.") == plain
    assert person("Dr. Ada", "Lovelace") == plain
    assert person("Dr.Ada", "Lovelace") == plain
    assert person("Prof. Dr. Ada", "Lovelace") == plain
    assert person("Dr.", "Lovelace") == person("", "Lovelace")
    assert person("Hans", "Müller", prefix="Herr") == person("Hans", "Müller")


def test_dr_ada_lovelace_is_under_l_family_first_and_under_a_given_first():
    people = {"Dr. Ada Lovelace": dict(given="Dr. Ada", family="Lovelace"),
              "Charles Babbage": dict(given="Charles", family="Babbage"),
              "Alan Turing": dict(given="Alan", family="Turing"),
              "Marie Curie": dict(given="Marie", family="Curie", prefix="Mme"),
              "Cher": dict(given="Cher")}
    by_family = ordered(people, key=lambda n: family_first(**people[n]))
    by_given = ordered(people, key=lambda n: given_first(**people[n]))
    assert by_family == ["Charles Babbage", "Cher", "Marie Curie", "Dr. Ada Lovelace",
                         "Alan Turing"]
    assert by_given == ["Dr. Ada Lovelace", "Alan Turing", "Charles Babbage", "Cher",
                        "Marie Curie"]


def test_ambiguous_words_are_names_in_the_given_field():
    assert given_first(given="Don", family="Draper").startswith("don")
    assert given_first(given="M. Night", family="Shyamalan").startswith("m night")
    assert family_first(given="Dr.") == sort_key("Dr.")  # all there is to sort by


def test_family_name_ties_break_on_given_then_suffix():
    keys = {n: family_first(**p) for n, p in {
        "Lee": dict(family="Lee"), "Lee, Ann": dict(given="Ann", family="Lee"),
        "Lee, Bob": dict(given="Bob", family="Lee"),
        "Lee Ann, Bob": dict(given="Bob", family="Lee Ann"),
        "Leeds, Al": dict(given="Al", family="Leeds"),
        "King, Martin, Jr.": dict(given="Martin", family="King", suffix="Jr."),
        "King, Martin, Sr.": dict(given="Martin", family="King", suffix="Sr.")}.items()}
    assert ordered(keys, key=keys.get) == [
        "King, Martin, Jr.", "King, Martin, Sr.", "Lee", "Lee, Ann", "Lee, Bob",
        "Lee Ann, Bob", "Leeds, Al"]


def test_particles_sort_as_written_unless_asked():
    people = {"Paul Gauguin": dict(given="Paul", family="Gauguin"),
              "J. M. W. Turner": dict(given="J. M. W.", family="Turner"),
              "Vincent van Gogh": dict(given="Vincent", family="van Gogh"),
              "Theo van Gogh": dict(given="Theo", family="Van Gogh"),
              "Hugo de Vries": dict(given="Hugo", family="de Vries")}
    assert ordered(people, key=lambda n: family_first(**people[n])) == [
        "Hugo de Vries", "Paul Gauguin", "J. M. W. Turner", "Theo van Gogh", "Vincent van Gogh"]
    dutch = ordered(people, key=lambda n: family_first(ignore_particles=True, **people[n]))
    assert dutch == ["Paul Gauguin", "Theo van Gogh", "Vincent van Gogh", "J. M. W. Turner",
                     "Hugo de Vries"]
    # A particle alone is the family name itself.
    assert family_first(family="Van", ignore_particles=True) == family_first(family="Van")


def test_cjk_names_sort_family_first_in_both_keys():
    watanabe = person("あおい", "渡辺")
    sato = person("さくら", "佐藤")
    assert watanabe[0] == watanabe[1]
    assert primary(watanabe[1]).startswith(primary(sort_key("渡辺")))
    assert given_first(given="さくら", family="佐藤") < given_first(given="あおい", family="渡辺")
    assert sato[1] < watanabe[1]
    assert person("민준", "김")[1] < person("서연", "이")[1] < person("가은", "최")[1]
    # Mixed scripts are read as typed: the given name leads.
    assert primary(given_first(given="Sakura", family="渡辺")).startswith("sakura")
    # And after every Latin name.
    assert given_first(given="Zoë", family="Zola") < given_first(given="さくら", family="佐藤")


def test_no_name_falls_back_to_nickname_then_email():
    assert person(nickname="Ace", email="zed@example.com") == (sort_key("Ace"),) * 2
    assert person(email="sales@shop.example") == (sort_key("sales@shop.example"),) * 2
    assert person(prefix="Dr.") == (EMPTY_KEY, EMPTY_KEY)
    assert person() == (EMPTY_KEY, EMPTY_KEY)
    assert family_first(given="Zed") < family_first()


# --- family-first display -------------------------------------------------------------------

@pytest.mark.parametrize("parts, shown", [
    (dict(given="Ada", middle="B.", family="Lovelace"), "Lovelace, Ada B."),
    (dict(prefix="Dr.", given="Ada", family="Lovelace"), "Lovelace, Dr. Ada"),
    (dict(given="Martin Luther", family="King", suffix="Jr."), "King, Martin Luther, Jr."),
    (dict(given="  Ada ", family=" Lovelace  "), "Lovelace, Ada"),
    (dict(given="さくら", family="渡辺"), "渡辺 さくら"),
    (dict(given="さくら", family="佐々木"), "佐々木 さくら"),
    (dict(given="민준", family="김"), "김 민준"),
    (dict(given="Sakura", family="渡辺"), "渡辺, Sakura"),
    (dict(given="Ada"), "Ada"),
    (dict(given="Ada", middle="B."), "Ada B."),
    (dict(family="Prince"), "Prince"),
    (dict(prefix="Dr.", family="Lovelace", suffix="Jr."), "Dr. Lovelace Jr."),
    (dict(given=" ", family="\t"), ""),
    ({}, ""),
])
def test_family_first_display(parts, shown):
    args = {k: "" for k in ("prefix", "given", "middle", "family", "suffix")} | parts
    assert family_first_display(**args) == shown


# --- search ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, extra", [
    ("Müller", ["mueller"]), ("MÜLLER", ["mueller"]), ("Mu\u0308ller", ["mueller"]),
    ("Groß", ["gross"]), ("Straße", ["strasse"]), ("Jürgen Groß-Weber", ["juergen", "gross"]),
    ("Łukasz", ["lukasz"]), ("O'Brien", ["obrien"]), ("Ørsted", ["orsted"]),
    ("Smith", []), ("Mueller", []), ("Gross", []), ("José Núñez", []), ("Jean-Luc", []),
    ("渡辺 さくら", []), ("😀", []), ("", []), ("   ", []),
])
def test_search_variants(text, extra):
    assert search_variants(text) == extra


@pytest.mark.parametrize("term, alternatives", [
    ("Müller", ["Müller", "mueller"]), ("Groß", ["Groß", "gross"]),
    ("Łukasz", ["Łukasz", "lukasz"]), ("Mueller", ["Mueller"]), ("José", ["José"]),
])
def test_query_alternatives(term, alternatives):
    assert query_alternatives(term) == alternatives


STORED = ["Müller", "Mueller", "Muller", "Groß", "Gross", "Łukasz", "O'Brien", "Smith"]


@pytest.mark.parametrize("query, found", [
    ("Mueller", {"Müller", "Mueller"}), ("Müller", {"Müller", "Mueller", "Muller"}),
    ("Muller", {"Müller", "Muller"}), ("Gross", {"Groß", "Gross"}), ("Groß", {"Groß", "Gross"}),
    ("Lukasz", {"Łukasz"}), ("Łukasz", {"Łukasz"}), ("Obrien", {"O'Brien"}),
    ("O'Brien", {"O'Brien"}), ("Smith", {"Smith"}),
])
def test_variants_make_the_fts_index_find_german_spellings(query, found):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(name, tokenize='{TOKENIZE}')")
    conn.executemany("INSERT INTO t(rowid, name) VALUES (?, ?)",
                     [(i, " ".join([n, *search_variants(n)])) for i, n in enumerate(STORED)])
    match = " OR ".join('"' + a.replace('"', '""') + '"' for a in query_alternatives(query))
    rows = conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()
    assert {STORED[r[0]] for r in rows} == found


def test_variants_are_bounded():
    many = " ".join(f"Mü{i}ller" for i in range(10_000))
    assert len(search_variants(many)) == 32
    ten_mb = "Müller " * 1_500_000
    started = time.perf_counter()
    assert search_variants(ten_mb) == ["mueller"]  # and no "mue" from a word cut in half
    assert query_alternatives(ten_mb) == [ten_mb]
    assert time.perf_counter() - started < 1.0


MEGABYTE_OF_NAMES = ("Ada Lovelace Álvaro Ørsted O'Brien Groß Ψυχή Борис שָׁלוֹם مُحَمَّد हिंदी "
                     "สมชาย 김민준 さくら 渡辺 😀 Unit 10 " * 12_000)[:1_000_000]


@pytest.mark.parametrize("work", [
    fold, sort_key, search_variants,
    lambda s: person_sort_keys("Dr.", s, "B.", "Lovelace", "Jr."),
], ids=["fold", "sort_key", "search_variants", "person_sort_keys"])
def test_a_megabyte_is_fast(work):
    work("warm the character tables up")
    started = time.perf_counter()
    work(MEGABYTE_OF_NAMES)
    # Well under a second on an idle machine; the margin is for a busy CI runner. Anything
    # quadratic in the length would take minutes.
    assert time.perf_counter() - started < 5.0
