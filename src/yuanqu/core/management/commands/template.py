"""`yuanqu template KIND FILE`: write the empty xlsx import template of a kind (Chinese headers with units)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yuanqu.core.importing.pipeline import template_columns
from yuanqu.core.importing.registry import IMPORTERS, get_importer
from yuanqu.core.importing.tabular import write_template


class Command(BaseCommand):
    help = "写出导入模板 / write the xlsx import template of zones, parcels, enterprises or enterprise years"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, kind, file, **options):
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"模板是 .xlsx 文件：{file} / a template is an .xlsx file: {file}")
        if not path.parent.is_dir():
            raise CommandError(f"目录不存在：{path.parent} / no such directory: {path.parent}")
        importer = get_importer(kind)
        write_template(path, template_columns(importer), title=importer.template_title)
        self.stdout.write(f"已写出模板 {path.name} / template written to {path.name}")
