"""Query helpers every app shares."""

from __future__ import annotations

import io
import json

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, connections

IDS_INLINE_MAX = 500
"""Up to this many ids go into ``IN (…)`` as parameters; more travel as one array (JSON on SQLite)."""


def filter_by_ids(queryset, ids: list[int], field: str = "pk"):
    """The queryset narrowed to these primary keys (or values of another integer ``field`` of the model, e.g.
    ``enterprise_id``), however many: SQLite and PostgreSQL limit the parameters of one statement (32,766 and
    65,535), so a long list is passed as a single array parameter."""
    if len(ids) <= IDS_INLINE_MAX:
        return queryset.filter(**{f"{field}__in": ids})
    meta = queryset.model._meta
    column = f'"{meta.db_table}"."{(meta.pk if field == "pk" else meta.get_field(field)).column}"'
    vendor = connection.vendor
    if vendor == "sqlite":
        return queryset.extra(where=[f"{column} IN (SELECT value FROM json_each(%s))"], params=[json.dumps(ids)])
    if vendor == "postgresql":
        return queryset.extra(where=[f"{column} = ANY(%s)"], params=[list(ids)])
    return queryset.filter(**{f"{field}__in": ids})


def chunks(ids, size: int | None = None):
    """The ids in lists of at most ``size`` (IDS_INLINE_MAX), for lookups that must not hit the parameter limit."""
    ids, size = list(ids), size or IDS_INLINE_MAX
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def raw_rows(values) -> list[tuple]:
    """The rows of a values_list queryset as the database driver gives them, without Django's per-value converters
    (which cost as much as the query over 100,000 rows): for columns of ids, texts and numbers cast to floats, which
    both SQLite and PostgreSQL give as Python ints, strs and floats. A date or a decimal is given as the driver has
    it (ISO text or a date, a float or a Decimal), so cast those in the query."""
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:  # e.g. ``pk__in=[]``: Django knows there is nothing to read
        return []
    with connections[values.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def raw_frame(values, schema: dict):
    """The rows of a values_list queryset as a Polars frame with ``schema`` (the columns in the order of the
    values; ids, texts, floats, dates, booleans), read without a Python object per value: on PostgreSQL the
    database writes the rows as CSV (``COPY (…) TO STDOUT``) and Polars parses it, faster than fetching tuples
    and building the frame from them (a province's 300,000 parcels, 20 columns: 2.2–2.5 s → 1.5 s, most of it the
    query itself); elsewhere from :func:`raw_rows`. As with raw_rows, cast decimals to floats in the query."""
    import polars as pl

    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:
        return pl.DataFrame(schema=schema)
    database = connections[values.db]
    if database.vendor != "postgresql":
        return pl.DataFrame(raw_rows(values), schema=schema, orient="row")
    from psycopg import ClientCursor

    database.ensure_connection()
    query = ClientCursor(database.connection).mogrify(sql, params)  # COPY takes no bound parameters
    buffer = io.BytesIO()
    with database.cursor() as cursor, cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return pl.DataFrame(schema=schema)
    # PostgreSQL writes a null as nothing and an empty text as "", as Polars reads them; booleans as t and f.
    flags = [name for name, dtype in schema.items() if dtype == pl.Boolean]
    read = {name: (pl.String if name in flags else dtype) for name, dtype in schema.items()}
    buffer.seek(0)
    frame = pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=read)
    return frame.with_columns(pl.col(name) == "t" for name in flags) if flags else frame


def keep_statistics(model, added: int) -> bool:
    """Refresh the query planner's statistics of the model's table after ``added`` rows went into it, when the
    table has changed by more rows than the statistics know of since they were taken (never taken, taken while it
    was empty, or before it doubled); whether they were refreshed.

    Rows a page stores as it goes (the map's worked-out parcel rows) arrive in bursts that autovacuum sees late,
    if at all: until then PostgreSQL plans a join with the table as if it held one row, and a tile of 1,580
    parcels joined to 5,000 stored rows by a nested loop took 1.1 s instead of 7 ms. Refreshing at each doubling
    samples the table a handful of times over its life. Skipped while another session refreshes it."""
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.reltuples, coalesce(s.n_mod_since_analyze, 0) FROM pg_class c "
                "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
                [quote(table)],
            )
            known, changed = cursor.fetchone()
            if changed + added <= max(known, 0):
                return False
            cursor.execute(f"ANALYZE (SKIP_LOCKED) {quote(table)}")
            return True
        if connection.vendor == "sqlite":
            try:
                cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
                found = cursor.fetchone()
            except DatabaseError:  # no statistics of any table yet
                found = None
            known = int(found[0].split()[0]) if found and found[0] else 0
            cursor.execute(f"SELECT max(rowid) FROM {quote(table)}")  # rows ever numbered: at least those there
            numbered = cursor.fetchone()[0] or 0
            if numbered <= 2 * known:
                return False
            cursor.execute(f"ANALYZE {quote(table)}")
            return True
    return False
