"""Fixtures of the zone-evaluation tests: the ranking world of ``yuanqu.ranking.testing`` with its two runs."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from yuanqu.ranking.testing import make_ranking_world
from yuanqu.site.tests.browser.conftest import chromium_path  # noqa: F401  (the browser tests' fixture)


@pytest.fixture
def world(zone_a, zone_b):
    return make_ranking_world(zone_a, zone_b)


@pytest.fixture
def run(world):
    """The 2025 run."""
    return world.runs[2025]


def page(response):
    """The response's HTML as an lxml tree (for reading tables)."""
    return lxml_html.fromstring(response.content.decode())


def texts(nodes) -> list[str]:
    """Each node's text, whitespace collapsed."""
    return [" ".join(node.text_content().split()) for node in nodes]


def table_rows(response, xpath: str) -> list[list[str]]:
    """The cells' texts of each body row of the table found by ``xpath``."""
    tree = page(response)
    found = tree.xpath(xpath)
    assert found, f"no table at {xpath}"
    return [texts(row.xpath("./td|./th")) for row in found[0].xpath("./tbody/tr")]
