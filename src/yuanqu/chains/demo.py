"""The demo city's chains: the shipped presets for the zones whose leading industries they are, each with its
leading firms (the largest local firms of its core links), target firms for some of its gaps (some of them
suppliers or customers of a leading firm), and projects of the ledger tagged with the link they fill."""

from __future__ import annotations

from yuanqu.chains.models import ChainProject, ProjectKind, TargetFirm
from yuanqu.chains.presets import preset
from yuanqu.chains.selectors import chain_coverage
from yuanqu.projects.models import Project, Stage

# preset → the demo zones (keys of zones.demo.ZONES) whose leading industry it is
DEMO_CHAINS = {
    "nev_auto": ("etdz",),
    "power_battery": ("etdz",),
    "logistics": ("etdz",),
    "biomedicine": ("htz",),
    "new_materials": ("htz", "prov"),
    "power_transmission": ("prov",),
}
PLACES = ("常州市", "苏州市", "无锡市", "南京市", "上海市", "宁波市", "合肥市", "深圳市", "成都市", "西安市")
WORDS = ("华科", "恒创", "中拓", "瑞联", "博远", "新能", "科睿", "天合", "凯盛", "德润", "海川", "立信")
REASONS = (
    "填补本地空白环节，可与链主企业就近配套",
    "链主企业的主要供应商，现有供货半径过长",
    "行业前列企业，正在长三角布局新产能",
    "与本地企业已有合作，具备落地意向",
)


OWNERS = ("周副市长", "陈副市长", "刘副市长", "吴常委", "郑副市长", "孙副市长")


def build_chains(city) -> None:
    """The presets over the demo enterprises: filled links, gaps, leading firms, targets and tagged projects."""
    from yuanqu.chains.presets import load_preset

    zones = city.shared["zones"]
    rng = city.stream("chains")
    created = []
    for n, (key, zone_keys) in enumerate(DEMO_CHAINS.items()):
        chain = load_preset(preset(key), zones=[zones[k] for k in zone_keys])
        chain.owner = OWNERS[n % len(OWNERS)]  # each chain has its owner (链长), a city leader
        chain.save(update_fields=["owner"])
        created.append(chain)
    targets, tags = [], []
    tagged: set[int] = set()
    for chain in created:
        result = chain_coverage(chain, user=None, year=city.last_year)
        # Leading firms: the largest firm (by revenue) of each covered leaf link, two at most.
        parents = {link.node.parent_id for link in result.links}
        leaves = [link for link in result.links if link.node.pk not in parents]
        biggest = sorted(
            (link for link in leaves if link.firms and link.revenue),
            key=lambda link: -(link.revenue or 0),
        )[:2]
        leaders = [result.enterprises[link.enterprise_ids[0]] for link in biggest if link.enterprise_ids]
        chain.leading_enterprises.set(leaders)
        chain_zones = list(chain.zones.all())
        for link in [link for link in leaves if link.gap][:4]:
            for n in range(rng.choice((1, 2))):
                via = leaders[0] if leaders and n == 0 and rng.random() < 0.5 else None
                targets.append(
                    TargetFirm(
                        node=link.node,
                        zone=via.zone if via else chain_zones[0],
                        name=f"{rng.choice(WORDS)}{link.node.name.split('（')[0][:4]}科技有限公司",
                        location=rng.choice(PLACES),
                        reason=rng.choice(REASONS),
                        status=rng.choice(TargetFirm.Status.values[:3]),
                        via_enterprise=via,
                        relation=TargetFirm.Relation.SUPPLIER if via else "",
                    )
                )
        # Projects of the chain's zones whose class is a link's: tagged 补链 on a gap, 强链 elsewhere.
        zone_ids = result.zone_ids
        by_class = {}
        for link in leaves:
            for code in link.node.class_list:
                by_class.setdefault(code, link)
        projects = Project.objects.filter(zone_id__in=zone_ids).exclude(stage=Stage.DROPPED)
        for project in projects.filter(industry_code__in=list(by_class)).order_by("pk")[:12]:
            if project.pk in tagged:
                continue
            link = by_class[project.industry_code]
            kind = ProjectKind.FILL if link.gap else rng.choice((ProjectKind.STRENGTHEN, ProjectKind.EXTEND))
            tags.append(ChainProject(project=project, node=link.node, kind=kind))
            tagged.add(project.pk)
    unique = {}
    for target in targets:
        unique.setdefault((target.node_id, target.zone_id, target.name), target)
    city.bulk_create(list(unique.values()), "招商目标企业 / target firms")
    city.bulk_create(tags, "项目所属环节 / project links")
    city.count("chains", len(created))
