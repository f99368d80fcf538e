"""The Settings window: General (country for phone numbers, name order, date format),
Appearance (theme) and Data File (back up, restore, open another, new).

Every choice takes effect at once (there is nothing to apply or cancel): it is stored in the
Preferences, whose `changed` signal the open views and the theme follow."""

from __future__ import annotations

from datetime import datetime

import phonenumbers
from phonenumbers import PhoneNumberFormat
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.registry import Services
from ui.contacts.checks import territory_name
from ui.contacts.form_bits import combo_line
from ui.settings.data_file import DataFilePage, FilePicker, NativeFilePicker
from ui.settings.formatting import (
    DateFormat,
    NameOrder,
    example,
    format_date,
    person_name,
    style_of,
)
from ui.settings.preferences import THEME, Preferences, system_date_style
from ui.tasks import ReadPool, Writer
from ui.theme import THEME_NAMES, Theme, system_is_dark

NATIONAL = PhoneNumberFormat.NATIONAL
PAGES = ("General", "Appearance", "Data File")
DATE_NAMES = {
    DateFormat.SYSTEM: "As this computer shows dates",
    DateFormat.ISO: "Year first (ISO)",
    DateFormat.DAY_MONTH_YEAR: "Day first",
    DateFormat.MONTH_DAY_YEAR: "Month first",
    DateFormat.LONG: "Day, month name, year",
}


def countries() -> list[tuple[str, str]]:
    """(name, two-letter code) of every country phone numbers are known for, by name."""
    named = [(territory_name(code), code) for code in phonenumbers.SUPPORTED_REGIONS]
    return sorted(named, key=lambda item: item[0].casefold())


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("settingsNote")
    label.setWordWrap(True)
    return label


