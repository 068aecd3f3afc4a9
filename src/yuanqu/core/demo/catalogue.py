"""The fictional city 云溪市 in southern Jiangsu: its zones and sub-parks, industries, place names and words.

Every name here is invented; codes only look like the catalogue's (G = national, S = provincial).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

CITY = "云溪市"
PROVINCE = "江苏"


@dataclass(frozen=True)
class ZoneSpec:
    """One zone or sub-park of the demo city and how its land is laid out and used."""

    key: str
    code: str
    name: str
    short_name: str
    level: str
    kind: str
    region: str  # administrative division code, used in credit codes and parcel codes
    share: float  # share of the city's parcels
    parent: str | None = None
    approved_on: dt.date | None = None
    approved_area_ha: Decimal | None = None
    leading_industries: str = ""
    industry_boost: dict[str, float] = field(default_factory=dict)
    land_use: dict[str, float] | None = None  # overrides LAND_USE_MIX
    standard_factory_share: float = 0.03  # share of its in-use industrial parcels that are 标准厂房
    angle_deg: float = 0.0  # road grid orientation


# Land use of parcels in a typical zone (by count): mostly industrial.
LAND_USE_MIX = {
    "industrial": 0.66,
    "warehouse": 0.06,
    "commercial": 0.08,
    "residential": 0.05,
    "public_service": 0.06,
    "infrastructure": 0.08,
    "other": 0.01,
}

ZONES: tuple[ZoneSpec, ...] = (
    ZoneSpec(
        key="etdz",
        code="G321061",
        name="云溪经济技术开发区",
        short_name="云溪经开区",
        level="national",
        kind="etdz",
        region="320591",
        share=0.20,
        approved_on=dt.date(2010, 11, 30),
        approved_area_ha=Decimal("1050.00"),
        leading_industries="电子信息、高端装备制造、汽车零部件",
        industry_boost={"39": 1.6, "34": 1.3, "35": 1.3, "36": 1.3, "38": 1.2},
        angle_deg=12.0,
    ),
    ZoneSpec(
        key="etdz-electronics",
        code="G321061-01",
        name="云溪经济技术开发区电子信息产业园",
        short_name="电子信息产业园",
        level="national",
        kind="etdz",
        region="320591",
        share=0.08,
        parent="etdz",
        approved_on=dt.date(2012, 6, 18),
        approved_area_ha=Decimal("236.50"),
        leading_industries="集成电路、新型显示、电子元器件",
        industry_boost={"39": 4.0, "38": 1.5, "40": 1.5},
        angle_deg=12.0,
    ),
    ZoneSpec(
        key="etdz-auto",
        code="G321061-02",
        name="云溪经济技术开发区汽车零部件产业园",
        short_name="汽车零部件产业园",
        level="national",
        kind="etdz",
        region="320591",
        share=0.07,
        parent="etdz",
        approved_on=dt.date(2013, 4, 9),
        approved_area_ha=Decimal("198.00"),
        leading_industries="汽车零部件、新能源汽车、智能网联",
        industry_boost={"36": 6.0, "33": 1.5, "29": 1.5, "38": 1.3},
        angle_deg=8.0,
    ),
    ZoneSpec(
        key="etdz-bonded",
        code="G323021",
        name="云溪综合保税区",
        short_name="云溪综保区",
        level="national",
        kind="bonded",
        region="320591",
        share=0.05,
        parent="etdz",
        approved_on=dt.date(2015, 1, 12),
        approved_area_ha=Decimal("298.00"),
        leading_industries="保税加工、保税物流、跨境电商",
        industry_boost={"39": 2.0, "40": 1.5},
        land_use={"industrial": 0.55, "warehouse": 0.35, "infrastructure": 0.07, "commercial": 0.03},
        angle_deg=0.0,
    ),
    ZoneSpec(
        key="htz",
        code="G322031",
        name="云溪高新技术产业开发区",
        short_name="云溪高新区",
        level="national",
        kind="htz",
        region="320592",
        share=0.12,
        approved_on=dt.date(2015, 9, 29),
        approved_area_ha=Decimal("420.00"),
        leading_industries="新一代信息技术、生物医药、新材料",
        industry_boost={"39": 1.5, "27": 2.5, "40": 2.0, "35": 1.3},
        angle_deg=-6.0,
    ),
    ZoneSpec(
        key="htz-bio",
        code="G322031-01",
        name="云溪高新区生物医药产业园",
        short_name="生物医药产业园",
        level="national",
        kind="htz",
        region="320592",
        share=0.05,
        parent="htz",
        approved_on=dt.date(2016, 8, 2),
        approved_area_ha=Decimal("105.30"),
        leading_industries="创新药、医疗器械、生物制品",
        industry_boost={"27": 12.0, "35": 2.0, "40": 1.5},
        angle_deg=-6.0,
    ),
    ZoneSpec(
        key="htz-materials",
        code="G322031-02",
        name="云溪高新区新材料产业园",
        short_name="新材料产业园",
        level="national",
        kind="htz",
        region="320592",
        share=0.05,
        parent="htz",
        approved_on=dt.date(2017, 3, 15),
        approved_area_ha=Decimal("126.80"),
        leading_industries="电子化学品、高性能膜材料、先进金属材料",
        industry_boost={"26": 4.0, "32": 2.5, "30": 2.0, "29": 1.5},
        angle_deg=20.0,
    ),
    ZoneSpec(
        key="htz-innovation",
        code="G322031-03",
        name="云溪高新区科技创新园",
        short_name="科技创新园",
        level="national",
        kind="htz",
        region="320592",
        share=0.03,
        parent="htz",
        approved_on=dt.date(2018, 5, 20),
        approved_area_ha=Decimal("48.60"),
        leading_industries="智能传感、工业软件、检验检测",
        industry_boost={"39": 2.0, "40": 3.0, "35": 1.5},
        land_use={"industrial": 0.62, "commercial": 0.16, "public_service": 0.12, "infrastructure": 0.10},
        standard_factory_share=0.25,
        angle_deg=-6.0,
    ),
    ZoneSpec(
        key="prov",
        code="S321285",
        name="溪南经济开发区",
        short_name="溪南开发区",
        level="provincial",
        kind="provincial_dz",
        region="320507",
        share=0.12,
        approved_on=dt.date(1993, 11, 25),
        approved_area_ha=Decimal("462.35"),
        leading_industries="装备制造、化工新材料、纺织服装",
        industry_boost={"34": 1.6, "35": 1.4, "26": 1.5, "17": 1.6, "18": 1.4, "33": 1.3},
        angle_deg=4.0,
    ),
    ZoneSpec(
        key="prov-chemical",
        code="S321285-01",
        name="溪南经济开发区精细化工园",
        short_name="精细化工园",
        level="provincial",
        kind="provincial_dz",
        region="320507",
        share=0.05,
        parent="prov",
        approved_on=dt.date(2006, 10, 11),
        approved_area_ha=Decimal("152.00"),
        leading_industries="精细化工、医药中间体、涂料",
        industry_boost={"26": 12.0, "27": 2.0, "28": 2.0, "29": 1.5},
        land_use={"industrial": 0.78, "warehouse": 0.10, "infrastructure": 0.10, "public_service": 0.02},
        angle_deg=-15.0,
    ),
    ZoneSpec(
        key="prov-equipment",
        code="S321285-02",
        name="溪南经济开发区装备制造产业园",
        short_name="装备制造产业园",
        level="provincial",
        kind="provincial_dz",
        region="320507",
        share=0.05,
        parent="prov",
        approved_on=dt.date(2009, 7, 1),
        approved_area_ha=Decimal("137.40"),
        leading_industries="通用设备、专用设备、金属制品",
        industry_boost={"34": 3.5, "35": 3.0, "33": 2.0, "37": 2.0},
        angle_deg=4.0,
    ),
    ZoneSpec(
        key="cluster",
        code="JZQ320585001",
        name="桐泾镇工业集中区",
        short_name="桐泾工业集中区",
        level="other",
        kind="industrial_cluster",
        region="320585",
        share=0.10,
        approved_on=dt.date(2006, 3, 15),
        approved_area_ha=Decimal("186.40"),
        leading_industries="纺织、金属制品、塑料制品",
        industry_boost={"17": 3.0, "18": 2.0, "33": 2.0, "29": 2.0, "30": 1.5, "21": 1.5},
        angle_deg=-20.0,
    ),
    ZoneSpec(
        key="cluster-smes",
        code="JZQ320585001-01",
        name="桐泾镇小微企业创业园",
        short_name="小微企业创业园",
        level="other",
        kind="industrial_cluster",
        region="320585",
        share=0.03,
        parent="cluster",
        approved_on=dt.date(2014, 9, 26),
        approved_area_ha=Decimal("21.70"),
        leading_industries="小微制造、电子装配、五金加工",
        industry_boost={"33": 2.0, "39": 1.5, "29": 1.5, "41": 2.0},
        land_use={"industrial": 0.85, "warehouse": 0.05, "infrastructure": 0.08, "public_service": 0.02},
        standard_factory_share=0.6,
        angle_deg=-20.0,
    ),
)

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
    "18": Trade(2.5, ("1810", "1820", "1830"), ("服饰", "服装", "制衣"), 0.6, 0.8, 0.03, 0.9, 0.5),
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
