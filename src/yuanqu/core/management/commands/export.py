"""`yuanqu export KIND FILE [--user U] [--zone CODE]`: one of the kinds the apps register, to xlsx
(parcels also GeoPackage or GeoJSON), restricted to what the user may see when run for a user."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.exporting import ExportError, export, export_kinds, suffix_of
from yuanqu.core.management.users import user_option, zone_ids_option
from yuanqu.core.progress import summary


class Command(BaseCommand):
    help = "导出下列种类之一 / export one KIND below to .xlsx (parcels also .gpkg, .geojson)"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(export_kinds()))
        parser.add_argument("file", help="target file: .xlsx, or .gpkg/.geojson for parcels")
        parser.add_argument("--user", help="export what this user may see, and nothing else")
        parser.add_argument(
            "--zone", action="append", default=[], help="only this zone (code or name), with its sub-parks; repeatable"
        )

    def handle(self, *args, kind, file, user, zone, **options):
        acting_user = user_option(user)
        zone_ids = zone_ids_option(zone, acting_user)
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f"目录不存在：{path.parent} / no such directory: {path.parent}")
        try:
            count = export(
                kind,
                path,
                suffix=suffix_of(path),
                user=acting_user,
                zone_ids=zone_ids,
                progress_stream=self.stderr._out,
            )
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        summary(f"已导出 {count} 行到 {path.name} / exported {count} rows to {path.name}", stream=self.stdout)
