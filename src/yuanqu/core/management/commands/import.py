"""`yuanqu import KIND FILE [--dry-run]`: import zones, parcels, enterprises or enterprise years."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.importing.pipeline import run_import
from yuanqu.core.importing.registry import IMPORTERS, get_importer
from yuanqu.core.management.users import user_option


class Command(BaseCommand):
    help = "导入园区、地块、企业或企业年度数据 / import zones, parcels, enterprises or enterprise years (xlsx, csv; parcels also gpkg, shp, zip, geojson)"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="what the file holds")
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
        parser.add_argument("--user", help="import as this user: only that user's zones may be touched")
        parser.add_argument("--srid", type=int, help="EPSG code of a spatial file that does not declare its CRS")
        parser.add_argument("--encoding", help="text encoding of a shapefile's attributes (default: detect UTF-8/GBK)")

    def handle(self, *args, kind, file, dry_run, user, srid, encoding, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{file} / no such file: {file}")
        acting_user = user_option(user)
        importer = get_importer(kind)
        if srid is not None or encoding is not None:
            importer.configure(srid=srid, encoding=encoding)
        report = run_import(importer, path, filename=path.name, user=acting_user, dry_run=dry_run)
        for line in report.lines()[:-1]:
            (self.stderr if line.startswith("问题") else self.stdout).write(line)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
