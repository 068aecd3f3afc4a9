"""Chain coverage of 100,000 enterprises against six chains of about 50 links each.

    .venv/bin/python benchmarks/bench_chain_coverage.py [--enterprises 100000] [--links 50] [--repeat 7]

Builds synthetic firms (a GB/T 4754-2017 class drawn from the manufacturing classes, two to four product words
from a vocabulary of a few thousand, revenue, tax and land, a grade for half of them) and six chains of ``--links``
links each, three levels deep, every leaf with two to four classes and three to six keywords, and 200 manual
corrections per chain. Times ``yuanqu.analytics.chains.coverage`` for all six chains in one call (the links of
every chain in one frame, as the chain list reads them) and, for comparison, one call per chain (a chain's page). Goal: under 2 s. Figures are the median wall time [min–max] of the rounds after
a warm-up. No database: the Django side reads the frames in one query each.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import polars as pl

from yuanqu.analytics.chains import coverage
from yuanqu.analytics.industry import class_codes

SYLLABLES = [
    "电",
    "池",
    "芯",
    "片",
    "材",
    "料",
    "膜",
    "板",
    "线",
    "缆",
    "器",
    "件",
    "泵",
    "阀",
    "机",
    "柜",
    "箱",
    "剂",
    "液",
    "粉",
    "管",
    "轴",
    "承",
    "齿",
    "轮",
    "模",
    "组",
    "控",
    "制",
    "系",
    "统",
]


def vocabulary(rng, n: int) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES, size=rng.integers(2, 5))))
    return sorted(words)


def firms(n: int, rng, words: list[str], classes: list[str]) -> pl.DataFrame:
    products = ["、".join(rng.choice(words, size=rng.integers(2, 5), replace=False)) for _ in range(n)]
    return pl.DataFrame(
        {
            "enterprise_id": np.arange(1, n + 1),
            "industry_code": rng.choice(classes, size=n),
            "main_products": products,
            "revenue": rng.lognormal(8, 1.2, n),
            "tax": rng.lognormal(5, 1.3, n),
            "land_mu": rng.lognormal(3, 0.8, n),
            "grade": [
                g if keep else None
                for g, keep in zip(rng.choice(list("ABCD"), size=n), rng.random(n) < 0.5, strict=True)
            ],
        },
        schema_overrides={"grade": pl.String},
    )


def chain(chain_no: int, links: int, rng, words: list[str], classes: list[str]) -> pl.DataFrame:
    base = chain_no * 1000
    ids, parents, codes, cls, kws = [], [], [], [], []
    tops = [base + k for k in range(3)]  # upstream, midstream, downstream
    for top in tops:
        ids.append(top), parents.append(None), codes.append(f"T{top}"), cls.append([]), kws.append([])
    mids = []
    for k in range(links // 5):
        node = base + 10 + k
        mids.append(node)
        (
            ids.append(node),
            parents.append(int(rng.choice(tops))),
            codes.append(f"M{node}"),
            cls.append([]),
            kws.append([]),
        )
    while len(ids) < links:
        node = base + 100 + len(ids)
        ids.append(node)
        parents.append(int(rng.choice(mids)))
        codes.append(f"L{node}")
        cls.append(list(rng.choice(classes, size=rng.integers(2, 5), replace=False)))
        kws.append(list(rng.choice(words, size=rng.integers(3, 7), replace=False)))
    return pl.DataFrame(
        {"node_id": ids, "parent_id": parents, "code": codes, "classes": cls, "keywords": kws},
        schema={
            "node_id": pl.Int64,
            "parent_id": pl.Int64,
            "code": pl.String,
            "classes": pl.List(pl.String),
            "keywords": pl.List(pl.String),
        },
    )


def corrections(nodes: pl.DataFrame, n_firms: int, rng, n: int = 200) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "node_id": rng.choice(nodes["node_id"].to_numpy(), size=n),
            "enterprise_id": rng.integers(1, n_firms + 1, size=n),
            "decision": rng.choice(["include", "exclude"], size=n),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(4754)
    manufacturing = sorted(c for c in class_codes() if "13" <= c[:2] <= "43")
    words = vocabulary(rng, 3000)
    frame = firms(args.enterprises, rng, words, manufacturing)
    chains = [chain(k, args.links, rng, words, manufacturing) for k in range(6)]
    fixes = [corrections(nodes, args.enterprises, rng) for nodes in chains]

    every_node = pl.concat(chains)  # link ids are unique across chains, as the database's are
    every_fix = pl.concat(fixes)

    def together():
        return [coverage(every_node, frame, every_fix, weak_below=3)]

    def one_by_one():
        return [coverage(nodes, frame, fix, weak_below=3) for nodes, fix in zip(chains, fixes, strict=True)]

    for label, run in (("six chains in one call", together), ("one call per chain", one_by_one)):
        results = run()  # warm-up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        links = sum(r[0].height for r in results)
        pairs = sum(r[1].height for r in results)
        gaps = sum(int(r[0]["gap"].sum()) for r in results)
        print(
            f"{label}: {args.enterprises:,} enterprises × 6 chains ({links} links): {pairs:,} firm×link pairs, "
            f"{gaps} gaps; {statistics.median(times) * 1000:.0f} ms [{min(times) * 1000:.0f}–"
            f"{max(times) * 1000:.0f}] over {args.repeat} rounds (goal: under 2,000 ms)"
        )


if __name__ == "__main__":
    main()
