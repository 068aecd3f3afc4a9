"""The map's models moved from the land app to the maps app keeping their rows, and the base maps' change history
follows them: the land app's last state is built again, a base map stored in it, and the migrations run forward."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yuanqu.core.models import ChangeLogEntry
from yuanqu.maps.models import BaseMap

BEFORE = [("land", "0008_enterpriseland"), ("maps", None)]


@pytest.mark.django_db(transaction=True)
def test_a_base_map_stored_by_the_land_app_is_the_maps_apps_with_its_history():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    old = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
    assert ("maps", "0001_initial") not in executor.loader.applied_migrations
    OldBaseMap = old.get_model("land", "BaseMap")
    assert OldBaseMap._meta.db_table == "land_basemap"
    stored = OldBaseMap.objects.create(name="内网底图", url="/tiles/{z}/{x}/{y}.png", active=True)
    OldContentType = old.get_model("contenttypes", "ContentType")
    old_type, _created = OldContentType.objects.get_or_create(app_label="land", model="basemap")
    old.get_model("core", "ChangeLogEntry").objects.create(
        content_type_id=old_type.pk, object_id=str(stored.pk), object_repr="内网底图", action="create", source="cli"
    )

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    ContentType.objects.clear_cache()
    moved = BaseMap.objects.get(pk=stored.pk)
    assert (moved.name, moved.url, moved.active) == ("内网底图", "/tiles/{z}/{x}/{y}.png", True)
    content_type = ContentType.objects.get_for_model(BaseMap)
    assert (content_type.pk, content_type.app_label) == (old_type.pk, "maps")
    assert not ContentType.objects.filter(app_label="land", model="basemap").exists()
    entry = ChangeLogEntry.objects.get(object_repr="内网底图")
    assert (entry.content_type_id, entry.object_id) == (content_type.pk, str(moved.pk))
