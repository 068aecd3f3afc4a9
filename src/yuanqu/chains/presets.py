"""The chains shipped with the platform: those of the founding documents, each a CSV of the chain import's columns
(``presets/<key>.csv``). The links, their classes and keywords are yuanqu's judgement, said in each chain's
description; a zone adjusts them to its own chain map (the tree page, or an import of the edited export)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from yuanqu.chains.importers import ChainImporter
from yuanqu.chains.models import Chain
from yuanqu.chains.services import save_chain
from yuanqu.core.importing.pipeline import run_import

FOLDER = Path(__file__).with_name("presets")


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    judgement: str

    @property
    def path(self) -> Path:
        return FOLDER / f"{self.key}.csv"


PRESETS = (
    Preset(
        "power_battery",
        "动力电池",
        "yuanqu 的判断：按材料—电芯—应用划分，依据金坛动力电池产业链。正极材料多登记为 2613 无机盐制造或 3985 电子专用材料制造，"
        "负极为 3091 石墨及碳素制品制造；电解液、集流体、电池管理系统、储能和回收在 GB/T 4754-2017 中无专属小类，只按产品关键词识别。",
    ),
    Preset(
        "nev_auto",
        "新能源与智能网联汽车及零部件",
        "yuanqu 的判断：依据常熟“现代汽车城”和仪征汽车产业，以新能源整车（3612）为终端，零部件按系统划分；"
        "3670 汽车零部件及配件制造范围很宽，单列为“其他汽车零部件”，其余零部件优先按产品关键词归入具体系统。",
    ),
    Preset(
        "biomedicine",
        "生物医药",
        "yuanqu 的判断：依据泰州医药城和常熟新材料产业园的生物医药板块，按高技术产业（制造业）分类的医药制造业和医疗仪器设备制造划分；"
        "研发外包按 7340 医学研究和试验发展，医药冷链只按关键词识别。",
    ),
    Preset(
        "power_transmission",
        "输变电装备",
        "yuanqu 的判断：依据宝应输变电装备“5+N”（输电、变电、配电、用电、材料）；输电铁塔登记为 3311 金属结构制造的企业很多，"
        "为免把一般钢结构企业算入，该环节只按产品关键词识别。",
    ),
    Preset(
        "new_materials",
        "新材料",
        "yuanqu 的判断：依据金坛、常熟、如东的新材料产业，按战略性新兴产业分类“3 新材料产业”的大类选取 GB/T 4754-2017 小类，"
        "基础原料和有色冶炼作为上游，技术推广和检验检测作为下游服务。",
    ),
    Preset(
        "logistics",
        "现代物流与供应链",
        "yuanqu 的判断：服务业产业链示例，按装备与系统—运输与仓储—供应链服务划分；物流信息系统在 6513 应用软件开发中无法与其他软件区分，只按关键词识别。",
    ),
)


def preset(key: str) -> Preset:
    for item in PRESETS:
        if item.key == key:
            return item
    raise KeyError(key)


def load_preset(item: Preset, *, zones, user=None) -> Chain:
    """Create (or refresh) the preset's chain for these zones and import its links; raises ValueError with the
    import's problems when the file does not import."""
    with transaction.atomic():
        chain = Chain.objects.filter(name=item.name).first() or Chain(name=item.name)
        chain.description = chain.description or item.judgement
        chain.preset = item.key
        existing = list(chain.zones.values_list("pk", flat=True)) if chain.pk else []
        zone_objects = list(zones)
        merged = {z.pk: z for z in zone_objects}
        if existing:
            from yuanqu.zones.models import Zone

            merged.update({z.pk: z for z in Zone.objects.filter(pk__in=existing)})
        save_chain(chain=chain, user=user, zones=list(merged.values()))
        report = run_import(ChainImporter(), item.path, user=user)
        if not report.ok:
            raise ValueError("\n".join(report.lines()))
    return chain
