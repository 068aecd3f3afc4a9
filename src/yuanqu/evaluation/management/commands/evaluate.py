"""`yuanqu evaluate mujun --method PRESET_OR_FILE --year YEAR [--zone CODE] [--user NAME] [--out FILE.xlsx]
[--report FILE.docx]`: evaluate one year under a method, store the run, print the grades per group, optionally
write the public list and the summary report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from yuanqu.analytics.mujun import MethodError, load_method, preset_names
from yuanqu.core.changelog import acting
from yuanqu.core.management.users import output_option, user_option, zone_option
from yuanqu.core.progress import Progress, summary
from yuanqu.evaluation.exporting import write_public_list
from yuanqu.evaluation.models import GRADES, EvaluationResult
from yuanqu.evaluation.report import write_report
from yuanqu.evaluation.services import preset_method, run_evaluation, save_method


def _year(text: str) -> int:
    try:
        year = int(text)
    except (TypeError, ValueError):
        year = 0
    if not 1949 <= year <= 2100:
        raise CommandError(f"年度无效：{text!r}，应为 1949–2100 / invalid year: {text!r}, expected 1949–2100")
    return year


def _messages(error: ValidationError) -> str:
    return "\n".join(error.messages)


class Command(BaseCommand):
    help = "亩均效益评价 / per-mu evaluation: `evaluate mujun --method PRESET_OR_FILE --year YEAR`"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        mujun = sub.add_parser("mujun", help="按方法评价一个年度 / evaluate a year under a method")
        mujun.add_argument(
            "--method", required=True, help=f"预置方法或文件 / preset ({', '.join(preset_names())}) or file"
        )
        mujun.add_argument("--year", required=True, help="评价年度 / the year evaluated")
        mujun.add_argument(
            "--zone", help="只评价此园区（代码或名称）/ only this zone (code or name), with its sub-parks"
        )
        mujun.add_argument("--user", help="以此用户身份运行 / run as this user")
        mujun.add_argument("--out", help="公示名单 .xlsx / write the public list to this .xlsx file")
        mujun.add_argument("--report", help="评价报告 .docx / write the summary report to this .docx file")

    def handle(self, *args, action, **options):
        if action == "mujun":
            self.mujun(**options)

    def _method(self, name: str, user):
        if name.removesuffix(".toml") in preset_names():
            return preset_method(name=name, user=user)
        path = Path(name)
        if not path.is_file():
            raise CommandError(
                f"未知的预置方法或文件：{name}（预置：{'、'.join(preset_names())}） / "
                f"unknown preset or file: {name} (presets: {', '.join(preset_names())})"
            )
        try:
            method = load_method(path)
        except MethodError as error:
            raise CommandError(f"评价方法无效 / invalid method\n{error}") from None
        return save_method(name=path.name, text=method.text, format=method.format, user=user)

    def mujun(self, *, method, year, zone, user, out, report=None, **options):
        year = _year(year)
        path = output_option(out, ".xlsx") if out else None
        report_path = output_option(report, ".docx") if report else None
        acting_user = user_option(user)
        zone_ids = [zone_option(zone, acting_user).pk] if zone else None
        try:
            with acting(source="cli", user=acting_user):
                stored = self._method(method, acting_user)
                with Progress("亩均评价 / evaluating", stream=self.stderr._out):
                    run = run_evaluation(method=stored, year=year, user=acting_user, zone_ids=zone_ids)
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        except PermissionDenied as error:
            raise CommandError(f"{error} / permission denied") from None
        results = EvaluationResult.objects.filter(run=run)
        per_group = Counter(results.values_list("group_label", "grade"))
        for label in sorted({label for label, _grade in per_group}):
            parts = [
                f"{grade or '未评等级 / no grade'} {per_group[(label, grade)]}"
                for grade in [*GRADES, ""]
                if per_group[(label, grade)]
            ]
            self.stdout.write(f"{label or '未分组 / no group'}: {'，'.join(parts)}")
        written = ""
        if path is not None:
            with Progress(
                "写入公示名单 / writing the public list", total=run.enterprise_count, stream=self.stderr._out
            ) as p:
                write_public_list(str(path), run=run, user=acting_user, progress=p)
            written = f"，公示名单 {path.name} / public list in {path.name}"
        if report_path is not None:
            write_report(str(report_path), run=run, user=acting_user)
            written += f"，评价报告 {report_path.name} / report in {report_path.name}"
        counts = " ".join(f"{g} {n}" for g, n in run.grade_counts().items())
        summary(
            f"评价运行 #{run.pk}：{year} 年 {run.enterprise_count} 家企业（{counts}）{written} / "
            f"run #{run.pk}: {run.enterprise_count} enterprises evaluated for {year} ({counts})",
            stream=self.stdout,
        )
