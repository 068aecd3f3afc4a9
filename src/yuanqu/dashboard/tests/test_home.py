"""The home page: a card per figure the apps give per zone, yearly ones with their year, a row per zone."""

from decimal import Decimal

from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.testing import make_parcel
from yuanqu.zones.testing import make_zone


def test_cards_total_every_zone_and_name_the_year_of_yearly_figures(client, city_admin, zone_a, zone_b):
    sub = make_zone("甲园", parent=zone_a)
    for zone, tax, land in ((zone_a, "300", "10"), (sub, "100", "10"), (zone_b, "600", "0")):
        make_enterprise_year(make_enterprise(zone), 2024, tax=Decimal(tax), land_mu=Decimal(land))
        make_parcel(zone)
    client.force_login(city_admin)
    html = client.get("/").content.decode()
    assert '<div class="figure" id="count-zones">2</div>' in html  # 甲园 is a sub-park of A
    assert '<div class="muted" id="count-sub-parks">另有 1 个分园</div>' in html
    assert '<div class="figure" id="count-enterprises">3</div>' in html
    assert '<div class="figure" id="total-tax">1,000.00</div>' in html
    # Tax per mu counts only the enterprises that reported land: (300 + 100) / 20.
    assert '<div class="figure" id="tax-per-mu">20.00</div>' in html
    assert "实缴税收（万元） · 2024</div>" in html
    assert "企业数 · 2024" not in html and "企业数</div>" in html
    table = html[html.index('<table id="zone-table">') :]
    assert table.index(zone_a.name) < table.index("甲园") < table.index(zone_b.name)
