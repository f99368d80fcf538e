"""vCard 3.0 and 4.0: the writer (this slice of issue 8); the reader comes with the import."""

from importers.vcard.writer import VCardVersion, card, vcard_text, write_vcards

__all__ = ["VCardVersion", "card", "vcard_text", "write_vcards"]
