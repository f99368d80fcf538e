"""LDIF (RFC 2849): the reader (Thunderbird's address books and LDAP directories' exports,
streamed) and the writer (Thunderbird's layout). The reader yields the vCard reader's types,
so the import pipeline takes both alike."""

from importers.ldif.dn import uid_of
from importers.ldif.reader import read_ldif
from importers.ldif.writer import MailingList, ldif_records, ldif_text, list_text, write_ldif

__all__ = ["MailingList", "ldif_records", "ldif_text", "list_text", "read_ldif", "uid_of",
           "write_ldif"]
