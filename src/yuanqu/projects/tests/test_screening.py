"""Lead screening: name normalisation, the similarity threshold, duplicates within the zone family, and the
advance out of "lead" that needs the screening facts and an explicit "not a duplicate"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.projects.models import InvestorCapacity, Project, Stage
from yuanqu.projects.screening import find_duplicates, name_similarity, normalise_investor, normalise_project_name
from yuanqu.projects.services import advance_stage
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

D = dt.date
SCREENED = {
    "lead_source": "省商务厅推介",
    "industry_code": "3841",
    "contact_verified": True,
    "investor_capacity": InvestorCapacity.STRONG,
}


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("宁德时代新能源科技股份有限公司", "宁德时代新能源科技"),
        ("ＡＢＣ 科技（中国）有限公司", "abc科技"),
        ("abc科技", "abc科技"),
        ("远景 能源 集团", "远景能源"),
        ("比亚迪集团有限公司", "比亚迪"),
        ("Foo Bar Co., Ltd.", "foobar"),
        ("（中国）", "中国"),  # a name that is nothing but a suffix is left alone
        ("", ""),
    ],
)
def test_investor_names_are_normalised(raw, normalised):
    assert normalise_investor(raw) == normalised


def test_project_names_lose_spaces_width_and_the_trailing_word_project():
    assert normalise_project_name("甲 新能源电池 项目") == "甲新能源电池"
    assert normalise_project_name("ＡＢＣ二期项目") == "abc二期"


def test_similarity_is_difflib_ratio_of_the_normalised_names():
    assert name_similarity("甲光电显示项目", "甲光电显屏项目") == pytest.approx(0.8)
    assert round(name_similarity("甲新能源电池项目", "甲新能源电池二期项目"), 3) == 0.857
    assert round(name_similarity("甲新能源电池项目", "甲新能源储能项目"), 3) == 0.667
    assert name_similarity("", "甲项目") == 0.0


def test_threshold_edge_is_inclusive_and_configurable(zone_a, user_a, settings):
    make_project(zone_a, "甲光电显示项目")
    lead = make_project(zone_a, "甲光电显屏项目")
    assert [p.name for p in find_duplicates(project=lead, user=user_a)] == ["甲光电显示项目"]  # 0.8 ≥ 0.8
    settings.YUANQU_PROJECT_DUPLICATE_THRESHOLD = 0.81
    assert find_duplicates(project=lead, user=user_a) == []
    settings.YUANQU_PROJECT_DUPLICATE_THRESHOLD = 0.66
    make_project(zone_a, "甲光储能项目")  # 甲光电显屏 vs 甲光储能: 2 of 9 → 0.444, still apart
    assert [p.name for p in find_duplicates(project=lead, user=user_a)] == ["甲光电显示项目"]


def test_same_investor_matches_whatever_the_name(zone_a, user_a):
    make_project(zone_a, "甲储能电站", investor="宁德时代新能源科技股份有限公司")
    lead = make_project(zone_a, "甲动力电池基地项目", investor="宁德时代新能源科技 有限公司")
    [found] = find_duplicates(project=lead, user=user_a)
    assert (found.name, found.same_investor, found.duplicate_similarity) == ("甲储能电站", True, 0.333)


def test_duplicates_stay_within_the_zone_family_and_skip_itself_and_dropped(zone_a, zone_b, user_a, city_admin):
    sub_park = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    lead = make_project(zone_a, "甲新能源电池项目", investor="远景能源有限公司")
    make_project(sub_park, "甲新能源电池二期项目")  # in A's sub-park: counts
    make_project(zone_b, "甲新能源电池项目", investor="远景能源有限公司")  # same name and investor, other zone
    make_project(
        zone_a,
        "甲新能源电池项目（旧）",
        investor="远景能源",
        history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.DROPPED, D(2025, 2, 1))],
    )
    found = find_duplicates(project=lead, user=city_admin)
    assert [(p.name, p.zone_id) for p in found] == [("甲新能源电池二期项目", sub_park.pk)]


def test_duplicates_are_only_those_the_user_may_see(zone_a):
    sub_park = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    sub_user = make_user("sub_staff", Role.ZONE_STAFF, zones=[sub_park])
    make_project(zone_a, "甲光电显示项目")  # the parent zone: hidden from a sub-park user
    lead = make_project(sub_park, "甲光电显示项目")
    assert find_duplicates(project=lead, user=sub_user) == []
    assert len(find_duplicates(project=lead, user=make_user("a_staff", Role.ZONE_STAFF, zones=[zone_a]))) == 1


def test_an_unscreened_lead_cannot_become_a_negotiation(zone_a, user_a):
    lead = make_project(zone_a, "甲芯片项目", investor="某半导体有限公司")
    with pytest.raises(ValidationError) as caught:
        advance_stage(project=lead, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a)
    assert caught.value.message_dict == {
        "to_stage": [
            "线索须先完成甄别，缺少：信息来源、行业代码、联系人核实、投资方实力判断 / the lead must be screened "
            "first; missing: source, industry code, verified contact, judgement of the investor's capacity"
        ]
    }
    # Skipping straight to signed is screened the same way.
    with pytest.raises(ValidationError, match="线索须先完成甄别"):
        advance_stage(project=lead, to_stage=Stage.SIGNED, on=D(2025, 3, 1), user=user_a)
    lead.refresh_from_db()
    assert (lead.stage, lead.events.count()) == ("lead", 1)


def test_a_doubtful_investor_blocks_the_lead(zone_a, user_a):
    lead = make_project(zone_a, "甲芯片项目", investor="某半导体", **{**SCREENED, "investor_capacity": "doubtful"})
    with pytest.raises(ValidationError, match="投资方实力存疑，线索不能转入洽谈 / the investor's capacity is doubtful"):
        advance_stage(project=lead, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a)


def test_a_possible_duplicate_blocks_until_confirmed_and_the_confirmation_is_kept(zone_a, user_a):
    make_project(zone_a, "甲芯片封测项目", investor="长电科技股份有限公司")
    lead = make_project(zone_a, "甲先进封装项目", investor="长电科技", **SCREENED)
    with pytest.raises(ValidationError) as caught:
        advance_stage(project=lead, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a)
    assert caught.value.message_dict == {
        "not_duplicate": [
            "可能与已有项目重复：甲芯片封测项目；请核对后确认“不是重复项目” / "
            "possibly a duplicate of: 甲芯片封测项目; check them and confirm it is not a duplicate"
        ]
    }
    advance_stage(
        project=lead, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a, not_duplicate=True, reason="二期"
    )
    lead.refresh_from_db()
    assert lead.stage == "negotiating"
    assert lead.events.get(to_stage="negotiating").reason == "不是重复项目（已比对：甲芯片封测项目）；二期"


def test_a_screened_lead_without_duplicates_advances_without_a_reason(zone_a, user_a):
    lead = make_project(zone_a, "甲芯片项目", investor="某半导体", **SCREENED)
    advance_stage(project=lead, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a)
    assert Project.objects.get(pk=lead.pk).stage == "negotiating"
    assert lead.events.get(to_stage="negotiating").reason == ""


def test_the_api_advance_obeys_the_screening_and_takes_the_confirmation(zone_a, user_a):
    make_project(zone_a, "甲芯片封测项目")
    lead = make_project(zone_a, "甲芯片封测二期项目", investor="长电科技", **SCREENED)
    api = APIClient()
    api.force_authenticate(user_a)
    url = f"/api/projects/{lead.pk}/advance/"
    refused = api.post(url, {"to_stage": "negotiating", "on": "2025-03-01"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["not_duplicate"] == [
        "可能与已有项目重复：甲芯片封测项目；请核对后确认“不是重复项目” / "
        "possibly a duplicate of: 甲芯片封测项目; check them and confirm it is not a duplicate"
    ]
    ok = api.post(url, {"to_stage": "negotiating", "on": "2025-03-01", "not_duplicate": True}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["events"][-1]["reason"] == "不是重复项目（已比对：甲芯片封测项目）"


def test_a_lead_dropped_and_revived_beyond_lead_is_screened(zone_a, user_a):
    dropped = make_project(
        zone_a, "甲芯片项目", investor="某半导体", history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.DROPPED, D(2025, 2, 1))]
    )
    with pytest.raises(ValidationError) as caught:
        advance_stage(project=dropped, to_stage=Stage.SIGNED, on=D(2025, 3, 1), user=user_a, reason="重新洽谈")
    assert caught.value.message_dict == {
        "to_stage": [
            "线索须先完成甄别，缺少：信息来源、行业代码、联系人核实、投资方实力判断 / the lead must be screened "
            "first; missing: source, industry code, verified contact, judgement of the investor's capacity"
        ]
    }
    dropped.refresh_from_db()
    assert (dropped.stage, dropped.events.count()) == ("dropped", 2)
    # Revived as a lead it needs no screening; from there the usual rules apply.
    advance_stage(project=dropped, to_stage=Stage.LEAD, on=D(2025, 3, 1), user=user_a, reason="投资方重新联系")
    dropped.refresh_from_db()
    assert dropped.stage == "lead"


def test_a_revived_lead_with_a_duplicate_needs_the_confirmation(zone_a, user_a):
    make_project(zone_a, "甲芯片封测项目", investor="长电科技股份有限公司")
    dropped = make_project(
        zone_a,
        "甲先进封装项目",
        investor="长电科技",
        history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.DROPPED, D(2025, 2, 1))],
        **SCREENED,
    )
    with pytest.raises(ValidationError, match="可能与已有项目重复：甲芯片封测项目"):
        advance_stage(project=dropped, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a, reason="恢复")
    advance_stage(
        project=dropped, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a, reason="恢复", not_duplicate=True
    )
    assert dropped.events.get(to_stage="negotiating").reason == "不是重复项目（已比对：甲芯片封测项目）；恢复"


def test_a_project_dropped_after_the_lead_is_revived_without_screening(zone_a, user_a):
    dropped = make_project(
        zone_a,
        "甲芯片项目",
        history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.SIGNED, D(2025, 1, 10)), (Stage.DROPPED, D(2025, 2, 1))],
    )
    advance_stage(project=dropped, to_stage=Stage.SIGNED, on=D(2025, 3, 1), user=user_a, reason="资金到位")
    dropped.refresh_from_db()
    assert dropped.stage == "signed"


def test_a_project_recorded_as_dropped_from_the_start_counts_as_a_lead(zone_a, user_a):
    dropped = make_project(zone_a, "甲芯片项目", history=[(Stage.DROPPED, D(2025, 1, 2))])
    with pytest.raises(ValidationError, match="线索须先完成甄别"):
        advance_stage(project=dropped, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a, reason="恢复")
