"""CSV address books in and out: `read_csv` (encoding and delimiter found from the bytes,
known exports recognised by their header, any other file through a `ColumnMapping`) and
`write_csv` (Google, Outlook and Rolodeck layouts, guarded against spreadsheet formulas)."""

from importers.csv.presets import PRESETS, Preset
from importers.csv.reader import CsvImport, Parsed, ParsedContact, Problem, read_csv
from importers.csv.suggest import suggest_mapping
from importers.csv.targets import (
    TARGET_CHOICES,
    ColumnMapping,
    describe_target,
    parse_target,
    signature,
)
from importers.csv.values import neutralise, restore
from importers.csv.writer import LAYOUTS, Layout, write_csv

__all__ = [
    "LAYOUTS", "PRESETS", "TARGET_CHOICES", "ColumnMapping", "CsvImport", "Layout", "Parsed",
    "ParsedContact", "Preset", "Problem", "describe_target", "neutralise", "parse_target",
    "read_csv", "restore", "signature", "suggest_mapping", "write_csv",
]
