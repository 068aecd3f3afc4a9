"""The industry-chain section of the cockpit and the monthly report (``registry.cockpit_sections``): per chain the
user sees in the zones in view, its links covered by local firms against all its links, and the gaps (环节 without
a local firm) with the target firms and projects that would fill them. Coverage is computed as the chain's page
computes it, on the latest year of figures."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.chains import selectors
from yuanqu.chains.models import Position
from yuanqu.core.cockpit import Chart, Column, Figure, Period, Row, Scope, Section, Series, Table

LINKS = pgettext_lazy("chain links", "个")


def _zone_query(scope: Scope) -> str:
    return f"?zone={scope.zone.pk}" if scope.zone is not None else ""


def build(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    zone_ids = [zone.pk for zone in scope.zones]
    # The chains serving a zone in view, covered together: the firms of all their zones are read once.
    chains = [
        chain for chain in selectors.chains_for(scope.user) if selectors.chain_zone_ids(chain, scope.user, zone_ids)
    ]
    results = selectors.chains_coverage(chains, user=scope.user, zone_ids=zone_ids, enterprises=False)
    if not results:
        return None
    chain_ids = [result.chain.pk for result in results]
    targets = selectors.target_counts(user=scope.user, chain_ids=chain_ids, zone_ids=scope.zone_ids)
    positions = dict(Position.choices)
    gap_rows, coverage_rows = [], []
    names, covered_counts, gap_counts = [], [], []
    for result in results:
        chain = result.chain
        url = reverse("chains:chain-detail", args=[chain.pk]) + _zone_query(scope)
        total = len(result.links)
        gaps = result.gaps
        covered = total - len(gaps)
        names.append(chain.name)
        covered_counts.append(covered)
        gap_counts.append(len(gaps))
        coverage_rows.append(Row([chain.name, chain.owner, total, covered, len(gaps), len(result.weak)], url=url))
        for link in gaps:
            node = link.node
            gap_rows.append(
                Row(
                    [
                        chain.name,
                        node.name,
                        str(positions.get(node.position, node.position)),
                        targets.get(node.pk, 0),
                        len(link.projects),
                    ],
                    url=url,
                    marks=["", "red" if not link.projects else "amber", "", "", ""],
                )
            )
    links = sum(len(result.links) for result in results)
    gaps = sum(gap_counts)
    years = sorted({result.year for result in results if result.year is not None})
    fresh = _("企业数据 {year} 年").format(year=years[-1]) if years else ""
    url = reverse("chains:chain-list") + _zone_query(scope)
    figures = [
        Figure("chains", _("产业链"), len(results), _("条"), fresh=fresh, url=url),
        Figure("chain_links_covered", _("已覆盖环节"), sum(covered_counts), LINKS, fresh=fresh, url=url),
        Figure("chain_links", _("环节总数"), links, LINKS, fresh=fresh, url=url),
        Figure("chain_gaps", _("缺链环节"), gaps, LINKS, fresh=fresh, url=url),
    ]
    tables = [
        Table(
            "chain-coverage",
            _("产业链环节覆盖"),
            [
                Column(_("产业链"), numeric=False),
                Column(_("链长"), numeric=False),
                Column(pgettext_lazy("chain", "环节"), LINKS),
                Column(_("已覆盖"), LINKS),
                Column(_("缺链"), LINKS),
                Column(_("薄弱"), LINKS),
            ],
            coverage_rows,
            total=Row([_("合计"), "", links, sum(covered_counts), gaps, sum(len(r.weak) for r in results)]),
        ),
        Table(
            "chain-gaps",
            _("缺链环节"),
            [
                Column(_("产业链"), numeric=False),
                Column(pgettext_lazy("chain", "环节"), numeric=False),
                Column(_("环节类型"), numeric=False),
                Column(_("目标企业"), _("家")),
                Column(_("补链项目"), _("个")),
            ],
            gap_rows,
            note=_("红色：尚无补链项目；黄色：已有项目在推进。"),
        ),
    ]
    charts = [
        Chart(
            "chain-coverage",
            _("产业链环节覆盖"),
            "hbar",
            names,
            [
                Series(_("已覆盖"), covered_counts, stack="links"),
                Series(_("缺链"), gap_counts, stack="links"),
            ],
            unit=LINKS,
        )
    ]
    return Section(
        "chains",
        _("产业链图谱"),
        figures=figures,
        tables=tables,
        charts=charts,
        source=_("产业链图谱（按企业行业与主要产品匹配，人工校正）"),
        fresh=fresh,
        url=url,
    )
