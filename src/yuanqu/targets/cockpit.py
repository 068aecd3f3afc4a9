"""The targets section of the cockpit and the monthly report (``registry.cockpit_sections``): the year's
responsibility letters of the zones in view, every line with its target, actual, share done and the colour of its
pace, the lines counted by colour, and the supervised tasks late at the period's date by the unit that owns them.

Also the cockpit's targets lookup (``registry.cockpit_targets``): for every indicator the zones' letters set a
target on, the target over the zones in view and the colour of its pace, which the cockpit puts beside the figure
of the same key in any section (projects signed, land revitalised, requests closed on time)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core.cockpit import Chart, Column, Figure, Period, Row, Scope, Section, Series, Table
from yuanqu.core.readings import one_reading
from yuanqu.targets import selectors

LATE_ROWS = 50
"""The late tasks a table lists (the most overdue first); the figure counts them all."""

LINES = pgettext_lazy("letter lines", "项")
COLOURS = (selectors.GREEN, selectors.AMBER, selectors.RED)


def _colour(colour: str | None) -> str:
    """A pace colour as the cockpit knows them: green, amber, red, or "" when nothing is reported."""
    return colour if colour in COLOURS else ""


def targets(*, scope: Scope, period: Period) -> dict:
    """{indicator key: (target, colour)} over the letters of the zones shown (each counting its sub-parks, as the
    measures do), paced at the period's date."""
    if not scope.zones:
        return {}
    with one_reading():
        found = selectors.targets_by_measure(
            user=scope.user, zone_ids=[zone.pk for zone in scope.zones], year=period.year, as_of=period.as_of
        )
    return {key: (entry["target"], _colour(entry["colour"])) for key, entry in found.items()}


def _letters_url(period: Period) -> str:
    return f"{reverse('targets:letter-overview')}?{urlencode({'year': period.year, 'as_of': period.as_of.isoformat()})}"


def _tasks_url(scope: Scope) -> str:
    query = {"overdue": "true", **({"zone": scope.zone.pk} if scope.zone is not None else {})}
    return f"{reverse('targets:task-list')}?{urlencode(query)}"


