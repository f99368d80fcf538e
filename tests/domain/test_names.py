"""How a contact's name is shown and sorted."""

from __future__ import annotations

import pytest

from app.domain.contact import Contact, Email, display_name_of, sort_keys_of


@pytest.mark.parametrize("parts, shown", [
    (dict(prefix="Dr.", given="Ada", middle="B.", family="Lovelace", suffix="Jr."),
     "Dr. Ada B. Lovelace Jr."),
    (dict(given="  José ", family="Núñez"), "José Núñez"),
    (dict(given="さくら", family="渡辺"), "渡辺 さくら"),  # Japanese: family name first
    (dict(given="민준", family="김"), "김 민준"),  # Korean too
    (dict(given="Sakura", family="渡辺"), "Sakura 渡辺"),  # mixed scripts: as typed
    (dict(family="Prince"), "Prince"),
    (dict(suffix="III"), "III"),
])
def test_display_names(parts, shown):
    args = {k: "" for k in ("prefix", "given", "middle", "family", "suffix")} | parts
    assert display_name_of(**args) == shown


def test_fallbacks_nickname_then_email():
    assert Contact(nickname="Ace").display_name == "Ace"
    assert Contact(emails=[Email("sales@shop.example")]).display_name == "sales@shop.example"
    assert Contact().display_name == ""


def test_sort_keys_ignore_case_and_titles():
    assert sort_keys_of(Contact(given="Jan", family="de Vries")) == sort_keys_of(
        Contact(given="jan", family="De Vries"))
    # The title does not count: Dr. Ada Lovelace files under A (given first), L (family first).
    given_first, family_first = sort_keys_of(Contact(prefix="Dr.", given="Ada",
                                                      family="Lovelace"))
    assert given_first.startswith("ada") and family_first.startswith("lovelace")
