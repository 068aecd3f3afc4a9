"""The enterprises' part of the demo city: the trades of a southern Jiangsu manufacturing base, who uses which
parcel (owners, project companies, platform companies and renters), their names and credit codes, and yearly
figures that hang together.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from stdnum.cn import uscc as stdnum_uscc

from yuanqu.core.bulk import insert_objects
from yuanqu.core.demo import days, dec
from yuanqu.enterprises.demo_products import business_scope, main_products
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.services import set_industry
from yuanqu.zones.demo import PROVINCE, ZONES, ZoneSpec

# Platform company per top-level zone that owns its standard factory buildings (标准厂房) and rents them out.
PLATFORM_COMPANIES = {
    "etdz": "云溪经开区标准厂房建设发展有限公司",
    "htz": "云溪高新区科技产业园开发有限公司",
    "prov": "溪南开发区资产经营有限公司",
    "cluster": "桐泾镇集体资产经营有限公司",
}
PLATFORM_INDUSTRY = "7040"  # 房地产租赁经营


# GB/T 4754-2017 divisions with weights for a southern Jiangsu manufacturing base, their classes
# (4-digit codes), the words companies of that trade put in their names, and yearly-figure factors:
# revenue per mu, tax share of revenue, electricity per 万元 output (万kWh), electricity's share of energy,
# pollutant emissions relative to the average.
@dataclass(frozen=True)
class Trade:
    weight: float
    classes: tuple[str, ...]
    words: tuple[str, ...]
    revenue: float = 1.0
    tax: float = 1.0
    electricity: float = 0.06
    electric_share: float = 0.8
    emissions: float = 1.0


TRADES: dict[str, Trade] = {
    "13": Trade(1.0, ("1331", "1391"), ("食品", "粮油", "农产品"), 1.1, 0.7, 0.04, 0.6, 1.5),
    "14": Trade(1.0, ("1411", "1441"), ("食品", "乳业", "食品科技"), 1.0, 0.9, 0.05, 0.6, 1.5),
    "15": Trade(0.4, ("1512", "1529"), ("酒业", "饮料"), 0.9, 2.0, 0.04, 0.6, 1.5),
    "17": Trade(5.0, ("1711", "1712", "1713", "1751"), ("纺织", "印染", "织造", "纺织科技"), 0.7, 0.7, 0.10, 0.7, 2.5),
    "18": Trade(2.5, ("1811", "1821", "1830"), ("服饰", "服装", "制衣"), 0.6, 0.8, 0.03, 0.9, 0.5),
    "19": Trade(0.4, ("1951", "1952"), ("鞋业", "皮革制品"), 0.6, 0.8, 0.03, 0.9, 1.0),
    "20": Trade(0.4, ("2021",), ("木业",), 0.6, 0.7, 0.06, 0.8, 1.2),
    "21": Trade(1.0, ("2110", "2130"), ("家具", "家居"), 0.7, 0.8, 0.04, 0.8, 1.0),
    "22": Trade(1.0, ("2221", "2231"), ("纸业", "包装材料"), 0.8, 0.8, 0.14, 0.5, 2.5),
    "23": Trade(0.8, ("2319",), ("印务", "包装印刷"), 0.7, 0.9, 0.04, 0.9, 0.8),
    "24": Trade(0.8, ("2411", "2439"), ("文体用品", "工艺品"), 0.7, 0.8, 0.03, 0.9, 0.5),
    "25": Trade(0.2, ("2511",), ("石化", "能源"), 2.0, 1.2, 0.05, 0.3, 3.0),
    "26": Trade(
        6.0,
        ("2614", "2619", "2641", "2651", "2662", "2669"),
        ("化工", "新材料", "精细化工", "化学"),
        1.4,
        1.2,
        0.12,
        0.45,
        3.0,
    ),
    "27": Trade(
        3.0, ("2710", "2720", "2761", "2770"), ("医药", "生物医药", "药业", "生物科技"), 1.1, 1.6, 0.05, 0.6, 1.5
    ),
    "28": Trade(1.0, ("2822", "2829"), ("化纤", "合成纤维"), 1.3, 0.6, 0.15, 0.5, 2.0),
    "29": Trade(
        5.0, ("2913", "2922", "2926", "2929"), ("塑胶", "塑业", "橡塑制品", "塑料制品"), 0.9, 0.8, 0.08, 0.85, 1.2
    ),
    "30": Trade(3.0, ("3021", "3042", "3062", "3089"), ("建材", "玻璃", "新型建材", "陶瓷"), 0.8, 0.9, 0.15, 0.4, 2.5),
    "31": Trade(1.0, ("3130", "3140"), ("钢业", "特钢"), 1.8, 0.6, 0.25, 0.5, 3.0),
    "32": Trade(2.0, ("3216", "3251", "3252"), ("铝业", "铜业", "金属材料"), 1.7, 0.6, 0.18, 0.6, 2.0),
    "33": Trade(7.0, ("3311", "3321", "3360", "3399"), ("金属制品", "五金", "金属科技"), 0.8, 0.9, 0.09, 0.85, 1.2),
    "34": Trade(
        9.0,
        ("3441", "3442", "3444", "3451", "3453", "3484"),
        ("机械", "精密机械", "通用设备", "传动科技", "轴承"),
        1.0,
        1.0,
        0.04,
        0.9,
        0.6,
    ),
    "35": Trade(
        8.0,
        ("3562", "3563", "3544", "3581", "3599"),
        ("智能装备", "自动化设备", "机电设备", "医疗器械"),
        1.0,
        1.1,
        0.035,
        0.9,
        0.5,
    ),
    "36": Trade(6.0, ("3612", "3660", "3670"), ("汽车零部件", "汽车部件", "汽车科技"), 1.3, 1.0, 0.04, 0.85, 0.7),
    "37": Trade(1.5, ("3731", "3734"), ("船舶配件", "轨道交通设备"), 1.0, 0.9, 0.05, 0.8, 0.8),
    "38": Trade(
        11.0,
        ("3811", "3812", "3821", "3823", "3825", "3831", "3841", "3872"),
        ("电气", "电器", "新能源科技", "电缆", "电机"),
        1.2,
        0.9,
        0.05,
        0.9,
        0.6,
    ),
    "39": Trade(
        18.0,
        ("3912", "3922", "3972", "3973", "3974", "3976", "3981", "3982", "3983", "3985"),
        ("电子", "电子科技", "光电科技", "半导体", "微电子"),
        1.4,
        0.6,
        0.05,
        0.95,
        0.5,
    ),
    "40": Trade(
        3.0, ("4011", "4014", "4021", "4040"), ("仪器", "仪表", "自动化仪表", "光学"), 1.0, 1.3, 0.03, 0.95, 0.4
    ),
    "41": Trade(0.5, ("4190",), ("制品", "实业"), 0.7, 0.8, 0.05, 0.9, 0.8),
    "42": Trade(0.5, ("4210", "4220"), ("再生资源", "环保科技"), 0.9, 0.7, 0.08, 0.7, 2.0),
    "43": Trade(0.5, ("4320", "4330"), ("设备维修", "机电工程"), 0.6, 1.0, 0.04, 0.9, 0.5),
    # Utilities: evaluated but not graded by per-mu methods.
    "44": Trade(0.4, ("4412", "4416", "4430"), ("热电", "能源", "光伏电力"), 1.5, 0.8, 0.10, 0.3, 4.0),
    "45": Trade(0.2, ("4511",), ("燃气",), 2.0, 0.6, 0.02, 0.8, 0.5),
    "46": Trade(0.2, ("4610", "4620"), ("水务", "污水处理"), 0.4, 0.8, 0.30, 0.95, 1.5),
}

# Places companies put in front of their names (the city, its districts and towns), all invented.
PLACES = ("云溪", "溪南", "桐泾", "澄湖", "云港", "青枫", "鹭洲", "金溪", "瑶湾", "晴岚", "柳塘")

# Characters that make up trade names (字号): two of them form one.
NAME_CHARS = (
    "恒锐华鑫联创博泰瑞盛达源晟通凯宏嘉德新禾诚信科立宇航捷汇昌隆弘毅卓越远致精睿东明天海金川正和祥富润丰力"
    "众合威凌尚微光峰中旭安永美兴利"
)

# Organisation-code check character (GB 11714-1997) weights.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

HOME_PLACE = {"etdz": "云港", "htz": "云溪", "prov": "溪南", "cluster": "桐泾"}
LOGISTICS = Trade(0.0, ("5920", "5930"), ("物流", "供应链管理", "仓储"), 0.35, 0.8, 0.02, 0.9, 0.3)


@dataclass
class EnterprisePlan:
    """A firm being planned: what kind it is, which parcels it owns or rents (the land's parcel plans), its trade
    and dates, and the enterprise once made."""

    kind: str  # owner, renter, project, platform
    spec: ZoneSpec
    owned: list = field(default_factory=list)  # the land's ParcelPlans
    rented: list[tuple[object, float]] = field(default_factory=list)
    division: str = ""
    trade: Trade | None = None
    production_started_on: dt.date | None = None
    registered_on: dt.date | None = None
    status: str = "active"
    closed_on: dt.date | None = None
    land_mu: Decimal = Decimal(0)
    enterprise: object = None


def build_enterprises(city) -> None:
    """The firms on the parcels the land's step planned, and their enterprises (``city.shared["firms"]``)."""
    firms = _plan_enterprises(
        city.stream("enterprises"),
        city.shared["parcel_plans"],
        city.enterprises,
        city.as_of,
        city.last_year,
        city.shared["specs"],
    )
    objects = _enterprise_objects(city.stream("names"), firms, city.shared["zones"])
    city.shared["firms"] = firms
    city.count("enterprises", len(objects))
    city.bulk_create(objects, "企业 / enterprises")


def build_years(city) -> None:
    """Every producing firm's yearly figures, over the city's years (after the land's step gave each its land)."""
    rng = city.stream("figures")
    producing = [f for f in city.shared["firms"] if f.production_started_on is not None]
    with city.progress("企业年度数据（按企业）/ yearly figures, by enterprise", total=len(producing)) as bar:
        for start in range(0, len(producing), 400):
            chunk = producing[start : start + 400]
            rows = []
            for firm in chunk:
                rows.extend(_years_of(rng, firm, city.first_year, city.last_year))
            insert_objects(rows)
            city.log_created(rows)
            city.count("enterprise_years", len(rows))
            bar.advance(len(chunk))


def _plan_enterprises(
    rng: random.Random,
    plans: list[object],
    n: int,
    as_of: dt.date,
    last_year: int,
    specs: tuple[ZoneSpec, ...] = ZONES,
) -> list[EnterprisePlan]:
    """Who uses which parcel: owners, project companies, platform companies and renters."""
    productive = [p for p in plans if p.parcel.land_use in ("industrial", "warehouse")]
    in_use = [p for p in productive if p.in_use and not p.standard_factory]
    projects = [p for p in productive if p.project_site]
    standard = [p for p in productive if p.standard_factory]
    rng.shuffle(in_use)
    rng.shuffle(projects)

    top_of = {spec.key: spec.parent or spec.key for spec in specs}
    by_key = {spec.key: spec for spec in specs}
    platform_tops = sorted({top_of[p.spec.key] for p in standard}, key=list(by_key).index)
    n_platform = min(len(platform_tops), max(0, n // 10))
    n_project = min(round(0.6 * len(projects)), round(0.12 * n))
    n_owner = min(len(in_use), round(0.42 * n), n - n_platform - n_project)
    n_renter = n - n_platform - n_project - n_owner

    firms: list[EnterprisePlan] = []
    for key in platform_tops[:n_platform]:
        firm = EnterprisePlan(kind="platform", spec=by_key[key])
        firm.owned = [p for p in standard if top_of[p.spec.key] == key]
        firm.registered_on = by_key[key].approved_on + dt.timedelta(days=400)
        firms.append(firm)

    owners = []
    for plan in in_use[:n_owner]:
        firm = EnterprisePlan(kind="owner", spec=plan.spec, owned=[plan])
        firm.production_started_on = min(plan.parcel.completed_on + days(rng, 30, 240), as_of - dt.timedelta(days=20))
        owners.append(firm)
    firms.extend(owners)
    owners_in = {}
    for firm in owners:
        owners_in.setdefault(firm.spec.key, []).append(firm)

    # Parcels left over: some are a bigger firm's second site, the rest belong to landlords outside the
    # register (village collectives, property companies) and are rented out to small firms.
    landlord = []
    for plan in in_use[n_owner:]:
        local = owners_in.get(plan.spec.key)
        if local and rng.random() < 0.3:
            rng.choice(local).owned.append(plan)
        else:
            landlord.append(plan)

    for plan in projects[:n_project]:
        firm = EnterprisePlan(kind="project", spec=plan.spec, owned=[plan])
        firm.registered_on = plan.parcel.supplied_on - days(rng, 30, 400)
        firms.append(firm)
    for plan in projects[n_project:]:
        local = owners_in.get(plan.spec.key)
        if local:
            rng.choice(local).owned.append(plan)  # an expansion of a firm already in production

    # Renters take part of a standard factory, a landlord's parcel or an owner's parcel.
    for plan in standard + landlord:
        plan.capacity_mu = 0.9 * float(plan.parcel.area_mu)
    for firm in owners:
        firm.owned[0].capacity_mu = 0.35 * float(firm.owned[0].parcel.area_mu)
    pools = [(standard, 0.5), (landlord, 0.3), ([f.owned[0] for f in owners], 0.2)]
    pools = [(pool, share) for pool, share in pools if pool]
    for _ in range(n_renter):
        want = min(max(rng.lognormvariate(math.log(3.5), 0.8), 0.5), 30.0)
        host = _pick_host(rng, pools, want)
        if host is None:
            break
        area = max(min(want, host.capacity_mu), 0.3)
        host.capacity_mu = max(host.capacity_mu - area, 0.0)
        host.rented_mu += area
        firm = EnterprisePlan(kind="renter", spec=host.spec, rented=[(host, area)])
        earliest = host.parcel.completed_on + dt.timedelta(days=60)
        latest = as_of - dt.timedelta(days=30)
        span = max((latest - earliest).days, 1)
        firm.production_started_on = earliest + dt.timedelta(days=round(span * rng.random() ** 1.8))
        firms.append(firm)

    weights = {spec.key: _trade_weights(spec) for spec in specs}
    for firm in firms:
        _complete_firm(rng, firm, weights[firm.spec.key], as_of, last_year)
    return firms


def _pick_host(rng: random.Random, pools, want: float) -> object | None:
    """A parcel with room for the renter: a random pick by pool share, else the roomiest parcel."""
    if not pools:
        return None
    shares = [share for _pool, share in pools]
    for _ in range(12):
        pool = rng.choices(pools, weights=shares)[0][0]
        host = rng.choice(pool)
        if host.capacity_mu >= min(want, 0.5):
            return host
    roomiest = max((p for pool, _ in pools for p in pool), key=lambda p: p.capacity_mu)
    return roomiest


def _trade_weights(spec: ZoneSpec) -> tuple[list[str], list[float]]:
    divisions = [d for d, t in TRADES.items() if t.weight > 0]
    cumulative = list(itertools.accumulate(TRADES[d].weight * spec.industry_boost.get(d, 1.0) for d in divisions))
    return divisions, cumulative


def _complete_firm(rng: random.Random, firm: EnterprisePlan, weights, as_of: dt.date, last_year: int) -> None:
    """Industry, registration date and status of one firm."""
    if firm.kind == "platform":
        firm.division, firm.trade = "70", None
        return
    land_use = (firm.owned or [host for host, _ in firm.rented])[0].parcel.land_use
    if land_use == "warehouse" and rng.random() < 0.5:
        firm.division, firm.trade = "59", LOGISTICS
    else:
        divisions, cumulative = weights
        firm.division = divisions[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
        firm.trade = TRADES[firm.division]
    if firm.kind == "project":
        return
    firm.registered_on = firm.production_started_on - days(rng, 150, 1100)
    draw = rng.random()
    if draw < 0.03:
        firm.status = "suspended"
    elif draw < 0.045:
        firm.status = "closed"
    elif draw < 0.053:
        firm.status = "relocated"
    if firm.status in ("closed", "relocated"):
        year = last_year - rng.randint(0, 2)
        closed = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        firm.closed_on = max(closed, firm.production_started_on + dt.timedelta(days=200))
        if firm.closed_on > as_of:
            firm.status, firm.closed_on = "active", None


def _org_code(rng: random.Random, registered_on: dt.date) -> str:
    """A nine-character organisation code with its GB 11714 check character; new style from late 2015."""
    if registered_on >= dt.date(2015, 10, 1):
        body = "MA" + rng.choice("123") + "".join(rng.choice(USCC_ALPHABET) for _ in range(5))
    else:
        body = str(rng.randint(1, 7)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _uscc(rng: random.Random, region: str, registered_on: dt.date, taken: set[str]) -> str:
    while True:
        first17 = "91" + region + _org_code(rng, registered_on)
        code = first17 + stdnum_uscc.calc_check_digit(first17)
        if code not in taken:
            taken.add(code)
            return code


def _company_name(rng: random.Random, firm: EnterprisePlan, taken: set[str]) -> str:
    if firm.kind == "platform":
        # Zones other than the demo city's own (a province's, in the benchmarks) are named after their short name.
        return PLATFORM_COMPANIES.get(firm.spec.key) or f"{firm.spec.short_name}标准厂房建设发展有限公司"
    home = HOME_PLACE.get(firm.spec.parent or firm.spec.key) or firm.spec.short_name[:2]
    chars = NAME_CHARS
    for attempt in range(200):
        word = rng.choice(chars) + rng.choice(chars)
        if word[0] == word[1]:
            continue
        if attempt >= 20:  # a crowded trade: a three-character trade name
            word += rng.choice(chars)
        trade_word = rng.choice(firm.trade.words)
        draw = rng.random()
        place = home if draw < 0.45 else ("云溪" if draw < 0.7 else rng.choice(PLACES))
        form = rng.random()
        if form < 0.70:
            name = f"{place}{word}{trade_word}有限公司"
        elif form < 0.82:
            name = f"{word}{trade_word}（{place}）有限公司"
        elif form < 0.90:
            name = f"{place}{word}{trade_word}股份有限公司"
        else:
            name = f"{PROVINCE}{word}{trade_word}有限公司"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("no free company name")  # pragma: no cover - 200 misses in a row do not happen


def _enterprise_objects(rng: random.Random, firms: list[EnterprisePlan], zones) -> list:
    usccs: set[str] = set()
    names: set[str] = set(PLATFORM_COMPANIES.values())
    objects = []
    for firm in firms:
        if firm.kind == "platform":
            code = PLATFORM_INDUSTRY
        else:
            code = rng.choice(firm.trade.classes)
        if firm.kind == "platform":
            zone = zones[firm.spec.key]
        else:
            zone = (firm.owned or [host for host, _area in firm.rented])[0].parcel.zone
        firm.enterprise = Enterprise(
            uscc=_uscc(rng, firm.spec.region, firm.registered_on, usccs),
            name=_company_name(rng, firm, names),
            zone=zone,
            status=firm.status,
            production_started_on=firm.production_started_on,
        )
        set_industry(firm.enterprise, code)
        firm.enterprise.main_products = main_products(code, firm.enterprise.uscc)
        firm.enterprise.business_scope = business_scope(code, firm.enterprise.main_products)
        objects.append(firm.enterprise)
    return objects


def _years_of(rng: random.Random, firm: EnterprisePlan, first_year: int, last_year: int) -> list:
    """One EnterpriseYear per year the firm produced in, with figures that hang together."""
    start = max(first_year, firm.production_started_on.year)
    end = last_year if firm.closed_on is None else min(last_year, firm.closed_on.year - 1)
    land = firm.land_mu
    if start > end or not land:
        return []
    trade = firm.trade
    land_f = float(land)
    renter = firm.kind == "renter"

    revenue_per_mu = rng.lognormvariate(math.log(330.0), 0.7) * trade.revenue
    tax_share = rng.lognormvariate(math.log(0.062), 0.45) * trade.tax
    if rng.random() < 0.015:
        tax_share *= rng.uniform(0.005, 0.05)  # loss-makers and shells: under 1 万元 per mu
    growth = rng.gauss(0.05, 0.07)
    value_added_share = rng.uniform(0.2, 0.3)
    electricity_rate = trade.electricity * rng.lognormvariate(0.0, 0.3)
    emission_rate = trade.emissions / rng.lognormvariate(math.log(5000.0), 0.8)  # t per 万元 value added
    emissions_known = rng.random() > (0.3 if renter else 0.05)
    productivity = rng.lognormvariate(math.log(18.0), 0.35)  # 万元 value added per person
    tech_odds = 0.13 * (2.0 if firm.division in ("27", "39", "40") else 1.0) * (0.4 if renter else 1.0)
    high_tech_from = None
    if rng.random() < tech_odds:
        high_tech_from = start if rng.random() < 0.6 else rng.randint(start, end + 1)
    if high_tech_from is not None:
        rd_share = rng.uniform(0.03, 0.06)
    elif renter and rng.random() < 0.4:
        rd_share = 0.0
    else:
        rd_share = min(rng.lognormvariate(math.log(0.012), 0.7), 0.06)

    rows = []
    level = 1.0
    for year in range(start, end + 1):
        if year > start:
            level *= max(1.0 + growth + rng.gauss(0.0, 0.06), 0.3)
        ramp = 1.0
        if year == firm.production_started_on.year:
            ramp = rng.uniform(0.3, 0.7)  # the first year of production is a part year
        if firm.status == "suspended" and year == last_year:
            ramp *= 0.25
        revenue = revenue_per_mu * land_f * level * ramp
        output = revenue * rng.uniform(0.94, 1.05)
        value_added = output * min(max(value_added_share + rng.gauss(0.0, 0.01), 0.2), 0.3)
        electricity = output * electricity_rate * rng.lognormvariate(0.0, 0.05)
        rows.append(
            EnterpriseYear(
                enterprise=firm.enterprise,
                year=year,
                above_scale=revenue >= 2000.0,  # 规上: main business revenue of 20 million yuan or more
                land_mu=land,
                tax=dec(revenue * tax_share * rng.lognormvariate(0.0, 0.12)),
                revenue=dec(revenue),
                industrial_output=dec(output),
                value_added=dec(value_added),
                energy_tce=dec(electricity * 1.229 / trade.electric_share),
                electricity=dec(electricity),
                emissions=dec(value_added * emission_rate * rng.lognormvariate(0.0, 0.1), 3)
                if emissions_known
                else None,
                rd_spending=dec(revenue * min(rd_share * rng.lognormvariate(0.0, 0.15), 0.06)),
                employees=max(3, round(value_added / (productivity * rng.lognormvariate(0.0, 0.05)))),
                high_tech=high_tech_from is not None and year >= high_tech_from,
                incident=rng.random() < 0.01,
            )
        )
    return rows
