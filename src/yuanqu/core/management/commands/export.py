"""`yuanqu export KIND FILE`: write zones, parcels, enterprises or enterprise years to xlsx (parcels also gpkg, geojson)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.exporting import EXPORTERS, ExportError, export, suffix_of
from yuanqu.core.management.users import user_option, zone_ids_option
from yuanqu.core.progress import Progress


class Command(BaseCommand):
    help = "导出 / export zones, parcels, enterprises or enterprise years to .xlsx (parcels also .gpkg, .geojson)"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(EXPORTERS))
        parser.add_argument("file", help="target file: .xlsx, or .gpkg/.geojson for parcels")
        parser.add_argument("--user", help="export what this user may see, and nothing else")
        parser.add_argument("--zone", action="append", default=[], help="only this zone (code or name), with its sub-parks; repeatable")

    def handle(self, *args, kind, file, user, zone, **options):
        acting_user = user_option(user)
        zone_ids = zone_ids_option(zone, acting_user)
        path = Path(file)
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent} / no such directory: {path.parent}")
        try:
            with Progress(f"导出 {kind} / exporting {kind}", total=None) as progress:
                count = export(kind, path, suffix=suffix_of(path), user=acting_user, zone_ids=zone_ids, progress=progress)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已导出 {count} 行到 {path.name} / exported {count} rows to {path.name}")
