"""The targets moved from the projects app keep their rows, and their change-log entries follow the content type."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yuanqu.core.models import ChangeLogEntry
from yuanqu.targets.models import Target

BEFORE_THE_MOVE = [("projects", "0006_screening")]


@pytest.mark.django_db(transaction=True)  # migrations on SQLite cannot run inside the test's transaction
def test_target_rows_and_their_history_move_to_the_targets_app():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    try:
        old = executor.loader.project_state([*BEFORE_THE_MOVE, *executor.loader.graph.leaf_nodes("core")]).apps
        zone = old.get_model("zones", "Zone").objects.create(name="迁移园区", code="M001")
        target = old.get_model("projects", "Target").objects.create(
            zone_id=zone.pk, year=2026, indicator="started_count", value=Decimal("25")
        )
        target_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="projects", model="target"
        )[0]
        old.get_model("core", "ChangeLogEntry").objects.create(
            source="cli",
            action="create",
            content_type_id=target_type.pk,
            object_id=str(target.pk),
            object_repr="迁移目标",
        )
    finally:
        # A fresh loader sees the migrations unapplied above; the database is whole again even if the test fails.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    ContentType.objects.clear_cache()
    moved = Target.objects.get(pk=target.pk)
    assert (moved.zone_id, moved.year, moved.indicator, moved.value) == (zone.pk, 2026, "started_count", Decimal(25))
    entry = ChangeLogEntry.objects.get(object_repr="迁移目标")
    assert (entry.content_type.app_label, entry.content_type.model) == ("targets", "target")
    assert ContentType.objects.get_for_model(Target).pk == target_type.pk
    assert not ContentType.objects.filter(app_label="projects", model="target").exists()


@pytest.mark.django_db(transaction=True)
def test_targets_set_before_letters_become_lines_of_their_zones_letters():
    before = [("targets", "0002_letters_and_tasks")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        zone = old.get_model("zones", "Zone").objects.create(name="责任状园区", code="L001")
        Old = old.get_model("targets", "Target")
        for year, indicator in ((2025, "started_count"), (2026, "started_count"), (2026, "signed_count")):
            Old.objects.create(zone_id=zone.pk, year=year, indicator=indicator, value=Decimal(5))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    lines = Target.objects.filter(zone_id=zone.pk).select_related("letter").order_by("year", "indicator")
    assert [(line.year, line.letter.year, line.letter.zone_id) for line in lines] == [
        (2025, 2025, zone.pk),
        (2026, 2026, zone.pk),
        (2026, 2026, zone.pk),
    ]
    assert lines[1].letter_id == lines[2].letter_id != lines[0].letter_id
