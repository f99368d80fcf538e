"""vCard: the reader (2.1, 3.0 and 4.0, streamed) and the writer (3.0 and 4.0)."""

from importers.vcard.parsed import Parsed, ParsedCard, ParsedGroup, Problem, Severity
from importers.vcard.reader import read_vcards
from importers.vcard.writer import VCardVersion, card, vcard_text, write_vcards

__all__ = ["Parsed", "ParsedCard", "ParsedGroup", "Problem", "Severity", "VCardVersion", "card",
           "read_vcards", "vcard_text", "write_vcards"]
