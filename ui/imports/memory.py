"""The CSV column choices a user made, kept in QSettings under the header's signature: the
next file with the same column names (next month's export from the same program) comes up
with them chosen."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.services.imports_mapping import (
    ColumnMapping,
    FileInfo,
    mapping_from_text,
    mapping_to_text,
    same_reading,
)

GROUP = "import_columns"


class SavedColumns:
    """`settings` None keeps the choices only as long as this object lives (a dialog with no
    settings to write to must not write to the user's own)."""

    def __init__(self, settings: QSettings | None):
        self._settings = settings
        self._here: dict[str, str] = {}

    def recall(self, signature: str) -> ColumnMapping | None:
        key = f"{GROUP}/{signature}"
        text = self._here.get(key) if self._settings is None else self._settings.value(key)
        return mapping_from_text(text)

    def remember(self, signature: str, mapping: ColumnMapping) -> None:
        key, text = f"{GROUP}/{signature}", mapping_to_text(mapping)
        if self._settings is None:
            self._here[key] = text
            return
        self._settings.setValue(key, text)
        self._settings.sync()

    def forget(self, signature: str) -> None:
        key = f"{GROUP}/{signature}"
        if self._settings is None:
            self._here.pop(key, None)
            return
        self._settings.remove(key)
        self._settings.sync()


class ColumnChoices:
    """Which columns each CSV file of an import is read with: those the user chose in the
    column step; else those remembered for its column names; else its layout's own (a
    known export) — the user may also choose its layout again over a remembered choice.
    Files are named by their path as given (the key of ImportOptions.csv_mappings)."""

    def __init__(self, saved: SavedColumns):
        self.saved = saved
        self.chosen: dict[str, ColumnMapping] = {}
        self._as_layout: set[str] = set()

    def needs_step(self, key: str, info: FileInfo) -> bool:
        """The file is no known export and its columns have not been chosen yet."""
        found = info.csv
        return (found is not None and found.needs_mapping and found.error is None
                and key not in self.chosen)

    def recalled(self, key: str, info: FileInfo) -> ColumnMapping | None:
        """The columns chosen last time for a file with this one's column names."""
        found = info.csv
        if found is None or not found.header or key in self._as_layout:
            return None
        return self.saved.recall(found.signature)

    def for_step(self, key: str, info: FileInfo) -> tuple[ColumnMapping, str]:
        """What the column step starts from, and a note saying where that came from."""
        found = info.csv
        assert found is not None
        if key in self.chosen:
            return self.chosen[key], ""
        recalled = self.recalled(key, info)
        if recalled is not None:
            return recalled, ("These are the columns you chose last time for a file with "
                              "the same column names.")
        note = (f"Rolodeck reads this file as a {found.preset} export; change what you need."
                if found.preset is not None else "")
        return found.suggested or ColumnMapping(), note

    def take(self, key: str, info: FileInfo, mapping: ColumnMapping) -> None:
        found = info.csv
        if (found is not None and found.preset is not None and found.suggested is not None
                and same_reading(mapping, found.suggested)):
            # A known export left as it is reads by its layout, which knows more than its
            # columns do (the values it writes for "nothing", where its header is).
            self.chosen.pop(key, None)
            self._as_layout.add(key)
        else:
            self.chosen[key] = mapping
            self._as_layout.discard(key)

    def drop(self, key: str) -> None:
        self.chosen.pop(key, None)
        self._as_layout.discard(key)

    def for_import(self, key: str, info: FileInfo | None) -> ColumnMapping | None:
        """The mapping to read the file with; None: as its layout says."""
        if key in self.chosen:
            return self.chosen[key]
        return self.recalled(key, info) if info is not None else None

    def status(self, key: str, info: FileInfo) -> str:
        """What the list of files says about the file's columns."""
        if key in self.chosen:
            return " · columns as you chose them"
        if self.needs_step(key, info):
            return " · you choose what its columns hold next"
        if self.recalled(key, info) is not None:
            return " · columns as you chose them last time"
        return ""

    def keep(self, files: dict[str, FileInfo]) -> None:
        """The import goes ahead: remember each file's choice under its column names."""
        for key, info in files.items():
            if info.csv is None or not info.csv.header:
                continue
            if key in self.chosen:
                self.saved.remember(info.csv.signature, self.chosen[key])
            elif key in self._as_layout:
                self.saved.forget(info.csv.signature)
