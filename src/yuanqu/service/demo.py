"""The service part of the demo city: key enterprises with their flags, their linked official and zone contact,
one-enterprise plans, 300 requests in every state of the loop (some late), visits (some never written up, some
planned by another agency) and the visits the data suggest.

Dates of requests and visits run back from the city's reference date (``city.as_of``: the day `yuanqu demo` is
run), as the projects' and the land's do, so the demo shows a working service office whenever it is built and a
seed with a reference date always gives the same city.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Sum

from yuanqu.core.access import zone_descendants
from yuanqu.core.demo import labels
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.service import deadlines
from yuanqu.service.models import (
    EnterpriseOfficial,
    EnterprisePlan,
    PlanMeasure,
    RequestStep,
    ServiceCategory,
    ServiceRequest,
    Visit,
)
from yuanqu.service.services import seed_categories
from yuanqu.service.triggers import open_suggested_visits

REQUESTS = 300
STATE_SHARES = {
    "accepted": 0.08,
    "dispatched": 0.12,
    "handling": 0.18,
    "replied": 0.08,
    "closed": 0.12,
    "called_back": 0.08,
    "rated": 0.34,
}
PATH = ["accepted", "dispatched", "handling", "replied", "closed", "called_back", "rated"]
ACTION_INTO = {
    "dispatched": "dispatch",
    "handling": "handle",
    "replied": "reply",
    "closed": "close",
    "called_back": "call_back",
    "rated": "rate",
}
CONTENTS = {
    "land": ["扩产项目需新增工业用地约 20 亩", "厂区边角地块希望协议出让", "土地证办理进度咨询"],
    "finance": ["流动资金贷款到期，申请转贷应急资金", "申请科技贷款贴息", "咨询上市辅导费用补助"],
    "labour": ["旺季一线普工缺口 80 人", "高层次人才公寓申请", "外地员工子女入学咨询"],
    "approvals": ["技改项目环评审批时限咨询", "施工许可证办理卡在消防审查", "新增产线安全评价备案"],
    "policy_payments": ["去年技改补助尚未拨付", "高企认定奖励兑现进度", "稳岗返还未到账"],
    "infrastructure": ["厂区门口道路破损积水", "申请双回路供电", "天然气管道接入"],
    "quotas": ["新增产能需能耗指标约 3000 吨标准煤", "排污许可总量不足", "光伏屋顶并网指标"],
    "other": ["园区公交线路调整建议", "食堂油烟投诉处理", "希望组织供需对接会"],
}
UNITS = {
    "land": "自然资源和规划分局",
    "finance": "财政金融局",
    "labour": "人力资源和社会保障局",
    "approvals": "行政审批局",
    "policy_payments": "经济发展局",
    "infrastructure": "建设局",
    "quotas": "生态环境分局",
    "other": "党政办公室",
}
AGENCIES = ["经济发展局", "招商局", "科技局", "税务分局", "工信局"]
FINDINGS = [
    "企业生产经营正常，订单排到三季度，计划明年扩建二期。",
    "反映用工紧张，已记录诉求；研发中心建设进度滞后。",
    "企业提出用电增容需求，现场查看了配电房。",
    "订单同比下降，正在开拓海外市场，希望参加展会补贴。",
]
MEASURES = [
    ("协调新增用地指标", "自然资源和规划分局"),
    ("对接银行授信", "财政金融局"),
    ("申报专精特新", "经济发展局"),
    ("招引配套企业", "招商局"),
    ("推动技改项目开工", "经济发展局"),
]


def _flag_key_enterprises(rng, last_year: int) -> list[Enterprise]:
    """The 100 biggest taxpayers get their rank; those and a share of the rest are 重点企业 with their flags."""
    taxes = (
        EnterpriseYear.objects.filter(year=last_year, tax__gt=0)
        .values("enterprise_id")
        .annotate(tax=Sum("tax"))
        .order_by("-tax", "enterprise_id")
    )
    ranked = [row["enterprise_id"] for row in taxes[:150]]
    high_tech = set(
        EnterpriseYear.objects.filter(year=last_year, high_tech=True).values_list("enterprise_id", flat=True)
    )
    enterprises = Enterprise.objects.in_bulk(ranked)
    flagged = []
    for rank, pk in enumerate(ranked, start=1):
        e = enterprises[pk]
        e.key_enterprise = True
        e.top_taxpayer_rank = rank if rank <= 100 else None
        e.high_tech = pk in high_tech
        draw = rng.random()
        e.specialised = "little_giant" if draw < 0.06 else "provincial" if draw < 0.25 else ""
        e.chain_leader = rank <= 12 and rng.random() < 0.6
        e.listing = "listed" if rank <= 8 and rng.random() < 0.5 else "preparing" if rng.random() < 0.08 else ""
        e.contact_name = rng.choice("王李张刘陈杨黄赵周吴") + rng.choice(["经理", "主任", "总监"])
        e.contact_phone = f"0517-8{rng.randint(1000000, 9999999)}"
        flagged.append(e)
    Enterprise.objects.bulk_update(
        flagged,
        list(Enterprise.KEY_FIELDS),
        batch_size=500,
    )
    return flagged


def _request_steps(rng, request: ServiceRequest, target: str, today: dt.date, leader_name: str) -> list:
    """Take a request from 受理 to ``target``, a few working days a step, never past today."""
    steps = [RequestStep(request=request, action="accept", on=request.received_on, by_name="服务专员")]
    on = request.received_on
    for state in PATH[1 : PATH.index(target) + 1]:
        on = min(today, on + dt.timedelta(days=rng.choice([0, 1, 1, 2, 3, 5])))
        action = ACTION_INTO[state]
        note = ""
        if action == "dispatch":
            note = request.unit
        elif action == "reply":
            note = "已协调办理，答复企业。"
            request.reply, request.replied_on = note, on
        elif action == "close":
            request.closed_on = on
        elif action == "rate":
            request.satisfaction = rng.choice([5, 5, 5, 4, 4, 3])
            request.satisfaction_comment = "办理及时" if request.satisfaction >= 4 else ""
        steps.append(RequestStep(request=request, action=action, on=on, by_name=leader_name, note=note))
    request.state = target
    if request.is_open and today > request.due_on and rng.random() < 0.5:
        steps.append(RequestStep(request=request, action="chase", on=today, by_name="督查室", note="请加快办理"))
        request.chase_count = 1
    return steps


def build_service(city) -> None:
    rng = city.stream("service")
    today = city.as_of
    key = _flag_key_enterprises(rng, city.last_year)
    if not key:
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["leader", "zone_staff"])}
    etdz = city.shared["zones"]["etdz"]
    etdz_ids = zone_descendants([etdz.pk])
    links = []
    for e in key:
        if "leader" in users:
            links.append(EnterpriseOfficial(enterprise=e, official=users["leader"], role="linked_official"))
        if "zone_staff" in users and e.zone_id in etdz_ids:
            links.append(EnterpriseOfficial(enterprise=e, official=users["zone_staff"], role="zone_contact"))
    city.bulk_create(links, "挂钩人员 / linked officials")

    plans, measures = [], []
    for e in key[:30]:
        plan = EnterprisePlan(enterprise=e, year=today.year, goal="稳产扩能，力争年内纳税增长 10%")
        plans.append(plan)
        for content, owner in rng.sample(MEASURES, 3):
            due = today + dt.timedelta(days=rng.randint(-60, 150))
            state = "done" if due < today and rng.random() < 0.6 else rng.choice(["planned", "in_progress"])
            measures.append(PlanMeasure(plan=plan, content=content, owner=owner, due_on=due, state=state))
    city.bulk_create(plans, "一企一策 / plans")
    city.bulk_create(measures, "一企一策措施 / plan measures")

    seed_categories()  # `demo --reset` flushed those of the migration
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    others = list(Enterprise.objects.exclude(pk__in=[e.pk for e in key]).order_by("pk")[:400])
    targets = labels(rng, REQUESTS, STATE_SHARES, minimum=5)
    requests, plans_of = [], []
    numbers: dict[dt.date, int] = {}
    for target in targets:
        enterprise = rng.choice(key) if rng.random() < 0.6 or not others else rng.choice(others)
        code = rng.choice(list(CONTENTS))
        kind = rng.choice(["consultation", "help", "help", "help", "complaint"])
        # Open requests are recent; finished ones go back up to a year.
        back = rng.randint(1, 25) if PATH.index(target) < 4 else rng.randint(10, 360)
        received = today - dt.timedelta(days=back)
        numbers[received] = numbers.get(received, 0) + 1
        limit = deadlines.time_limit(kind)
        request = ServiceRequest(
            number=f"SQ{received:%Y%m%d}-{numbers[received]:04d}",
            enterprise=enterprise,
            channel=rng.choice(["visit", "hotline", "online", "letter", "on_behalf"]),
            kind=kind,
            category=categories.get(code) or next(iter(categories.values())),
            content=rng.choice(CONTENTS[code]),
            unit=UNITS[code] if target != "accepted" else "",
            received_on=received,
            time_limit=limit,
            due_on=deadlines.due_date(received, limit),
        )
        requests.append(request)
        plans_of.append(target)
    steps = []
    for request, target in zip(requests, plans_of, strict=True):
        steps.extend(_request_steps(rng, request, target, today, "服务专员"))
    city.bulk_create(requests, "企业诉求 / requests")
    city.bulk_create(steps, "诉求办理环节 / request steps")

    visits = []
    for e in key:
        for _ in range(rng.choice([0, 1, 1, 2])):
            on = today - dt.timedelta(days=rng.randint(1, 170))
            written = rng.random() > 0.12
            visits.append(
                Visit(
                    enterprise=e,
                    official=users.get("leader") if rng.random() < 0.5 else users.get("zone_staff"),
                    agency=rng.choice(AGENCIES),
                    state="done",
                    visited_on=on,
                    companions=rng.choice(["", "经发局 2 人", "招商局 1 人、税务分局 1 人"]),
                    findings=rng.choice(FINDINGS) if written else "",
                )
            )
        if rng.random() < 0.1:
            visits.append(
                Visit(
                    enterprise=e,
                    agency=rng.choice(AGENCIES),
                    state="planned",
                    visited_on=today + dt.timedelta(days=rng.randint(2, 20)),
                    reason="了解扩产计划",
                )
            )
    city.bulk_create(visits, "走访 / visits")
    suggested = open_suggested_visits(today=today)
    city.count("service requests", len(requests))
    city.count("visits", len(visits) + len(suggested))
