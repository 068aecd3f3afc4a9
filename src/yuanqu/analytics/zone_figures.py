"""The figures a zone reports to the city (上报数据), yearly and monthly cumulative from January: each with the unit
the platform stores and the customary unit zones send it in (converted on import).

Stored units follow the platform's: money in 万元, foreign investment in 万美元, energy in tonnes of standard coal
(tce), electricity in 万千瓦时; counts as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class ZoneFigure:
    """One reported figure: its key (an identifier), Chinese and English names, stored unit, the customary unit
    zones report it in and how many stored units one customary unit is; ``count`` figures are whole numbers;
    ``incident`` figures veto a zone's ranking when above zero."""

    key: str
    zh: str
    en: str
    unit: str
    customary_unit: str
    factor: Fraction = Fraction(1)
    count: bool = False
    incident: bool = False


YI = Fraction(10_000)  # 1 亿 = 10,000 万

FIGURES: tuple[ZoneFigure, ...] = (
    ZoneFigure("gdp", "地区生产总值", "GDP", "万元", "亿元", YI),
    ZoneFigure("budget_revenue", "一般公共预算收入", "general public budget revenue", "万元", "亿元", YI),
    ZoneFigure("tax_revenue", "税收收入", "tax revenue", "万元", "亿元", YI),
    ZoneFigure("industrial_output", "规上工业总产值", "above-scale industrial output", "万元", "亿元", YI),
    ZoneFigure("industrial_value_added", "规上工业增加值", "above-scale industrial value added", "万元", "亿元", YI),
    ZoneFigure("industrial_sales", "工业开票销售", "invoiced industrial sales", "万元", "亿元", YI),
    ZoneFigure("fixed_asset_investment", "固定资产投资", "fixed-asset investment", "万元", "亿元", YI),
    ZoneFigure("industrial_investment", "工业投资", "industrial investment", "万元", "亿元", YI),
    ZoneFigure("trade", "进出口总额", "imports and exports", "万元", "亿元", YI),
    ZoneFigure("foreign_investment", "实际使用外资", "foreign investment actually used", "万美元", "万美元"),
    ZoneFigure("rd_spending", "研发经费支出", "R&D spending", "万元", "亿元", YI),
    ZoneFigure("high_tech_enterprises", "高新技术企业数", "high-tech enterprises", "家", "家", count=True),
    ZoneFigure(
        "above_scale_enterprises", "规上工业企业数", "above-scale industrial enterprises", "家", "家", count=True
    ),
    ZoneFigure("energy_tce", "综合能耗", "total energy use", "吨标准煤", "万吨标准煤", YI),
    ZoneFigure("industrial_electricity", "工业用电量", "industrial electricity use", "万千瓦时", "亿千瓦时", YI),
    ZoneFigure("employees", "从业人员", "people employed", "人", "人", count=True),
    ZoneFigure("specialised_enterprises", "专精特新企业数", "specialised and new enterprises", "家", "家", count=True),
    ZoneFigure(
        "signed_projects", "新签约亿元以上项目数", "projects of 100 million yuan or more signed", "个", "个", count=True
    ),
    ZoneFigure("signed_investment", "新签约项目总投资", "investment of the projects signed", "万元", "亿元", YI),
    ZoneFigure(
        "started_projects",
        "新开工亿元以上项目数",
        "projects of 100 million yuan or more started",
        "个",
        "个",
        count=True,
    ),
    ZoneFigure(
        "completed_projects",
        "新竣工亿元以上项目数",
        "projects of 100 million yuan or more completed",
        "个",
        "个",
        count=True,
    ),
    ZoneFigure("revitalised_land", "盘活存量土地", "land revitalised", "亩", "亩"),
    ZoneFigure(
        "safety_accidents",
        "较大及以上生产安全事故",
        "major work-safety accidents",
        "起",
        "起",
        count=True,
        incident=True,
    ),
    ZoneFigure(
        "environmental_incidents", "突发环境事件", "environmental emergencies", "起", "起", count=True, incident=True
    ),
)
"""Every reported figure, in the order reports list them."""

UNITS_EN: dict[str, str] = {
    "万元": "10k yuan",
    "亿元": "100 million yuan",
    "万美元": "10k USD",
    "亿美元": "100 million USD",
    "吨标准煤": "tce",
    "万吨标准煤": "10k tce",
    "万千瓦时": "10k kWh",
    "亿千瓦时": "100 million kWh",
    "家": "firms",
    "人": "people",
    "个": "projects",
    "亩": "mu",
    "起": "cases",
}
"""The English of every unit the figures are stored or reported in (the house's wording: "10k yuan")."""


def unit_en(unit: str | None) -> str:
    """A unit in English: each known unit of a compound ("吨标准煤/万元", "万元 × 100") translated, anything else
    (%, a unit a method's author wrote) as written."""
    if not unit:
        return unit or ""
    parts = []
    for part in unit.split("/"):
        head, times, tail = part.partition(" × ")
        parts.append(UNITS_EN.get(head.strip(), head) + times + tail)
    return "/".join(parts)


FIGURE_KEYS: tuple[str, ...] = tuple(figure.key for figure in FIGURES)
BY_KEY: dict[str, ZoneFigure] = {figure.key: figure for figure in FIGURES}
INCIDENT_KEYS: tuple[str, ...] = tuple(figure.key for figure in FIGURES if figure.incident)
