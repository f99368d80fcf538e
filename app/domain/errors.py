"""Typed errors. Everything here carries a message a user can act on."""


class RolodeckError(Exception):
    """Base for errors whose message is meant for the user, not a traceback."""


class NotFoundError(RolodeckError):
    pass


class ValidationError(RolodeckError):
    pass


class AmbiguousError(RolodeckError):
    """A name given on the command line matches more than one record."""


class StorageError(RolodeckError):
    """The database file cannot do what was asked; nothing was changed."""


class ReadOnlyDatabaseError(StorageError):
    pass


class DiskFullError(StorageError):
    pass


class DatabaseLockedError(StorageError):
    pass


class NewerDatabaseError(StorageError):
    """The file was written by a newer Rolodeck; we refuse to touch it."""


class MigrationError(StorageError):
    pass


class CorruptDatabaseError(StorageError):
    pass


class MissingDatabaseError(StorageError):
    """There is no database where one was expected, and none was created."""


class ConstraintError(RolodeckError):
    """A change would break a rule the data keeps (a link to a record that does not exist)."""


class DuplicateError(ConstraintError):
    """A change would give two records the same unique value (a UID, a quote number)."""
