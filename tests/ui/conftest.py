"""The window sets the process's date style from its preferences (as QLocale.setDefault sets
the locale); each test starts from the default, whatever the one before it opened."""

from __future__ import annotations

import pytest

from ui.settings import formatting


@pytest.fixture(autouse=True)
def default_date_style():
    before = formatting.current_style()
    yield
    formatting.use_style(before)
