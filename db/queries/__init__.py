"""Read-side queries: lists, summaries, search and agenda candidates."""
