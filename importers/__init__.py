"""File formats (vCard, CSV, iCalendar): pure readers and writers, no Qt, no database."""
