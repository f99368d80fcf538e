"""How contact lists can be ordered: part of the vocabulary the window, the command line and
the queries share."""

from __future__ import annotations

import enum


class ContactSort(enum.StrEnum):
    NAME = "name"  # given name first, as the name is shown ("Ada Lovelace")
    FAMILY = "family"  # family name first ("Lovelace, Ada"), ACT!'s default
    COMPANY = "company"
    UPDATED = "updated"
    CREATED = "created"
