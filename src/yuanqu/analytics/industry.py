"""GB/T 4754-2017 industry codes: sections, divisions, groups and classes, and parsing a code as people write it.

The full table (20 sections, 97 divisions, the groups and 1,380 classes) ships as ``data/gbt4754-2017.csv``
(columns level, code, section, name); `SECTIONS` and `DIVISIONS` keep the English names the pages use.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

CLASS_TABLE = Path(__file__).with_name("data") / "gbt4754-2017.csv"

# section letter -> (Chinese name, English name, first division, last division)
SECTIONS: dict[str, tuple[str, str, int, int]] = {
    "A": ("农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery", 1, 5),
    "B": ("采矿业", "Mining", 6, 12),
    "C": ("制造业", "Manufacturing", 13, 43),
    "D": ("电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water supply", 44, 46),
    "E": ("建筑业", "Construction", 47, 50),
    "F": ("批发和零售业", "Wholesale and retail trade", 51, 52),
    "G": ("交通运输、仓储和邮政业", "Transport, storage and post", 53, 60),
    "H": ("住宿和餐饮业", "Accommodation and catering", 61, 62),
    "I": ("信息传输、软件和信息技术服务业", "Information transmission, software and IT services", 63, 65),
    "J": ("金融业", "Finance", 66, 69),
    "K": ("房地产业", "Real estate", 70, 70),
    "L": ("租赁和商务服务业", "Leasing and business services", 71, 72),
    "M": ("科学研究和技术服务业", "Scientific research and technical services", 73, 75),
    "N": ("水利、环境和公共设施管理业", "Water, environment and public facilities management", 76, 79),
    "O": ("居民服务、修理和其他服务业", "Resident services, repair and other services", 80, 82),
    "P": ("教育", "Education", 83, 83),
    "Q": ("卫生和社会工作", "Health and social work", 84, 85),
    "R": ("文化、体育和娱乐业", "Culture, sports and entertainment", 86, 90),
    "S": ("公共管理、社会保障和社会组织", "Public administration, social security and organisations", 91, 96),
    "T": ("国际组织", "International organisations", 97, 97),
}

# division -> (Chinese name, English name)
DIVISIONS: dict[str, tuple[str, str]] = {
    "01": ("农业", "Farming"),
    "02": ("林业", "Forestry"),
    "03": ("畜牧业", "Animal husbandry"),
    "04": ("渔业", "Fishery"),
    "05": ("农、林、牧、渔专业及辅助性活动", "Support activities for agriculture"),
    "06": ("煤炭开采和洗选业", "Coal mining and washing"),
    "07": ("石油和天然气开采业", "Oil and gas extraction"),
    "08": ("黑色金属矿采选业", "Ferrous metal ore mining"),
    "09": ("有色金属矿采选业", "Non-ferrous metal ore mining"),
    "10": ("非金属矿采选业", "Non-metallic mineral mining"),
    "11": ("开采专业及辅助性活动", "Support activities for mining"),
    "12": ("其他采矿业", "Other mining"),
    "13": ("农副食品加工业", "Agricultural and sideline food processing"),
    "14": ("食品制造业", "Food manufacturing"),
    "15": ("酒、饮料和精制茶制造业", "Liquor, beverages and refined tea"),
    "16": ("烟草制品业", "Tobacco products"),
    "17": ("纺织业", "Textiles"),
    "18": ("纺织服装、服饰业", "Textile garments and apparel"),
    "19": ("皮革、毛皮、羽毛及其制品和制鞋业", "Leather, fur, feathers and footwear"),
    "20": ("木材加工和木、竹、藤、棕、草制品业", "Wood, bamboo, rattan, palm and straw products"),
    "21": ("家具制造业", "Furniture"),
    "22": ("造纸和纸制品业", "Paper and paper products"),
    "23": ("印刷和记录媒介复制业", "Printing and reproduction of recording media"),
    "24": ("文教、工美、体育和娱乐用品制造业", "Stationery, crafts, sports and entertainment goods"),
    "25": ("石油、煤炭及其他燃料加工业", "Petroleum, coal and other fuel processing"),
    "26": ("化学原料和化学制品制造业", "Chemical raw materials and chemical products"),
    "27": ("医药制造业", "Pharmaceuticals"),
    "28": ("化学纤维制造业", "Chemical fibres"),
    "29": ("橡胶和塑料制品业", "Rubber and plastic products"),
    "30": ("非金属矿物制品业", "Non-metallic mineral products"),
    "31": ("黑色金属冶炼和压延加工业", "Ferrous metal smelting and rolling"),
    "32": ("有色金属冶炼和压延加工业", "Non-ferrous metal smelting and rolling"),
    "33": ("金属制品业", "Metal products"),
    "34": ("通用设备制造业", "General-purpose equipment"),
    "35": ("专用设备制造业", "Special-purpose equipment"),
    "36": ("汽车制造业", "Automobiles"),
    "37": ("铁路、船舶、航空航天和其他运输设备制造业", "Railway, ship, aerospace and other transport equipment"),
    "38": ("电气机械和器材制造业", "Electrical machinery and equipment"),
    "39": ("计算机、通信和其他电子设备制造业", "Computers, communication and other electronic equipment"),
    "40": ("仪器仪表制造业", "Instruments and meters"),
    "41": ("其他制造业", "Other manufacturing"),
    "42": ("废弃资源综合利用业", "Recycling of waste resources"),
    "43": ("金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
    "44": ("电力、热力生产和供应业", "Electricity and heat production and supply"),
    "45": ("燃气生产和供应业", "Gas production and supply"),
    "46": ("水的生产和供应业", "Water production and supply"),
    "47": ("房屋建筑业", "Building construction"),
    "48": ("土木工程建筑业", "Civil engineering"),
    "49": ("建筑安装业", "Construction installation"),
    "50": ("建筑装饰、装修和其他建筑业", "Building decoration and other construction"),
    "51": ("批发业", "Wholesale"),
    "52": ("零售业", "Retail"),
    "53": ("铁路运输业", "Rail transport"),
    "54": ("道路运输业", "Road transport"),
    "55": ("水上运输业", "Water transport"),
    "56": ("航空运输业", "Air transport"),
    "57": ("管道运输业", "Pipeline transport"),
    "58": ("多式联运和运输代理业", "Multimodal transport and forwarding"),
    "59": ("装卸搬运和仓储业", "Handling and warehousing"),
    "60": ("邮政业", "Postal services"),
    "61": ("住宿业", "Accommodation"),
    "62": ("餐饮业", "Catering"),
    "63": ("电信、广播电视和卫星传输服务", "Telecommunications, broadcasting and satellite transmission"),
    "64": ("互联网和相关服务", "Internet and related services"),
    "65": ("软件和信息技术服务业", "Software and IT services"),
    "66": ("货币金融服务", "Monetary and financial services"),
    "67": ("资本市场服务", "Capital market services"),
    "68": ("保险业", "Insurance"),
    "69": ("其他金融业", "Other financial services"),
    "70": ("房地产业", "Real estate"),
    "71": ("租赁业", "Leasing"),
    "72": ("商务服务业", "Business services"),
    "73": ("研究和试验发展", "Research and experimental development"),
    "74": ("专业技术服务业", "Professional technical services"),
    "75": ("科技推广和应用服务业", "Technology promotion and application services"),
    "76": ("水利管理业", "Water management"),
    "77": ("生态保护和环境治理业", "Ecological protection and environmental treatment"),
    "78": ("公共设施管理业", "Public facilities management"),
    "79": ("土地管理业", "Land management"),
    "80": ("居民服务业", "Resident services"),
    "81": ("机动车、电子产品和日用产品修理业", "Repair of vehicles, electronics and household goods"),
    "82": ("其他服务业", "Other services"),
    "83": ("教育", "Education"),
    "84": ("卫生", "Health"),
    "85": ("社会工作", "Social work"),
    "86": ("新闻和出版业", "News and publishing"),
    "87": ("广播、电视、电影和录音制作业", "Radio, television, film and sound recording"),
    "88": ("文化艺术业", "Culture and arts"),
    "89": ("体育", "Sports"),
    "90": ("娱乐业", "Entertainment"),
    "91": ("中国共产党机关", "Organs of the Communist Party of China"),
    "92": ("国家机构", "State organs"),
    "93": ("人民政协、民主党派", "CPPCC and democratic parties"),
    "94": ("社会保障", "Social security"),
    "95": ("群众团体、社会团体和其他成员组织", "Mass, social and other membership organisations"),
    "96": ("基层群众自治组织及其他组织", "Grass-roots self-governing organisations"),
    "97": ("国际组织", "International organisations"),
}

# Water, power and gas supply: per-mu methods evaluate these but do not grade them.
UTILITY_DIVISIONS = frozenset({"44", "45", "46"})


@dataclass(frozen=True)
class IndustryCode:
    """A GB/T 4754-2017 code at division, group or class level (2, 3 or 4 digits)."""

    code: str
    section: str
    division: str

    @property
    def division_name(self) -> str:
        return DIVISIONS[self.division][0]

    @property
    def section_name(self) -> str:
        return SECTIONS[self.section][0]

    @property
    def name(self) -> str:
        """The Chinese name at the code's own level: the class name of a four-digit code."""
        return code_names().get(self.code, self.division_name)

    @property
    def label(self) -> str:
        return f"{self.section}{self.code} {self.name}"


