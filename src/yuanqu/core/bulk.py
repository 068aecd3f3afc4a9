"""Writing many rows at once: on PostgreSQL with ``COPY … FROM STDIN``, elsewhere with one prepared statement.

Django's ``bulk_create`` composes one INSERT statement per batch, quoting every value in Python: with thirty
columns and a polygon per row that costs the demo's province half a millisecond a parcel, most of it building the
statement. COPY streams the values instead (psycopg writes each with its own adapter), several times faster for
the bulk writes of the demo and of the per-mu run's results. Nothing here logs changes: the callers do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

COPY_BATCH = 10_000


def copy_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence], *, json_columns: Iterable[str] = ()
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``.

    ``json_columns`` hold JSON text: on PostgreSQL COPY hands it to the server as the column's input, elsewhere it
    is stored as the text it is (SQLite keeps JSON as text)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # On the driver's cursor: its errors made Django's (IntegrityError, ...), as an INSERT's would be.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        markers = ", ".join("%s" for _column in columns)
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({markers})"
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) == COPY_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def insert_objects(objects: Sequence[models.Model]) -> None:
    """Insert unsaved model instances of one model, as ``bulk_create`` does (each gets its primary key, related
    objects saved earlier give their ids), but by COPY on PostgreSQL. Other databases, and models whose primary
    key the database does not number or that inherit from another model, go through ``bulk_create``."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    if connection.vendor != "postgresql" or meta.parents or not isinstance(meta.pk, models.AutoField):
        model.objects.bulk_create(objects, batch_size=COPY_BATCH)
        return
    for obj in objects:
        obj._prepare_related_fields_for_save(operation_name="insert_objects")
    missing = [obj for obj in objects if obj.pk is None]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(meta.db_table), meta.pk.column, len(missing)],
            )
            for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                obj.pk = pk
    fields = meta.concrete_fields

    def rows():
        for obj in objects:
            yield [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]

    copy_rows(meta.db_table, [field.column for field in fields], rows())
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
