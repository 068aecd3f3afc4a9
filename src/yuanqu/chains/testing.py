"""Factories for tests and benchmarks: chains with links."""

from __future__ import annotations

from yuanqu.chains.models import Chain, ChainNode


def make_chain(zones, name: str = "测试产业链", **fields) -> Chain:
    chain = Chain.objects.create(name=name, **fields)
    chain.zones.set(zones)
    return chain


def make_node(chain: Chain, code: str, name: str | None = None, *, parent=None, **fields) -> ChainNode:
    return ChainNode.objects.create(chain=chain, code=code, name=name or code, parent=parent, **fields)


def battery_chain(zones, name: str = "动力电池") -> Chain:
    """U 原材料 ⊃ U2 正极材料, U5 隔膜; M 电池制造 ⊃ M1 电芯, M3 电池管理系统; D1 电池回收."""
    chain = make_chain(zones, name)
    upstream = make_node(chain, "U", "原材料", position="upstream")
    make_node(chain, "U2", "正极材料", parent=upstream, position="upstream", industry_codes="2613", keywords="正极材料")
    make_node(chain, "U5", "隔膜", parent=upstream, position="upstream", industry_codes="2921", keywords="隔膜")
    middle = make_node(chain, "M", "电池制造", position="midstream")
    make_node(chain, "M1", "电芯", parent=middle, industry_codes="3841", keywords="电芯,动力电池")
    make_node(chain, "M3", "电池管理系统", parent=middle, keywords="电池管理系统,BMS")
    make_node(chain, "D1", "电池回收", position="downstream", keywords="电池回收")
    return chain
