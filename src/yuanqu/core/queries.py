"""Query helpers every app shares."""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections

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
