"""The user's preferences, kept by QSettings (per user, beside no database: the same person
wants the same dates and theme in every address book they open).

A value that cannot be read back (an older or hand-edited settings file) is taken as the
default rather than an error. Setting a value that differs emits `changed(key)`, so open
views follow at once."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import phonenumbers
from PySide6.QtCore import QLocale, QObject, QSettings, Signal

from ui.contacts.checks import system_country
from ui.settings.formatting import (
    DateFormat,
    DateStyle,
    NameOrder,
    style_of,
    system_style,
)
from ui.theme import Theme

DEFAULT_COUNTRY = "default_country"
NAME_ORDER = "name_order"
DATE_FORMAT = "date_format"
THEME = "theme"
LAST_DATABASE = "last_database"
KEYS = (DEFAULT_COUNTRY, NAME_ORDER, DATE_FORMAT, THEME, LAST_DATABASE)


def system_date_style() -> DateStyle:
    """The style of this computer's locale; ISO where it has none (the C locale)."""
    locale = QLocale.system()
    if locale.language() == QLocale.Language.C:
        return style_of(DateFormat.ISO)
    short = QLocale.FormatType.ShortFormat
    return system_style(locale.dateFormat(short), locale.timeFormat(short))


class Preferences(QObject):
    """`settings` defaults to the user's own (QSettings for the application's organisation and
    name); tests give one over a file of their own."""

    changed = Signal(str)  # the key: DEFAULT_COUNTRY, NAME_ORDER, DATE_FORMAT, THEME...

    def __init__(self, settings: QSettings | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings()
        if settings is not None and settings.parent() is None:
            settings.setParent(self)

    # --- reading and writing ------------------------------------------------------------------

    def _text(self, key: str) -> str | None:
        value = self.settings.value(key)
        return value if isinstance(value, str) else None

    def _store(self, key: str, value: str) -> None:
        if self._text(key) == value:
            return
        self.settings.setValue(key, value)
        self.settings.sync()  # a crash a minute later must not forget the choice
        self.changed.emit(key)

    # --- the preferences ----------------------------------------------------------------------

    @property
    def default_country(self) -> str:
        """The two-letter region phone numbers typed without a + are read in."""
        stored = (self._text(DEFAULT_COUNTRY) or "").upper()
        return stored if stored in phonenumbers.SUPPORTED_REGIONS else system_country()

    @default_country.setter
    def default_country(self, region: str) -> None:
        region = region.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"{region!r} is not a country phone numbers are known for")
        self._store(DEFAULT_COUNTRY, region)

    @property
    def name_order(self) -> NameOrder:
        return _member(NameOrder, self._text(NAME_ORDER), NameOrder.GIVEN_FIRST)

    @name_order.setter
    def name_order(self, order: NameOrder | str) -> None:
        self._store(NAME_ORDER, NameOrder(order).value)

    @property
    def date_format(self) -> DateFormat:
        return _member(DateFormat, self._text(DATE_FORMAT), DateFormat.SYSTEM)

    @date_format.setter
    def date_format(self, fmt: DateFormat | str) -> None:
        self._store(DATE_FORMAT, DateFormat(fmt).value)

    @property
    def theme(self) -> Theme:
        return _member(Theme, self._text(THEME), Theme.SYSTEM)

    @theme.setter
    def theme(self, theme: Theme | str) -> None:
        self._store(THEME, Theme(theme).value)

    @property
    def last_database(self) -> Path | None:
        """The database the user last opened or made from the window, to open next time."""
        text = self._text(LAST_DATABASE)
        return Path(text) if text else None

    @last_database.setter
    def last_database(self, path: Path | str | None) -> None:
        self._store(LAST_DATABASE, str(Path(path).absolute()) if path else "")

    def date_style(self) -> DateStyle:
        """The patterns views format dates with ("system" worked out from the locale)."""
        return style_of(self.date_format, system_date_style())


E = TypeVar("E", NameOrder, DateFormat, Theme)


def _member(kind: type[E], text: str | None, default: E) -> E:
    try:
        return kind(text) if text is not None else default
    except ValueError:
        return default
