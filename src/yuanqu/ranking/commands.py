"""`yuanqu evaluate zones --method NAME|FILE --year YEAR [--user NAME] [--out FILE.xlsx] [--report FILE.docx]`:
rank the zones on a year's reported figures under a method, store the run, print each group's ranks, optionally
write the results workbook and the bulletin. Registered as an evaluation kind (``core.registry.evaluations``)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from yuanqu.analytics.zoneranking import GROUP_LABELS, preset_names
from yuanqu.core.changelog import acting
from yuanqu.core.management.users import output_option, user_option, year_option
from yuanqu.core.progress import summary
from yuanqu.ranking.exporting import write_ranking
from yuanqu.ranking.report import write_bulletin
from yuanqu.ranking.selectors import change_mark, ranking_results
from yuanqu.ranking.services import preset_zone_method, run_zone_evaluation, save_zone_method


def add_arguments(parser) -> None:
    parser.add_argument(
        "--method", required=True, help=f"预置方法或文件 / preset ({', '.join(preset_names())}) or file"
    )
    parser.add_argument("--year", required=True, help="评价年度 / the year ranked")
    parser.add_argument("--user", help="以此用户身份运行 / run as this user")
    parser.add_argument("--out", help="综合评价结果 .xlsx / write the results to this .xlsx file")
    parser.add_argument("--report", help="通报 .docx / write the bulletin to this .docx file")


def _method(name: str, user):
    if name.removesuffix(".toml") in preset_names():
        return preset_zone_method(name=name, user=user)
    path = Path(name)
    if not path.is_file():
        raise CommandError(
            f"未知的预置方法或文件：{name}（预置：{'、'.join(preset_names())}） / "
            f"unknown preset or file: {name} (presets: {', '.join(preset_names())})"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"无法读取评价方法文件 / cannot read the method file: {error}") from None
    return save_zone_method(name=path.stem, text=text, user=user)


def _both_languages(error: ValidationError) -> list[str]:
    """Each message in Chinese and English ("… / …"), as every command speaks; a message that is already both, or
    not translated, once."""
    found = []
    for item in error.error_list:
        texts = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                message = str(item.message)
                texts.append(message % item.params if item.params else message)
        found.append(texts[0] if texts[0] == texts[1] else " / ".join(texts))
    return found


def handle(command, *, method, year, user, out=None, report=None, **options) -> None:
    """Rank, store the run, print the ranks per group, write what was asked for."""
    year = year_option(year)
    out_path = output_option(out, ".xlsx") if out else None
    report_path = output_option(report, ".docx") if report else None
    acting_user = user_option(user)
    try:
        with transaction.atomic(), acting(source="cli", user=acting_user):
            stored = _method(method, acting_user)
            run = run_zone_evaluation(method=stored, year=year, user=acting_user)
    except ValidationError as error:
        raise CommandError("\n".join(_both_languages(error))) from None
    except PermissionDenied as error:
        raise CommandError(f"{error} / permission denied") from None
    rows = ranking_results(run=run, user=acting_user)
    group = None
    for row in rows:
        result = row.result
        if result.group != group:
            group = result.group
            command.stdout.write(f"{GROUP_LABELS.get(group, (group,))[0]} / {GROUP_LABELS.get(group, ('', group))[1]}")
        place = f"{result.rank:>3}" if result.rank else "  —"
        total = f"{result.total:6.2f}" if result.total is not None else "     —"
        warning = result.details.get("warning_zh") or result.warning
        extra = " ".join(filter(None, (change_mark(result.rank_change), warning, result.reason_zh)))
        command.stdout.write(
            f"  {place}  {total}  {result.name}{'（外部）' if result.external else ''}  {extra}".rstrip()
        )
    written = ""
    if out_path is not None:
        write_ranking(str(out_path), run=run, user=acting_user)
        written += f"，结果 {out_path.name} / results in {out_path.name}"
    if report_path is not None:
        write_bulletin(str(report_path), run=run, user=acting_user)
        written += f"，通报 {report_path.name} / bulletin in {report_path.name}"
    summary(
        f"园区综合评价 #{run.pk}：{year} 年 {len(rows)} 个园区{written} / zone evaluation #{run.pk}: {len(rows)} zones "
        f"ranked for {year}",
        stream=command.stdout,
    )