class CountryBox(QComboBox):
    """Every country by name; typing finds one by any part of its name."""

    chosen = Signal(str)  # the two-letter code

    def __init__(self, region: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("countryBox")
        combo_line(self)
        for name, code in countries():
            self.addItem(name, code)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setMaxVisibleItems(16)
        self.set_region(region)
        self.activated.connect(self._on_activated)
        completer.activated.connect(self._on_name)
        line = self.lineEdit()
        assert line is not None
        line.editingFinished.connect(lambda: self._on_name(line.text()))

    def region(self) -> str:
        return str(self.currentData())

    def set_region(self, region: str) -> None:
        at = self.findData(region)
        if at >= 0:
            self.setCurrentIndex(at)

    def _on_activated(self, index: int) -> None:
        if index >= 0:
            self.chosen.emit(str(self.itemData(index)))

    def _on_name(self, text: str) -> None:
        at = self.findText(text.strip(), Qt.MatchFlag.MatchFixedString)
        if at >= 0:
            self.setCurrentIndex(at)
            self.chosen.emit(str(self.itemData(at)))
        else:  # not a country: show the one in use again rather than a half-typed name
            self.setEditText(self.itemText(self.currentIndex()))


class SettingsDialog(QDialog):
    """Emits open_database(Path) / new_database(Path) when the user picks another data file;
    whoever owns the window's services reopens them (the dialog closes first)."""

    open_database = Signal(object)  # Path
    new_database = Signal(object)  # Path

    def __init__(self, prefs: Preferences, services: Services, reads: ReadPool,
                 writer: Writer, parent: QWidget | None = None, *,
                 files: FilePicker | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.prefs = prefs
        self.pages = QListWidget()
        self.pages.setObjectName("settingsPages")
        self.pages.addItems(list(PAGES))
        widest = max(self.pages.fontMetrics().horizontalAdvance(p) for p in PAGES)
        self.pages.setFixedWidth(widest + 48)  # the style sheet's padding, and some air
        self.pages.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._general_page())
        self.stack.addWidget(self._appearance_page())
        self.data_page = DataFilePage(services, reads, writer,
                                      files=files or NativeFilePicker(),
                                      date_style=prefs.date_style())
        self.data_page.open_database.connect(self._leave_for(self.open_database))
        self.data_page.new_database.connect(self._leave_for(self.new_database))
        self.stack.addWidget(self._framed(self.data_page))
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages.setCurrentRow(0)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 16, 12)
        right.addWidget(self.stack, 1)
        right.addWidget(close)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.pages)
        layout.addLayout(right, 1)
        # Ctrl+PgDown / Ctrl+PgUp walk the pages, as in a tabbed window.
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self._step(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self._step(-1))
        prefs.changed.connect(self._on_pref_changed)
        hints = QGuiApplication.styleHints()
        if hints is not None:
            # A method, not a lambda: the connection ends with the dialog.
            hints.colorSchemeChanged.connect(self._name_system_theme)
        self.data_page.busy_changed.connect(lambda busy: self.close_button.setEnabled(not busy))
        # Tab runs down the chosen page, then to Close; the page list comes first.
        self.setTabOrder(self.pages, self.country)
        self.setMinimumWidth(560)  # the Data File page's buttons side by side
        self.resize(640, 420)

    # --- pages -------------------------------------------------------------------------------

    @staticmethod
    def _framed(page: QWidget) -> QWidget:
        """The page with its margins, scrolling when the window is too small to show it
        whole (rather than squeezing its lines over each other)."""
        frame = QWidget()
        frame.setObjectName("settingsPage")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(20, 18, 4, 12)
        layout.addWidget(page)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(frame)
        # The dialog's own background shows through, in either theme.
        frame.setAutoFillBackground(False)
        scroll.viewport().setAutoFillBackground(False)
        return scroll

    def _general_page(self) -> QWidget:
        prefs = self.prefs
        self.country = CountryBox(prefs.default_country)
        self.country.chosen.connect(self._on_country)
        self.country_note = _note()
        self.name_order = QComboBox()
        self.name_order.setObjectName("nameOrder")
        for order in NameOrder:
            shown = person_name("Ada", "Lovelace", order)
            how = "given name first" if order == NameOrder.GIVEN_FIRST else "family name first"
            self.name_order.addItem(f"{shown} ({how})", order.value)
        self.name_order.setCurrentIndex(self.name_order.findData(prefs.name_order.value))
        self.name_order.currentIndexChanged.connect(
            lambda i: setattr(prefs, "name_order", self.name_order.itemData(i)))
        self.date_format = QComboBox()
        self.date_format.setObjectName("dateFormat")
        self._fill_date_formats()
        self.date_format.currentIndexChanged.connect(
            lambda i: setattr(prefs, "date_format", self.date_format.itemData(i)))
        self.date_example = _note()
        self.date_example.setObjectName("dateExample")

        # Captions above their fields: one column that reads the same at any width.
        column = QVBoxLayout()
        column.setSpacing(4)
        for caption, field, note in (
                ("&Country for phone numbers", self.country, self.country_note),
                ("&Names", self.name_order, _note("How lists and records show people's names.")),
                ("&Dates", self.date_format, self.date_example)):
            label = QLabel(caption)
            label.setBuddy(field)
            if column.count():
                column.addSpacing(14)
            column.addWidget(label)
            column.addWidget(field)
            column.addWidget(note)
        column.addStretch(1)
        page = QWidget()
        page.setLayout(column)
        self._show_country()
        self._show_date_example()
        # The example says "Today 10:40": keep it right past midnight.
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._show_date_example)
        self._clock.start()
        return self._framed(page)

    def _fill_date_formats(self) -> None:
        today = datetime.now().date()
        system = system_date_style()
        self.date_format.blockSignals(True)
        self.date_format.clear()
        for fmt in DateFormat:
            shown = format_date(today, style_of(fmt, system))
            self.date_format.addItem(f"{shown}  —  {DATE_NAMES[fmt]}", fmt.value)
        self.date_format.setCurrentIndex(self.date_format.findData(self.prefs.date_format.value))
        self.date_format.blockSignals(False)

    def _appearance_page(self) -> QWidget:
        self.theme_buttons = QButtonGroup(self)
        column = QVBoxLayout()
        column.setSpacing(8)
        column.addWidget(QLabel("Theme"))
        self._theme_radio: dict[Theme, QRadioButton] = {}
        for theme in Theme:
            radio = QRadioButton(THEME_NAMES[theme])
            radio.setObjectName(f"theme_{theme.value}")
            self.theme_buttons.addButton(radio)
            self._theme_radio[theme] = radio
            radio.toggled.connect(lambda on, t=theme: self._on_theme(t) if on else None)
            column.addWidget(radio)
        self._name_system_theme()
        self._theme_radio[self.prefs.theme].setChecked(True)
        column.addWidget(_note("Every window changes at once. Following the system, Rolodeck "
                               "turns light or dark when the desktop does."))
        column.addStretch(1)
        page = QWidget()
        page.setLayout(column)
        return self._framed(page)

    def _on_theme(self, theme: Theme) -> None:
        self.prefs.theme = theme

    def _name_system_theme(self, _scheme: Qt.ColorScheme | None = None) -> None:
        # Only while following: a chosen theme is also what the platform is then told, so
        # the desktop's own scheme cannot be read.
        name = THEME_NAMES[Theme.SYSTEM]
        if self.prefs.theme == Theme.SYSTEM:
            name += f" (now {'dark' if system_is_dark() else 'light'})"
        self._theme_radio[Theme.SYSTEM].setText(name)

    # --- following the preferences ------------------------------------------------------------

    def _on_country(self, region: str) -> None:
        self.prefs.default_country = region
        self._show_country()

    def _show_country(self) -> None:
        region = self.prefs.default_country
        sample = phonenumbers.example_number(region)
        code = phonenumbers.country_code_for_region(region)
        like = (f", like {phonenumbers.format_number(sample, NATIONAL)}," if sample is not None
                else "")
        self.country_note.setText(f"Numbers typed without + and a country code{like} are "
                                  f"read with +{code} ({territory_name(region)}).")

    def _show_date_example(self) -> None:
        self.date_example.setText(example(self.prefs.date_style(), datetime.now()))

    def _on_pref_changed(self, key: str) -> None:
        if key == THEME:
            radio = self._theme_radio[self.prefs.theme]
            if not radio.isChecked():
                radio.setChecked(True)
            self._name_system_theme()
        self.country.set_region(self.prefs.default_country)
        self._show_country()
        order = self.name_order.findData(self.prefs.name_order.value)
        if order != self.name_order.currentIndex():
            self.name_order.setCurrentIndex(order)
        fmt = self.date_format.findData(self.prefs.date_format.value)
        if fmt != self.date_format.currentIndex():
            self.date_format.setCurrentIndex(fmt)
        self.data_page.date_style = self.prefs.date_style()
        self._show_date_example()

    # --- closing -----------------------------------------------------------------------------

    def _step(self, by: int) -> None:
        self.pages.setCurrentRow((self.pages.currentRow() + by) % self.pages.count())

    def show_page(self, name: str) -> None:
        self.pages.setCurrentRow(PAGES.index(name))

    def _leave_for(self, signal):
        def leave(path) -> None:
            # The services this dialog holds are about to be replaced: it closes first.
            self.accept()
            signal.emit(path)
        return leave

    def reject(self) -> None:
        if self.data_page.busy:  # a restore half done must report how it ended
            self.data_page.say("Wait a moment: Rolodeck is still working on the file.")
            return
        super().reject()

