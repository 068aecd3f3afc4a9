"""`yuanqu template KIND FILE`: write the empty xlsx import template of a kind (Chinese headers with units)."""

from django.core.management.base import BaseCommand

from yuanqu.core.importing.pipeline import template_columns
from yuanqu.core.importing.registry import get_importer, import_kinds
from yuanqu.core.importing.tabular import write_template
from yuanqu.core.management.users import output_option


class Command(BaseCommand):
    help = "写出下列种类之一的导入模板 / write the xlsx import template of one KIND below"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(import_kinds()))
        parser.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, kind, file, **options):
        path = output_option(file, ".xlsx")
        importer = get_importer(kind)
        write_template(path, template_columns(importer), title=importer.template_title)
        self.stdout.write(f"已写出模板 {path.name} / template written to {path.name}")