class IndustryCodeError(ValueError):
    """A code that is not a GB/T 4754-2017 industry code; carries a reason in Chinese and English."""

    def __init__(self, reason_zh: str, reason_en: str):
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@functools.cache
def code_names() -> dict[str, str]:
    """Every group (3 digits) and class (4 digits) of GB/T 4754-2017 with its Chinese name, divisions too."""
    names: dict[str, str] = {}
    with CLASS_TABLE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["level"] in ("2", "3", "4"):
                names[row["code"]] = row["name"]
    return names


@functools.cache
def class_codes() -> frozenset[str]:
    """The 1,380 four-digit classes."""
    return frozenset(code for code in code_names() if len(code) == 4)


def class_name(code: str) -> str:
    """The Chinese name of a group or class code ("3841" → 锂离子电池制造), or "" for an unknown code."""
    return code_names().get(code, "")


def section_of_division(division: str) -> str | None:
    number = int(division)
    for letter, (_zh, _en, first, last) in SECTIONS.items():
        if first <= number <= last:
            return letter
    return None


def parse_industry_code(raw: str) -> IndustryCode:
    """Parse "C3981", "3981", "c39" or "39" into a code with its section and division."""
    text = unicodedata.normalize("NFKC", str(raw)).strip().upper().replace(" ", "")
    letter = ""
    if text[:1].isalpha():
        letter, text = text[0], text[1:]
    if not text.isdigit() or len(text) not in (2, 3, 4):
        raise IndustryCodeError(
            "行业代码应为 2–4 位数字，可带门类字母（如 C3981）",
            "an industry code is 2 to 4 digits, optionally after the section letter (e.g. C3981)",
        )
    division = text[:2]
    if division not in DIVISIONS:
        raise IndustryCodeError(
            f"不存在的行业大类 {division}（GB/T 4754-2017 为 01–97）",
            f"no such industry division {division} (GB/T 4754-2017 has 01–97)",
        )
    section = section_of_division(division)
    if letter and letter != section:
        raise IndustryCodeError(
            f"门类字母 {letter} 与大类 {division} 不符（应为 {section}）",
            f"section letter {letter} does not match division {division} (should be {section})",
        )
    if len(text) > 2 and text not in code_names():
        level_zh, level_en = ("小类", "class") if len(text) == 4 else ("中类", "group")
        raise IndustryCodeError(
            f"GB/T 4754-2017 中没有{level_zh} {text}",
            f"GB/T 4754-2017 has no {level_en} {text}",
        )
    return IndustryCode(code=text, section=section, division=division)
