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
