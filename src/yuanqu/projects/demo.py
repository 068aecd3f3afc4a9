"""The projects' part of the demo city: investment projects with their names, investors, sizes, timelines,
agreements, and the zones' yearly targets.

Projects are planned from the city already built: project companies on parcels being supplied or built
on, and recent owners in production, become projects linked to their parcel and enterprise, with stage
dates taken from the parcel and the enterprise; the rest are free projects (leads, negotiations, signings).
Timelines follow the rules of ``projects.services.advance_stage`` (dates never run backwards, a step back
or a drop carries a reason) and end on or before the generator's reference date ``as_of``.

Every demo project is dated on or before ``as_of``, so what is overdue at ``as_of`` stays overdue later:
signed projects more than 60 working days old that never started, and agreements whose start date passed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from yuanqu.analytics.industry import parse_industry_code
from yuanqu.core.demo import days, labels
from yuanqu.enterprises.demo import TRADES
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.projects.indicators import (
    COMPLETED_COUNT,
    FOREIGN_INVESTMENT,
    SIGNED_COUNT,
    SIGNED_INVESTMENT,
    STARTED_COUNT,
)
from yuanqu.projects.models import STAGE_ORDER, Agreement, Project, Stage, StageEvent, stage_rank
from yuanqu.projects.services import seed_deadlines
from yuanqu.targets.models import Target
from yuanqu.workdays.models import CalendarYear
from yuanqu.workdays.services import default_calendar_years, seed_calendar
from yuanqu.zones.demo import ZONES, ZoneSpec

PROJECTS_PER_ENTERPRISE = 1 / 7
MIN_PROJECTS, MAX_PROJECTS = 30, 600
ONE_YI = 10000  # 万元

# Share of projects by their current stage.
STAGE_SHARES = {
    Stage.LEAD: 0.11,
    Stage.NEGOTIATING: 0.13,
    Stage.SIGNED: 0.12,
    Stage.REGISTERED: 0.06,
    Stage.LAND_SUPPLIED: 0.09,
    Stage.STARTED: 0.14,
    Stage.COMPLETED: 0.07,
    Stage.IN_PRODUCTION: 0.12,
    Stage.AT_CAPACITY: 0.09,
    Stage.DROPPED: 0.07,
}

# Calendar days from reaching a stage to reaching the next one (low, high).
GAPS = {
    Stage.LEAD: (15, 120),
    Stage.NEGOTIATING: (30, 240),
    Stage.SIGNED: (7, 40),
    Stage.REGISTERED: (15, 120),
    Stage.LAND_SUPPLIED: (10, 90),
    Stage.STARTED: (300, 720),
    Stage.COMPLETED: (20, 180),
    Stage.IN_PRODUCTION: (180, 720),
}

# Days before as_of of the latest event of a free project at that stage (low, high). A zone keeps its open
# leads and negotiations fresh (stale ones are dropped) and moves registered or supplied projects on within
# months, so the alert list stays a handful per zone at as_of and some months later.
LAST_EVENT_AGO = {
    Stage.LEAD: (3, 60),
    Stage.NEGOTIATING: (3, 120),
    Stage.REGISTERED: (10, 90),
    Stage.LAND_SUPPLIED: (10, 90),
    Stage.STARTED: (10, 600),
    Stage.COMPLETED: (10, 90),
    Stage.IN_PRODUCTION: (30, 700),
    Stage.AT_CAPACITY: (60, 1200),
    Stage.DROPPED: (10, 600),
}

# Products per GB/T 4754 division: (product, unit, plausible yearly quantities).
PRODUCTS: dict[str, tuple[tuple[str, str, tuple[int, ...]], ...]] = {
    "17": (("功能性面料", "万米", (1000, 2000, 3000, 5000)), ("高档纺织面料", "万米", (800, 1500, 3000))),
    "18": (("高档服装", "万件", (100, 200, 500)), ("功能性运动服饰", "万件", (150, 300, 600))),
    "26": (
        ("电子化学品", "万吨", (2, 3, 5, 10)),
        ("高性能涂料", "万吨", (3, 5, 8, 10)),
        ("医药中间体", "吨", (500, 800, 1000, 2000)),
        ("特种树脂", "万吨", (2, 5, 10, 20)),
    ),
    "27": (
        ("创新药制剂", "亿片", (1, 2, 5, 10)),
        ("生物制品", "万支", (500, 1000, 3000)),
        ("高端医疗器械", "台（套）", (500, 1000, 2000, 5000)),
        ("原料药", "吨", (100, 200, 500)),
    ),
    "29": (("精密注塑件", "万件", (500, 1000, 3000)), ("高分子新材料制品", "万吨", (1, 2, 5, 8))),
    "30": (("光伏玻璃", "万吨", (10, 20, 30)), ("高性能特种陶瓷", "万件", (100, 300, 500))),
    "32": (("高性能铝合金型材", "万吨", (5, 10, 20)), ("锂电铜箔", "万吨", (1, 2, 3, 5))),
    "33": (("精密金属结构件", "万件", (200, 500, 1000)), ("高端五金工具", "万套", (100, 300, 500))),
    "34": (
        ("工业机器人", "台", (2000, 5000, 10000)),
        ("精密轴承", "万套", (300, 500, 1000)),
        ("高端液压件", "万件", (50, 100, 200)),
    ),
    "35": (
        ("智能装备", "台（套）", (500, 1000, 2000)),
        ("数控机床", "台", (500, 1000, 3000)),
        ("半导体专用设备", "台（套）", (100, 200, 500)),
    ),
    "36": (
        ("新能源汽车零部件", "万套", (20, 50, 100, 150)),
        ("汽车电子控制系统", "万套", (50, 100, 200)),
        ("汽车轻量化铝合金压铸件", "万件", (100, 300, 500)),
        ("动力电池结构件", "万套", (50, 100, 300)),
    ),
    "38": (
        ("锂电池储能系统", "GWh", (2, 5, 10, 20)),
        ("高效光伏组件", "GW", (1, 2, 5, 10)),
        ("新能源汽车驱动电机", "万台", (20, 50, 100)),
        ("智能电网设备", "万台（套）", (5, 10, 20)),
    ),
    "39": (
        ("集成电路封装测试", "亿颗", (5, 10, 30, 50)),
        ("新型显示模组", "万片", (500, 1000, 3000)),
        ("5G 通信模块", "万只", (500, 1000, 2000)),
        ("精密电子元器件", "亿只", (10, 20, 50, 100)),
    ),
    "40": (
        ("智能传感器", "万只", (500, 1000, 5000)),
        ("精密光学元件", "万片", (100, 300, 1000)),
        ("智能仪器仪表", "万台", (5, 10, 30)),
    ),
}
FORMS = ("年产 {q} {unit}{product}项目", "{product}生产基地项目", "{product}研发及产业化项目", "{product}扩产项目")

# Where investors come from, by share: domestic provinces, then Hong Kong, Taiwan and foreign countries.
ORIGINS = {
    "江苏": 0.24,
    "上海": 0.11,
    "浙江": 0.08,
    "广东": 0.08,
    "北京": 0.05,
    "山东": 0.03,
    "安徽": 0.03,
    "福建": 0.02,
    "湖北": 0.02,
    "四川": 0.02,
    "中国香港": 0.08,
    "中国台湾": 0.04,
    "德国": 0.04,
    "日本": 0.05,
    "韩国": 0.03,
    "新加坡": 0.03,
    "美国": 0.03,
    "法国": 0.01,
    "瑞士": 0.01,
}
DOMESTIC = {"江苏", "上海", "浙江", "广东", "北京", "山东", "安徽", "福建", "湖北", "四川"}
FOREIGN_WORDS = {
    "中国香港": ("香港", ("瑞丰", "嘉联", "永泰", "恒昌", "德信"), "投资有限公司"),
    "中国台湾": ("台湾", ("鸿晟", "联亚", "宏达", "晶泰", "正崴"), "股份有限公司"),
    "德国": ("德国", ("海德林", "克莱斯曼", "沃尔特霍夫", "施特雷克", "莱恩巴赫"), "集团股份公司"),
    "日本": ("日本", ("丸川", "北辰", "三谷", "高峯", "青叶"), "株式会社"),
    "韩国": ("韩国", ("新元", "大成", "韩松", "东一", "世宇"), "株式会社"),
    "新加坡": ("新加坡", ("嘉联", "百盛", "星联", "丰盛", "南洋"), "私人有限公司"),
    "美国": ("美国", ("艾德森", "威斯顿", "布雷克", "奥兰特", "卡尔森"), "公司"),
    "法国": ("法国", ("莱蒙", "圣维尔", "博莱克"), "集团"),
    "瑞士": ("瑞士", ("阿尔本", "霍夫曼", "施泰纳"), "股份公司"),
}
INVESTOR_CHARS = "华鑫联创博泰瑞盛达源晟通凯宏嘉德新禾诚科立宇航捷汇昌隆弘毅卓越远致精睿东明天海金正和祥润丰"
LEAD_SOURCES = (
    "驻外招商小组",
    "以商引商",
    "中介机构推荐",
    "展会洽谈",
    "市领导外出招商",
    "产业链招商",
    "产业基金招商",
    "商协会推介",
    "存量企业增资扩产",
)
DROP_REASONS = (
    "投资方资金链紧张，暂停投资计划",
    "项目不符合园区产业定位",
    "环评审查未通过",
    "投资方改投其他地区",
    "用地指标无法落实",
    "投资方战略调整，项目取消",
    "行业列入负面清单，不予准入",
)
STEP_BACK_REASON = "投资方暂缓决策，退回线索跟踪"
RESUME_REASON = "投资方重新启动洽谈"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "建国志远立新文华海峰晓明国强永红明辉雪梅俊杰丽娟卫东振宇思源学军"
GENERIC_KINDS = ("生产基地", "智能制造基地", "扩建", "技术改造", "综合基地")
LOGISTICS_WORDS = ("智慧物流", "供应链", "仓储物流")
ROUND_QUANTITY = (Decimal("1000"), Decimal("100"))


@dataclass
class ProjectPlan:
    """One project being planned: its fields, its timeline, and its agreement if any."""

    spec: ZoneSpec
    stage: str
    division: str = ""
    code: str = ""
    parcel_plan: object = None  # the land's ParcelPlan
    firm: object = None  # the enterprises' EnterprisePlan
    events: list[tuple[str, str, dt.date, str]] = field(default_factory=list)  # from, to, on, reason
    project: Project | None = None
    agreement: Agreement | None = None
    intent: str = ""  # on_track, breached, at_risk: what the agreement is made to show
    product_override: tuple | None = None
    figures_breach: bool = False  # an agreement at full capacity made to break its tax-per-mu promise


def project_count(enterprises: int) -> int:
    """About one project per seven enterprises, at least enough to show every stage, at most 600."""
    return min(max(round(enterprises * PROJECTS_PER_ENTERPRISE), MIN_PROJECTS), MAX_PROJECTS)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2 if rng.random() < 0.7 else 1))


def plan_projects(
    rng: random.Random, *, n: int, firms, zones, as_of: dt.date, specs: tuple[ZoneSpec, ...] = ZONES
) -> list[ProjectPlan]:
    """Plan ``n`` projects over the zones (``specs``: how they were laid out), linking suitable parcels and
    enterprises of the built city."""
    stages = labels(rng, n, STAGE_SHARES, minimum=1)
    zone_keys = iter(labels(rng, n, {s.key: s.share for s in specs}, minimum=1))
    by_key = {s.key: s for s in specs}

    # Linkable parcels and firms: project companies on supplied or building parcels; recent owners.
    supplied, building, producing, capacity = [], [], [], []
    for firm in firms:
        if firm.status != "active" or firm.enterprise is None:
            continue
        if firm.kind == "project" and firm.owned:
            plan = firm.owned[0]
            if plan.situation in ("supplied_recent", "idle_unstarted"):
                supplied.append(firm)
            elif plan.situation in ("building", "halted"):
                building.append(firm)
        elif firm.kind == "owner" and firm.owned and firm.production_started_on:
            age = (as_of - firm.production_started_on).days
            if 30 <= age < 550:
                producing.append(firm)
            elif 550 <= age < 2200:
                capacity.append(firm)
    pools = {
        Stage.LAND_SUPPLIED: supplied,
        Stage.STARTED: building,
        Stage.IN_PRODUCTION: producing,
        Stage.AT_CAPACITY: capacity,
    }
    for pool in pools.values():
        rng.shuffle(pool)

    leaders = {s.key: [_person(rng) for _ in range(2)] for s in specs if s.parent is None}
    agents = {s.key: [_person(rng) for _ in range(3)] for s in specs}
    weights = {s.key: _division_weights(s) for s in specs}

    plans = []
    signed_free = 0
    for stage in stages:
        pool = pools.get(stage)
        firm = pool.pop() if pool and rng.random() < 0.75 else None
        key = next(zone_keys)
        if firm is not None:
            spec = firm.spec
            plan = ProjectPlan(spec=spec, stage=stage, firm=firm, parcel_plan=firm.owned[0])
            plan.code = firm.enterprise.industry_code
            plan.division = plan.code[:2]
        else:
            spec = by_key[key]
            plan = ProjectPlan(spec=spec, stage=stage)
            divisions, cumulative = weights[spec.key]
            plan.division = divisions[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
            plan.code = rng.choice(TRADES[plan.division].classes)
        _timeline(rng, plan, as_of, old=stage == Stage.SIGNED and signed_free % 3 == 0)
        if stage == Stage.SIGNED:
            signed_free += 1
        top = spec.parent or spec.key
        plan.project = _project(rng, plan, zones[spec.key], rng.choice(leaders[top]), rng.choice(agents[spec.key]))
        plans.append(plan)

    _flagship(rng, plans, as_of)
    _names(rng, plans)
    for plan in plans:
        _agreement(rng, plan, as_of)
    return plans


def _division_weights(spec: ZoneSpec) -> tuple[list[str], list[float]]:
    """Divisions with product names, weighted towards the zone's leading industries."""
    divisions = [d for d in PRODUCTS if TRADES[d].weight > 0]
    total, cumulative = 0.0, []
    for d in divisions:
        total += TRADES[d].weight * spec.industry_boost.get(d, 1.0) ** 1.5
        cumulative.append(total)
    return divisions, cumulative


