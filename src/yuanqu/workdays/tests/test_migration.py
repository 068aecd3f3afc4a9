"""The calendar moved from the projects app keeps its rows, and its change-log entries follow its content types."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yuanqu.core.models import ChangeLogEntry
from yuanqu.workdays.models import CalendarDay, CalendarYear

BEFORE_THE_MOVE = [("projects", "0006_screening")]


@pytest.mark.django_db(transaction=True)  # migrations on SQLite cannot run inside the test's transaction
def test_calendar_rows_and_their_history_move_to_the_workdays_app():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    try:
        old = executor.loader.project_state([*BEFORE_THE_MOVE, *executor.loader.graph.leaf_nodes("core")]).apps
        day = old.get_model("projects", "CalendarDay").objects.create(
            date=dt.date(2031, 1, 2), kind="holiday", name="迁移前的假日"
        )
        old.get_model("projects", "CalendarYear").objects.create(year=2031, published=True, source="手工")
        day_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="projects", model="calendarday"
        )[0]
        old.get_model("core", "ChangeLogEntry").objects.create(
            source="cli",
            action="create",
            content_type_id=day_type.pk,
            object_id=str(day.pk),
            object_repr="迁移前的假日",
        )
    finally:
        # A fresh loader sees the migrations unapplied above; the database is whole again even if the test fails.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    ContentType.objects.clear_cache()
    moved = CalendarDay.objects.get(pk=day.pk)
    assert (moved.date, moved.kind, moved.name) == (dt.date(2031, 1, 2), "holiday", "迁移前的假日")
    assert CalendarYear.objects.get(year=2031).source == "手工"
    entry = ChangeLogEntry.objects.get(object_repr="迁移前的假日")
    assert (entry.content_type.app_label, entry.content_type.model) == ("workdays", "calendarday")
    assert ContentType.objects.get_for_model(CalendarDay).pk == day_type.pk
    assert ContentType.objects.get_for_model(CalendarYear).app_label == "workdays"
    assert not ContentType.objects.filter(app_label="projects", model__in=["calendarday", "calendaryear"]).exists()
