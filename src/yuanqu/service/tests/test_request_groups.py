"""Like requests of several firms of one chain, routed together to the chain's owner (链长): grouped by chain and
category from the chains app's groups of firms, dispatched all or none, within the user's zones."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.chains.models import ChainNode
from yuanqu.chains.testing import battery_chain
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.service.models import ServiceRequest
from yuanqu.service.selectors import request_groups
from yuanqu.service.testing import make_category, make_request

pytestmark = pytest.mark.django_db
RECEIVED = dt.date.today() - dt.timedelta(days=3)


@pytest.fixture
def chain_requests(zone_a, zone_b, user_a):
    chain = battery_chain(zones=[zone_a, zone_b])
    chain.owner = "王副市长"
    chain.save()
    code = ChainNode.objects.filter(chain=chain).exclude(industry_codes="").values_list("industry_codes", flat=True)[0]
    industry = code.split(",")[0].strip()
    firms = [make_enterprise(zone_a, f"甲电池{i}有限公司", industry_code=industry) for i in range(2)]
    other = make_enterprise(zone_a, "甲食品有限公司", industry_code="1411")
    firm_b = make_enterprise(zone_b, "乙电池有限公司", industry_code=industry)
    land, labour = make_category("land", "用地"), make_category("labour", "用工")
    made = [make_request(firm, received_on=RECEIVED, category=land, user=user_a) for firm in firms]
    made.append(make_request(firms[0], received_on=RECEIVED, category=labour, user=user_a))  # one firm only
    made.append(make_request(other, received_on=RECEIVED, category=land, user=user_a))  # not on the chain
    made.append(make_request(firm_b, received_on=RECEIVED, category=land))
    return chain, made


def test_like_requests_of_several_firms_of_a_chain_are_grouped_with_its_owner(user_a, city_admin, chain_requests):
    chain, made = chain_requests
    (group,) = request_groups(user=user_a)  # zone A's user: the two battery firms of A, land
    assert (group.name, group.owner, group.category.code, group.firms) == (chain.name, "王副市长", "land", 2)
    assert [r.pk for r in group.requests] == [made[0].pk, made[1].pk]
    (city,) = request_groups(user=city_admin)  # the city sees zone B's battery firm too
    assert city.firms == 3 and made[4].pk in [r.pk for r in city.requests]


def test_a_group_is_dispatched_to_the_owner_all_or_none(client, user_a, user_b, chain_requests):
    _chain, made = chain_requests
    client.force_login(user_a)
    page = client.get("/service/groups/").content.decode()
    assert "王副市长（" in page and "甲食品有限公司" not in page
    data = {"request": [made[0].pk, made[1].pk], "unit": "王副市长（动力电池链长）", "note": "归并派单"}
    assert client.post("/service/groups/dispatch/", data).status_code == 302
    for request in made[:2]:
        request.refresh_from_db()
        assert (request.state, request.unit) == (ServiceRequest.State.DISPATCHED, "王副市长（动力电池链长）")
    # Another zone's request among the chosen: nothing is dispatched.
    client.force_login(user_b)
    response = client.post("/service/groups/dispatch/", {"request": [made[4].pk, made[3].pk], "unit": "x"}, follow=True)
    assert "所选诉求无效" in response.content.decode()
    made[4].refresh_from_db()
    assert made[4].state == ServiceRequest.State.ACCEPTED