def build(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    with one_reading():  # the lines of a zone's letter measure the same ledgers
        return _build(scope=scope, period=period)


def _build(*, scope: Scope, period: Period) -> Section | None:
    as_of = period.as_of
    letters = list(
        selectors.scoped_letters(scope.user)
        .filter(year=period.year, zone_id__in=scope.zone_ids)
        .select_related("zone")
        .order_by("zone__code", "zone__name")
    )
    city_level = scope.zone is None
    late = selectors.late_tasks(user=scope.user, zone_ids=scope.zone_ids, as_of=as_of, city_level=city_level)
    if not letters and not late:
        return None
    lines, letter_rows = [], []
    for letter in letters:
        # The seasonal yardstick stays on the letter's page: it would measure three earlier years twice per line.
        rows = selectors.letter_progress(letter, user=scope.user, as_of=as_of, seasonal_yardstick=False)
        lines.extend(rows)
        counts = Counter(row["colour"] for row in rows)
        url = reverse("targets:letter-detail", args=[letter.pk]) + f"?as_of={as_of.isoformat()}"
        letter_rows.append(
            Row(
                [
                    letter.zone.name,
                    selectors.letter_points(rows),
                    counts[selectors.GREEN],
                    counts[selectors.AMBER],
                    counts[selectors.RED],
                    counts[selectors.NONE],
                ],
                url=url,
                marks=["", "", selectors.GREEN, selectors.AMBER, selectors.RED, ""],
            )
        )
    counts = Counter(row["colour"] for row in lines)
    letters_url = _letters_url(period)
    fresh = _("按 {date} 计").format(date=as_of.isoformat())
    figures = [
        Figure("lines_green", _("目标进度正常"), counts[selectors.GREEN], LINES, colour="green", url=letters_url),
        Figure("lines_amber", _("目标进度滞后"), counts[selectors.AMBER], LINES, colour="amber", url=letters_url),
        Figure("lines_red", _("目标进度严重滞后"), counts[selectors.RED], LINES, colour="red", url=letters_url),
        Figure(
            "tasks_open",
            _("在办督办事项"),
            selectors.open_task_count(user=scope.user, zone_ids=scope.zone_ids, as_of=as_of, city_level=city_level),
            _("项"),
            fresh=fresh,
            url=reverse("targets:task-list") + (f"?zone={scope.zone.pk}" if scope.zone is not None else ""),
        ),
        Figure("tasks_late", _("逾期督办事项"), len(late), _("项"), fresh=fresh, url=_tasks_url(scope)),
    ]
    year_over = any(row["year_over"] for row in lines)
    if year_over:
        points = [row.cells[1] for row in letter_rows if row.cells[1] is not None]
        figures.append(
            Figure(
                "letter_points",
                _("目标责任状得分"),
                sum(points) if points else None,
                _("分"),
                places=2,
                url=letters_url,
            )
        )
    tables, charts = [], []
    if letters:
        tables.append(
            Table(
                "letters",
                _("各园区目标责任状"),
                [
                    Column(_("园区"), numeric=False),
                    Column(_("年末得分"), _("分"), 2),
                    Column(_("正常"), LINES),
                    Column(_("滞后"), LINES),
                    Column(_("严重滞后"), LINES),
                    Column(_("未报送"), LINES),
                ],
                letter_rows,
                note=_("得分在年度结束后按计分规则给出。"),
            )
        )
        tables.append(_lines_table(lines, as_of))
    if late:
        charts.append(_late_chart(late))
        tables.append(_late_table(late))
    return Section(
        "targets",
        _("目标责任与督办"),
        figures=figures,
        tables=tables,
        charts=charts,
        source=_("目标责任状（进度取自各台账）与督办事项"),
        fresh=fresh,
        url=letters_url,
    )


def _lines_table(lines: list[dict], as_of) -> Table:
    """Every line: zone, indicator, target and actual in its unit, share done and the yardstick, coloured by pace."""
    rows = []
    for row in lines:
        target = row["target"]
        share = None if row["share_pct"] is None else round(row["share_pct"], 1)
        cells = [
            target.zone.name,
            str(row["label"]),
            str(row["unit"]),
            target.value,
            row["actual"],
            share,
            round(row["elapsed_pct"], 1),
            target.leader,
            target.responsible_unit,
        ]
        marks = ["", "", "", "", "", _colour(row["colour"]), "", "", ""]
        url = row["url"] or reverse("targets:letter-detail", args=[target.letter_id]) + f"?as_of={as_of.isoformat()}"
        rows.append(Row(cells, url=url, marks=marks))
    columns = [
        Column(_("园区"), numeric=False),
        Column(_("指标"), numeric=False),
        Column(_("单位"), numeric=False),
        Column(_("目标值"), places=2),
        Column(_("完成值"), places=2),
        Column(_("完成率"), "%", 1),
        Column(_("时序进度"), "%", 1),
        Column(_("责任领导"), numeric=False),
        Column(_("责任单位"), numeric=False),
    ]
    return Table(
        "targets",
        _("目标完成情况"),
        columns,
        rows,
        note=_("绿色：完成率不低于时序进度；黄色：不低于时序进度的80%；红色：低于80%。"),
    )


def _owner(task) -> str:
    return task.lead_unit or str(_("未指定"))


def _late_chart(late: list[dict]) -> Chart:
    by_owner = Counter(_owner(row["task"]) for row in late)
    ordered = sorted(by_owner.items(), key=lambda item: (-item[1], item[0]))
    return Chart(
        "tasks-late-by-owner",
        _("逾期督办事项（按责任单位）"),
        "hbar",
        [owner for owner, _count in ordered],
        [Series(_("逾期事项"), [count for _owner_name, count in ordered])],
        unit=_("项"),
    )


def _late_table(late: list[dict]) -> Table:
    columns = [
        Column(_("事项编号"), numeric=False),
        Column(_("事项名称"), numeric=False),
        Column(_("责任单位"), numeric=False),
        Column(_("责任人"), numeric=False),
        Column(_("截止日期"), numeric=False),
        Column(_("逾期工作日"), _("天")),
    ]
    rows = [
        Row(
            [
                row["task"].code,
                row["task"].title,
                _owner(row["task"]),
                row["task"].responsible,
                row["task"].deadline.isoformat(),
                row["overdue"],
            ],
            url=reverse("targets:task-detail", args=[row["task"].pk]),
            marks=["", "", "", "", "", "red"],
        )
        for row in late[:LATE_ROWS]
    ]
    note = (
        _("共 {n} 项，列出逾期最久的 {shown} 项。").format(n=len(late), shown=len(rows))
        if len(late) > len(rows)
        else ""
    )
    return Table("tasks-late", _("逾期督办事项"), columns, rows, note=note)
