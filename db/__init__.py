"""Persistence: SQLAlchemy models, the engine, repositories, queries and migrations.

Everything that only SQLite has (FTS5, PRAGMAs, the online backup API) stays in this package, so
`app/` and `ui/` never know which engine runs underneath.
"""
