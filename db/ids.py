"""Ids for bulk inserts, reserved up front so child rows can name their parents without
reading anything back, by a method each backend makes safe."""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select, text


def reserve(conn: Connection, table: Table, count: int) -> list[int]:
    """`count` ids no record has or ever had. SQLite: the writer holds the database from
    BEGIN IMMEDIATE, so the ids above both the highest stored and the highest ever handed out
    (AUTOINCREMENT's sqlite_sequence) are ours; inserting them moves sqlite_sequence on.
    PostgreSQL: the table's own sequence, which never hands a number out twice."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        return list(conn.execute(text(
            "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": count}).scalars())
    highest = conn.execute(select(func.max(table.c.id))).scalar() or 0
    if table.dialect_kwargs.get("sqlite_autoincrement"):
        ever = conn.exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)).scalar()
        highest = max(highest, ever or 0)
    return list(range(highest + 1, highest + 1 + count))


def runs(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted ids as (first, last) runs of consecutive ids: a bulk insert is one run."""
    out: list[tuple[int, int]] = []
    for i in ids:
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out
