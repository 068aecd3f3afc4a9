"""`yuanqu import KIND FILE [--dry-run] [--user U]`: import a file of one of the kinds the apps register.

The report (notes, skipped rows, every problem) goes to stdout and stderr, progress to stderr, and the
last line is the one-line summary; a file with any problem writes nothing and exits non-zero.
"""

from pathlib import Path

from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.access import can_edit
from yuanqu.core.importing.pipeline import NOT_ALLOWED, run_import
from yuanqu.core.importing.registry import get_importer, import_kinds
from yuanqu.core.management.users import user_option
from yuanqu.core.progress import summary


class Command(BaseCommand):
    # Only the checks of the models, which an import writes: the others import the whole site (its URL conf,
    # every view, form and admin), none of which an import uses, for 0.4 s of every import on the development
    # machine. `yuanqu check`, `init` and `serve` still run them all.
    requires_system_checks = [Tags.models]
    help = (
        "导入一个文件，KIND 为下列种类之一 / import a file of one KIND listed below "
        "(xlsx, csv; parcels also gpkg, shp, zip, geojson)"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(import_kinds()), help="what the file holds")
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
        parser.add_argument("--user", help="import as this user: only that user's zones may be touched")
        parser.add_argument("--srid", type=int, help="parcels: EPSG code of a GIS file that does not declare its CRS")
        parser.add_argument("--encoding", help="parcels: text encoding of a shapefile's attributes (default: detect)")
        parser.add_argument("--zone", help="parcels: zone code or name for every row, when the file has no zone column")

    def handle(self, *args, kind, file, dry_run, user, srid, encoding, zone, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file} / no such file: {file}")
        acting_user = user_option(user)
        if acting_user is not None and not can_edit(acting_user):
            raise CommandError(f"{acting_user.username}：{NOT_ALLOWED[0]} / {NOT_ALLOWED[1]}")
        importer = get_importer(kind)
        options = {k: v for k, v in (("srid", srid), ("encoding", encoding), ("zone", zone)) if v is not None}
        if options:
            if kind != "parcels":
                raise CommandError(
                    "--srid、--encoding、--zone 只用于地块 / --srid, --encoding and --zone are for parcels"
                )
            importer.configure(**options)
        report = run_import(
            importer,
            path,
            filename=path.name,
            user=acting_user,
            dry_run=dry_run,
            progress_stream=self.stderr._out,
        )
        for line in report.lines()[:-1]:
            (self.stderr if line.startswith("问题") else self.stdout).write(line)
        if not report.ok:
            raise CommandError(report.summary())
        summary(report.summary(), stream=self.stdout)
