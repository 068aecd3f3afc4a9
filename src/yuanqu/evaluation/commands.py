"""`yuanqu evaluate mujun --method PRESET_OR_FILE --year YEAR [--zone CODE] [--user NAME] [--out FILE.xlsx]
[--report FILE.docx]`: evaluate one year under a method, store the run, print the grades per group, optionally
write the public list and the summary report. Registered as an evaluation kind (``core.registry.evaluations``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from yuanqu.analytics.mujun import MethodError, load_method, preset_names
from yuanqu.core.changelog import acting
from yuanqu.core.management.users import output_option, user_option, year_option, zone_option
from yuanqu.core.progress import Progress, summary
from yuanqu.evaluation.exporting import write_public_list
from yuanqu.evaluation.models import GRADES, EvaluationResult
from yuanqu.evaluation.report import write_report
from yuanqu.evaluation.services import preset_method, run_evaluation, save_method


def _messages(error: ValidationError) -> str:
    return "\n".join(error.messages)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--method", required=True, help=f"预置方法或文件 / preset ({', '.join(preset_names())}) or file"
    )
    parser.add_argument("--year", required=True, help="评价年度 / the year evaluated")
    parser.add_argument("--zone", help="只评价此园区（代码或名称）/ only this zone (code or name), with its sub-parks")
    parser.add_argument("--user", help="以此用户身份运行 / run as this user")
    parser.add_argument("--out", help="公示名单 .xlsx / write the public list to this .xlsx file")
    parser.add_argument("--report", help="评价报告 .docx / write the summary report to this .docx file")


def _method(name: str, user):
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


def handle(command, *, method, year, zone, user, out, report=None, **options) -> None:
    """Evaluate, store the run, print the grades per group, write what was asked for."""
    year = year_option(year)
    path = output_option(out, ".xlsx") if out else None
    report_path = output_option(report, ".docx") if report else None
    acting_user = user_option(user)
    zone_ids = [zone_option(zone, acting_user).pk] if zone else None
    try:
        with acting(source="cli", user=acting_user):
            stored = _method(method, acting_user)
            with Progress("亩均评价 / evaluating", stream=command.stderr._out):
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
        command.stdout.write(f"{label or '未分组 / no group'}: {'，'.join(parts)}")
    written = ""
    if path is not None:
        with Progress(
            "写入公示名单 / writing the public list", total=run.enterprise_count, stream=command.stderr._out
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
        stream=command.stdout,
    )