def _timeline(rng: random.Random, plan: ProjectPlan, as_of: dt.date, *, old: bool) -> None:
    """The stage events, oldest first: anchored on the parcel's and enterprise's dates when linked."""
    stage = plan.stage
    if stage == Stage.DROPPED:
        reached = Stage.LEAD if rng.random() < 0.4 else (Stage.NEGOTIATING if rng.random() < 0.75 else Stage.SIGNED)
    else:
        reached = stage
    path = STAGE_ORDER[: stage_rank(reached) + 1]
    if Stage.REGISTERED in path and reached != Stage.REGISTERED and rng.random() < 0.15:
        path.remove(Stage.REGISTERED)  # an existing company of the investor takes the project on

    anchors: dict[str, dt.date] = {}
    if plan.parcel_plan is not None:
        parcel = plan.parcel_plan.parcel
        anchors[Stage.LAND_SUPPLIED] = parcel.supplied_on
        if parcel.started_on:
            anchors[Stage.STARTED] = parcel.started_on
        if parcel.completed_on:
            anchors[Stage.COMPLETED] = parcel.completed_on
        if plan.firm.production_started_on:
            anchors[Stage.IN_PRODUCTION] = plan.firm.production_started_on
        if reached == Stage.AT_CAPACITY:
            latest = as_of - dt.timedelta(days=20)
            anchors[Stage.AT_CAPACITY] = min(plan.firm.production_started_on + days(rng, 180, 540), latest)

    # The last date: the anchor, or a draw before as_of; a signed project is either recent or long overdue.
    if path[-1] in anchors:
        last = anchors[path[-1]]
    elif reached == Stage.SIGNED and stage == Stage.SIGNED:
        last = as_of - (days(rng, 120, 500) if old else days(rng, 3, 70))
    else:
        low, high = LAST_EVENT_AGO.get(stage, (10, 300))
        last = as_of - days(rng, low, high)
    dates = {path[-1]: last}
    for earlier, later in zip(reversed(path[:-1]), reversed(path[1:]), strict=True):
        low, high = GAPS[earlier]
        if later == Stage.STARTED and earlier == Stage.SIGNED:
            high = max(low, high // 2)
        wanted = anchors.get(earlier) or dates[later] - days(rng, low, high)
        dates[earlier] = min(wanted, dates[later] - dt.timedelta(days=1))

    events, previous = [], ""
    for k, stage_k in enumerate(path):
        # A few negotiations stall: back to lead with a reason, then resumed.
        if stage_k == Stage.SIGNED and k > 1 and rng.random() < 0.05:
            gap = (dates[Stage.SIGNED] - dates[Stage.NEGOTIATING]).days
            if gap > 20:
                back = dates[Stage.NEGOTIATING] + dt.timedelta(days=gap // 3)
                resume = dates[Stage.NEGOTIATING] + dt.timedelta(days=2 * gap // 3)
                events.append((previous, Stage.LEAD, back, STEP_BACK_REASON))
                events.append((Stage.LEAD, Stage.NEGOTIATING, resume, RESUME_REASON))
                previous = Stage.NEGOTIATING
        events.append((previous, stage_k, dates[stage_k], ""))
        previous = stage_k
    if stage == Stage.DROPPED:
        dropped_on = min(dates[path[-1]] + days(rng, 20, 200), as_of - dt.timedelta(days=3))
        dropped_on = max(dropped_on, dates[path[-1]])
        events.append((previous, Stage.DROPPED, dropped_on, rng.choice(DROP_REASONS)))
    plan.events = events


def _investment(rng: random.Random) -> float:
    """Total investment in 万元: long-tailed, most between 5,000 and 50,000, under 10 亿元 (the tail is dealt)."""
    while True:
        value = rng.lognormvariate(math.log(15000.0), 0.95)
        if 800 <= value < 100000:
            return value


def _project(rng: random.Random, plan: ProjectPlan, zone, leader: str, agent: str) -> Project:
    origin = rng.choices(list(ORIGINS), weights=list(ORIGINS.values()))[0]
    if plan.parcel_plan is not None:
        parcel = plan.parcel_plan.parcel
        fixed = float(parcel.total_investment or 0) or _investment(rng) * 0.75
        total = fixed * rng.uniform(1.05, 1.3)
        land = parcel.area_mu
    else:
        total = _investment(rng)
        fixed = total * rng.uniform(0.6, 0.9)
        land = None if rng.random() < 0.08 else Decimal(f"{fixed / rng.uniform(250, 700):.1f}")
    parsed = parse_industry_code(plan.code)
    screened = any((stage_rank(event[1]) or 0) > 0 for event in plan.events)
    return Project(
        name="",  # named once the sizes are final
        zone=zone,
        investor="",
        investor_origin=origin,
        industry_code=parsed.code,
        industry_section=parsed.section,
        industry_division=parsed.division,
        total_investment=Decimal(f"{total:.0f}"),
        fixed_asset_investment=Decimal(f"{fixed:.0f}"),
        land_mu=land,
        lead_source=rng.choice(LEAD_SOURCES),
        is_regional_hq=rng.random() < 0.03,
        leader=leader,
        agent=agent,
        parcel=plan.parcel_plan.parcel if plan.parcel_plan is not None else None,
        enterprise=plan.firm.enterprise if plan.firm is not None else None,
        stage=plan.stage,
        dropped_reason=plan.events[-1][3] if plan.stage == Stage.DROPPED else "",
        # Screened once it left "lead" (no random draw here: the demo's digest stays the same).
        contact_verified=screened,
        investor_capacity=("strong" if total >= 100000 else "adequate") if screened else "",
    )


def _flagship(rng: random.Random, plans: list[ProjectPlan], as_of: dt.date) -> None:
    """The long tail: one project of 100 亿元 and more, a few of 20 亿元, some of 10 亿元 (free projects only)."""
    free = [p for p in plans if p.parcel_plan is None and p.stage != Stage.DROPPED]
    # The flagship: a wafer fab under construction in the electronics park, if the plan has one there.
    free.sort(key=lambda p: (p.spec.key != "etdz-electronics", p.stage != Stage.STARTED))
    tail = [(100, 150)] + [(20, 60)] * max(2, round(len(plans) * 0.015)) + [(10, 20)] * max(3, len(plans) // 25)
    chosen = free[:1] + rng.sample(free[1:], min(len(tail) - 1, len(free) - 1))
    for plan, (low, high) in zip(chosen, tail, strict=False):
        project = plan.project
        total = rng.uniform(low, high) * ONE_YI
        project.total_investment = Decimal(f"{total:.0f}")
        project.fixed_asset_investment = Decimal(f"{total * rng.uniform(0.7, 0.9):.0f}")
        project.land_mu = Decimal(f"{total * 0.8 / rng.uniform(600, 1200):.1f}")
        if low >= 20 and rng.random() < 0.5:
            project.is_top500 = True
    if chosen:
        giant = chosen[0]
        giant.division, giant.code = "39", "3973"
        parsed = parse_industry_code("3973")
        giant.project.industry_code, giant.project.industry_division = parsed.code, parsed.division
        giant.project.industry_section = parsed.section
        giant.project.is_top500 = True
    # A few more world top-500 investors among the bigger projects, some China top-100 private firms.
    for plan in plans:
        big = plan.project.total_investment >= 50000
        if big and rng.random() < 0.06:
            plan.project.is_top500 = True
        if plan.project.investor_origin in DOMESTIC and big and rng.random() < 0.08:
            plan.project.is_china_top100_private = True
    if chosen:
        chosen[0].product_override = ("12 英寸集成电路晶圆", "万片", (48, 60))


def _quantity(quantities: tuple[int, ...], total: float) -> int:
    """A yearly capacity in line with the investment: the bigger the project, the bigger the number."""
    position = (math.log(total) - math.log(3000.0)) / (math.log(100000.0) - math.log(3000.0))
    index = round(min(max(position, 0.0), 1.0) * (len(quantities) - 1))
    quantity = quantities[index]
    if total >= 100000 and len(quantities) > 2:  # 10 亿元 and more: several times the largest usual line
        quantity *= min((m for m in (2, 3, 5, 10) if m * 100000 >= total / 2), default=10)
    return quantity


def _trade_words(division: str) -> tuple[str, ...]:
    return TRADES[division].words if division in TRADES else LOGISTICS_WORDS


def _investor(rng: random.Random, origin: str, trade_word: str, big: bool) -> str:
    if origin in FOREIGN_WORDS:
        prefix, names, suffix = FOREIGN_WORDS[origin]
        return f"{prefix}{rng.choice(names)}{trade_word}{suffix}"
    word = "".join(rng.sample(INVESTOR_CHARS, 2))
    form = "集团股份有限公司" if big else ("集团有限公司" if rng.random() < 0.4 else "股份有限公司")
    return f"{origin}{word}{trade_word}{form}"


def _names(rng: random.Random, plans: list[ProjectPlan]) -> None:
    """Project names from the product, with a phase for a repeated name; investors and foreign capital."""
    taken: set[tuple[int, str]] = set()
    for plan in plans:
        project = plan.project
        override = plan.product_override
        words = _trade_words(plan.division)
        if override or plan.division in PRODUCTS:
            product, unit, quantities = override or rng.choice(PRODUCTS[plan.division])
            form = FORMS[0] if override else rng.choices(FORMS, weights=(0.6, 0.15, 0.13, 0.12))[0]
            quantity = _quantity(quantities, float(project.total_investment))
            # A space between a Chinese unit and a product that starts with a digit or Latin letter.
            spaced = f" {product}" if product[0].isascii() else product
            name = form.format(q=quantity, unit=unit, product=spaced)
        else:  # a trade without a product list (utilities, food, logistics): a base or an expansion
            product = rng.choice(words)
            name = f"{product}{rng.choice(GENERIC_KINDS)}项目"
        if project.is_regional_hq and not override:
            name = f"{product}区域总部及研发中心项目"
        base, phase = name, 1
        while (id(plan.spec), name) in taken:
            phase += 1
            name = base.removesuffix("项目") + f"（{'一二三四五六七八九十'[min(phase, 10) - 1]}期）项目"
            if phase > 10:
                name = f"{base}（{phase}）"
        taken.add((id(plan.spec), name))
        project.name = name
        big = project.total_investment >= 100000
        trade_word = rng.choice(words)
        project.investor = _investor(rng, project.investor_origin, trade_word, big)
        if project.investor_origin not in DOMESTIC:
            share = rng.uniform(0.5, 1.0)
            project.foreign_investment = Decimal(f"{float(project.total_investment) / 7.1 * share:.0f}")


def _reached(events) -> dict[str, dt.date]:
    """First date each stage (or a later one) was reached, as the statistics count it."""
    reached: dict[str, dt.date] = {}
    for _from, to, on, _reason in events:
        rank = stage_rank(to)
        if rank is None:
            continue
        for stage in STAGE_ORDER[: rank + 1]:
            reached.setdefault(stage, on)
    return reached


def _agreement(rng: random.Random, plan: ProjectPlan, as_of: dt.date) -> None:
    """An investment agreement for most signed projects, made to be kept, at risk or broken."""
    project = plan.project
    reached = _reached(plan.events)
    if Stage.SIGNED not in reached or plan.stage == Stage.DROPPED:
        return
    signed = reached[Stage.SIGNED]
    overdue = plan.stage == Stage.SIGNED and (as_of - signed).days >= 120
    if rng.random() > 0.7 and not overdue:
        return
    land = project.land_mu
    fixed = float(project.fixed_asset_investment)
    # An old signing that never started promised to start within 60 to 100 days: broken by as_of.
    start_by = signed + (days(rng, 60, 100) if overdue else days(rng, 90, 240))
    production_by = start_by + days(rng, 365, 730)
    promised_total = project.total_investment
    intensity = Decimal(f"{fixed / float(land):.1f}") if land else None
    tax_per_mu = Decimal(f"{rng.uniform(15, 40):.1f}") if land else None
    output_per_mu = Decimal(f"{rng.uniform(300, 900):.0f}") if land else None
    intent = "on_track"
    started = reached.get(Stage.STARTED)
    produced = reached.get(Stage.IN_PRODUCTION)
    if started is None and start_by < as_of:
        intent = "breached"  # promised to start, never did: "至今未开工"
    if plan.parcel_plan is not None:
        parcel = plan.parcel_plan.parcel
        start_by = parcel.agreed_start_on or start_by
        intent = "breached" if started is None and start_by < as_of else intent
        invested = parcel.invested
        breach = rng.random() < 0.35
        if started is not None:
            start_by = started - days(rng, 30, 150) if breach else started + days(rng, 0, 60)
            intent = "breached" if breach else "on_track"
        if produced is not None:
            production_by = produced + days(rng, 0, 120)
        if invested is not None and Stage.COMPLETED in reached:
            # Promise what was invested (kept), unless the breach is on the start date.
            promised_total = min(promised_total, Decimal(f"{float(invested) * 0.95:.0f}"))
            intensity = Decimal(f"{float(invested) / float(parcel.area_mu) * 0.95:.1f}")
        if plan.stage == Stage.AT_CAPACITY:
            plan.figures_breach = rng.random() < 0.4  # the tax-per-mu promise is set from the figures later
    elif plan.stage == Stage.AT_CAPACITY:
        intent = "at_risk"  # at full capacity, but no enterprise figures to check the promises against
        start_by = max(start_by, started) if started else start_by
        production_by = max(production_by, produced) if produced else production_by
    elif started is not None:
        start_by = max(start_by, started)
        if produced is not None:
            production_by = max(production_by, produced)
        elif plan.stage in (Stage.STARTED, Stage.COMPLETED):
            production_by = max(production_by, as_of + days(rng, 120, 500))
    plan.intent = intent
    plan.agreement = Agreement(
        project=project,
        signed_on=signed,
        total_investment=promised_total,
        intensity=intensity,
        land_mu=land,
        start_by=start_by,
        production_by=production_by,
        output_per_mu=output_per_mu,
        tax_per_mu=tax_per_mu,
    )


def settle_capacity_promises(rng: random.Random, plans: list[ProjectPlan], figures: dict) -> None:
    """Set the per-mu promises of linked projects at full capacity from the enterprise's latest figures.

    ``figures`` maps an enterprise id to (tax per mu, output per mu) of its latest year; a promise above
    the actual figure is broken ("达产后亩均税收 8.2 万元，承诺 20 万元"), one below it is kept.
    """
    for plan in plans:
        agreement = plan.agreement
        if agreement is None or plan.firm is None or plan.stage != Stage.AT_CAPACITY:
            continue
        actual = figures.get(plan.firm.enterprise.pk)
        if actual is None:
            plan.intent = "at_risk" if plan.intent != "breached" else plan.intent
            continue
        tax, output = actual
        if plan.figures_breach:
            agreement.tax_per_mu = Decimal(f"{float(tax) * rng.uniform(1.6, 2.5) + 1:.1f}")
            plan.intent = "breached"
        else:
            agreement.tax_per_mu = Decimal(f"{float(tax) * rng.uniform(0.6, 0.9):.1f}")
        agreement.output_per_mu = Decimal(f"{float(output) * rng.uniform(0.6, 0.9):.1f}")


def event_objects(plans: list[ProjectPlan], recorded_by) -> list[StageEvent]:
    return [
        StageEvent(project=plan.project, from_stage=a, to_stage=b, on=on, reason=reason, recorded_by=recorded_by)
        for plan in plans
        for a, b, on, reason in plan.events
    ]


def target_objects(
    rng: random.Random, plans: list[ProjectPlan], zones, years, specs: tuple[ZoneSpec, ...] = ZONES
) -> list[Target]:
    """Yearly targets of each top-level zone (its sub-parks included), set around what the projects achieve.

    Factors above and below one make the progress show green, amber and red; in the reference date's
    own year the targets are for the whole year, so they run ahead of the half year of projects.
    """
    top_of = {s.key: s.parent or s.key for s in specs}
    targets = []
    for year, (low, high) in years:
        for spec in specs:
            if spec.parent is not None:
                continue
            facts = [(p.project, _reached(p.events)) for p in plans if top_of[p.spec.key] == spec.key]
            actual = _achieved(facts, year)
            for indicator, value in actual.items():
                factor = Decimal(f"{rng.uniform(low, high):.2f}")
                if indicator.endswith("_count"):
                    target = max(Decimal(1), (value * factor).quantize(Decimal(1)))
                else:
                    step = ROUND_QUANTITY[0] if indicator == SIGNED_INVESTMENT else ROUND_QUANTITY[1]
                    target = max(step, (value * factor / step).quantize(Decimal(1)) * step)
                targets.append(Target(zone=zones[spec.key], year=year, indicator=indicator, value=target))
    return targets


def _achieved(facts, year: int) -> dict:
    """What the projects achieved in the year, indicator by indicator, as the statistics count it."""

    def reached_in(reached, stage) -> bool:
        return reached.get(stage) is not None and reached[stage].year == year

    def count(stage) -> Decimal:
        return Decimal(sum(1 for p, r in facts if reached_in(r, stage) and p.total_investment >= ONE_YI))

    signed = [p for p, r in facts if reached_in(r, Stage.SIGNED)]
    return {
        SIGNED_COUNT: count(Stage.SIGNED),
        STARTED_COUNT: count(Stage.STARTED),
        COMPLETED_COUNT: count(Stage.COMPLETED),
        SIGNED_INVESTMENT: sum((p.total_investment for p in signed), Decimal(0)),
        FOREIGN_INVESTMENT: sum((p.foreign_investment or 0 for p in signed), Decimal(0)),
    }


def build_projects(city) -> None:
    """Projects with their timelines, agreements and the zones' yearly targets, about one per seven enterprises
    unless the city says how many; linked to the firms and parcels the earlier steps planned."""
    n = project_count(city.enterprises) if city.projects is None else city.projects
    if n <= 0:
        return
    rng = city.stream("projects")
    zones, as_of = city.shared["zones"], city.as_of
    # A database flushed by `demo --reset` lost the calendar and deadline rules its migration seeded.
    if not CalendarYear.objects.exists():
        seed_calendar(years=default_calendar_years())
    seed_deadlines()
    specs = city.shared["specs"]
    planned = plan_projects(rng, n=n, firms=city.shared["firms"], zones=zones, as_of=as_of, specs=specs)
    city.bulk_create([p.project for p in planned], "项目 / projects")
    recorder = get_user_model().objects.filter(username="admin").first()
    city.bulk_create(event_objects(planned, recorder), "阶段记录 / stage events")

    linked = {p.firm.enterprise.pk for p in planned if p.firm is not None and p.agreement is not None}
    figures = {}
    for row in EnterpriseYear.objects.filter(enterprise_id__in=linked, land_mu__gt=0).order_by("year"):
        if row.tax is not None and row.industrial_output is not None:
            figures[row.enterprise_id] = (row.tax / row.land_mu, row.industrial_output / row.land_mu)
    settle_capacity_promises(rng, planned, figures)
    city.bulk_create([p.agreement for p in planned if p.agreement is not None], "投资协议 / agreements")
    years = [(city.last_year, (0.75, 1.35)), (as_of.year, (0.8, 2.0))]
    city.bulk_create(target_objects(rng, planned, zones, years, specs), "目标 / targets")
    city.shared["projects"] = planned
    city.count("projects", len(planned))


# How a zone has already answered the alerts of its demo projects: a deadline missed by more than about a year
# has long been taken up (the project's land is in the idle-land procedure, or the investor was summoned), a few
# recent ones are put off with a reason, and the rest are the month's open work.
LONG_LATE_WORKDAYS = 250
LONG_LATE_REASONS = {
    True: "已纳入闲置土地处置程序，按《闲置土地处置办法》调查认定并下发处置决定",
    False: "投资方资金未到位，已约谈并列入重点督办，按季度跟踪",
}
SNOOZE_REASONS = ("施工许可已报审，预计下月开工", "规划方案调整中，待审批后开工", "等待配套电力接入后开工")


def build_alert_responses(city) -> None:
    """Acknowledge the demo's long-overdue deadlines with what the zone does about them and snooze a few recent
    ones, so that the alert list opens on the month's open work, as a zone that has used it for a while has it."""
    from yuanqu.projects.alerts import DEADLINE, project_alerts
    from yuanqu.projects.models import AlertResponse

    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None or not city.shared.get("projects"):
        return
    rng = city.stream("alert-responses")
    responses = []
    for alert in project_alerts(user=admin, today=city.as_of, kind=DEADLINE):
        if alert.days > LONG_LATE_WORKDAYS:
            reason = LONG_LATE_REASONS[alert.project.parcel_id is not None]
            action, until = AlertResponse.Action.ACKNOWLEDGED, None
        elif alert.days > 10 and rng.random() < 0.2:
            reason = rng.choice(SNOOZE_REASONS)
            action, until = AlertResponse.Action.SNOOZED, city.as_of + dt.timedelta(days=rng.choice((14, 30, 45)))
        else:
            continue
        responses.append(
            AlertResponse(
                project=alert.project,
                key=alert.key,
                kind=alert.kind,
                action=action,
                until=until,
                reason=reason,
                responded_by=admin,
            )
        )
    city.bulk_create(responses, "提醒处理 / alert responses")
