"""The enterprise-service section of the cockpit and the monthly report (``registry.cockpit_sections``): requests
open and late at the period's date, received and closed on time from January to the month against the same months
of last year, the late requests by the unit they are dispatched to (who owns them), and the requests by category."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yuanqu.core.cockpit import Chart, Column, Figure, Period, Row, Scope, Section, Series, Table
from yuanqu.service import selectors

LATE_ROWS = 50
"""The late requests a table lists (the most overdue first); the figure counts them all."""


def _list_url(scope: Scope, **query) -> str:
    query = {**query, **({"zone": scope.zone.pk} if scope.zone is not None else {})}
    return f"{reverse('service:request-list')}?{urlencode(query)}" if query else reverse("service:request-list")


def _owner(request) -> str:
    return request.unit or str(_("未派单"))


def build(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    zone_ids = scope.zone_ids
    user, as_of, previous = scope.user, period.as_of, period.previous
    requests = selectors.scoped_requests(user).filter(enterprise__zone_id__in=zone_ids)
    received = requests.filter(received_on__range=(period.start, as_of)).count()
    received_before = requests.filter(received_on__range=(previous.start, previous.as_of)).count()
    open_count = requests.filter(selectors.open_at_q(as_of)).count()
    if not (received or received_before or open_count):
        return None
    late = selectors.late_requests(user=user, zone_ids=zone_ids, as_of=as_of)
    fresh = _("按 {date} 计").format(date=as_of.isoformat())
    year_range = {"received_from": period.start.isoformat(), "received_to": as_of.isoformat()}
    figures = [
        Figure(
            "requests_received",
            _("受理企业诉求（本年累计）"),
            received,
            _("件"),
            previous=received_before,
            fresh=fresh,
            url=_list_url(scope, **year_range),
        ),
        Figure("requests_open", _("未办结诉求"), open_count, _("件"), fresh=fresh, url=_list_url(scope, open="true")),
        Figure(
            "requests_late",
            _("逾期未办结诉求"),
            len(late),
            _("件"),
            fresh=fresh,
            url=_list_url(scope, open="true", late="true"),
        ),
        Figure(
            "requests_closed_on_time",
            _("按期办结率（本年累计）"),
            selectors.on_time_rate(user=user, zone_ids=zone_ids, year=period.year, as_of=as_of),
            "%",
            places=1,
            previous=selectors.on_time_rate(user=user, zone_ids=zone_ids, year=previous.year, as_of=previous.as_of),
            fresh=fresh,
            url=f"{reverse('service:statistics')}?{urlencode(year_range)}",
        ),
    ]
    charts, tables = [], []
    if late:
        by_owner = sorted(Counter(_owner(row.request) for row in late).items(), key=lambda item: (-item[1], item[0]))
        charts.append(
            Chart(
                "requests-late-by-unit",
                _("逾期诉求（按承办单位）"),
                "hbar",
                [owner for owner, _count in by_owner],
                [Series(_("逾期诉求"), [count for _owner_name, count in by_owner])],
                unit=_("件"),
            )
        )
        tables.append(_late_table(late))
    categories = selectors.received_by_category(user=user, zone_ids=zone_ids, start=period.start, end=as_of)
    if categories:
        charts.append(
            Chart(
                "requests-by-category",
                _("受理诉求（按类别，本年累计）"),
                "pie",
                [name for name, _count in categories],
                [Series(_("诉求"), [count for _name, count in categories])],
                unit=_("件"),
            )
        )
    return Section(
        "service",
        _("企业服务"),
        figures=figures,
        tables=tables,
        charts=charts,
        source=_("企业诉求台账（工作日时限）"),
        fresh=fresh,
        url=_list_url(scope),
    )


def _late_table(late: list) -> Table:
    columns = [
        Column(_("诉求编号"), numeric=False),
        Column(_("企业"), numeric=False),
        Column(_("诉求类别"), numeric=False),
        Column(_("承办单位"), numeric=False),
        Column(_("应办结日期"), numeric=False),
        Column(_("逾期工作日"), _("天")),
    ]
    rows = [
        Row(
            [
                row.request.number,
                row.request.enterprise.name,
                row.request.category.name,
                _owner(row.request),
                row.request.due_on.isoformat(),
                row.overdue_days,
            ],
            url=reverse("service:request-detail", args=[row.request.pk]),
            marks=["", "", "", "", "", "red"],
        )
        for row in late[:LATE_ROWS]
    ]
    note = (
        _("共 {n} 件，列出逾期最久的 {shown} 件。").format(n=len(late), shown=len(rows))
        if len(late) > len(rows)
        else ""
    )
    return Table("requests-late", _("逾期未办结诉求"), columns, rows, note=note)
