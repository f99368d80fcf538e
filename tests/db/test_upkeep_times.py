"""Upkeep (new sort keys, a rebuilt search index) is no edit: the records' times stay."""

from __future__ import annotations

import sqlite3

from app.domain.account import Account
from app.domain.contact import Contact
from app.services.registry import Services
from db import upkeep


def test_new_sort_keys_leave_updated_at_alone(db, db_path):
    s = Services.over(db)
    s.contacts.create(Contact(given="Ada", family="Lovelace"))
    s.accounts.create(Account("Analytical Engines"))
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("SELECT id, updated_at FROM contacts UNION ALL "
                              "SELECT -id, updated_at FROM accounts ORDER BY 1").fetchall()
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, 'old')",
                     (upkeep.COLLATION_KEY,))
    upkeep.run(db)
    with sqlite3.connect(db_path) as conn:
        after = conn.execute("SELECT id, updated_at FROM contacts UNION ALL "
                             "SELECT -id, updated_at FROM accounts ORDER BY 1").fetchall()
        key = conn.execute("SELECT value FROM settings WHERE key = ?",
                           (upkeep.COLLATION_KEY,)).fetchone()
    assert key[0] != "old", "upkeep ran"
    assert after == before
