"""Time the lead screening's duplicate search (``find_duplicates``) in a zone holding many projects.

    .venv/bin/python benchmarks/bench_project_duplicates.py [--sizes 500 2000 8000] [--repeat 5]

Runs on a throw-away SQLite database; prints, for each number of live projects in the zone, the median
time of one search and the time per compared project (the search compares names in Python, so it grows
linearly). Goal: under 150 ms for 2,000 projects in a zone, so a lead's page stays quick.
"""

from __future__ import annotations

import argparse
import random
from functools import partial

from _setup import django_on_a_throwaway_database, median_seconds

WORDS = [
    "新能源",
    "电池",
    "光电",
    "显示",
    "芯片",
    "封测",
    "智能",
    "装备",
    "医药",
    "材料",
    "储能",
    "氢能",
    "精密",
    "汽车",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with django_on_a_throwaway_database("duplicates"):
        run(args)


def run(args) -> None:
    from yuanqu.accounts.models import User
    from yuanqu.core.access import Role
    from yuanqu.projects.models import Project
    from yuanqu.projects.screening import find_duplicates
    from yuanqu.zones.models import Zone

    rng = random.Random(11)
    print(f"{'projects':>9} {'median ms':>10} {'µs/project':>11} {'found':>6}")
    for size in args.sizes:
        zone = Zone.objects.create(code=f"BENCH{size}", name=f"基准测试园区{size}")
        user = User.objects.create_user(username=f"bench{size}", role=Role.ZONE_STAFF)
        user.zones.set([zone])
        Project.objects.bulk_create(
            [
                Project(
                    zone=zone,
                    name=f"{''.join(rng.sample(WORDS, 3))}{i}号项目",
                    investor=f"基准投资{i}有限公司",
                )
                for i in range(size)
            ],
            batch_size=2000,
        )
        lead = Project(zone=zone, name="新能源电池储能1号项目", investor="基准投资7 有限公司")
        found = find_duplicates(project=lead, user=user)
        median = median_seconds(partial(find_duplicates, project=lead, user=user), args.repeat)
        print(f"{size:>9} {median * 1000:>10.1f} {median * 1e6 / size:>11.1f} {len(found):>6}")


if __name__ == "__main__":
    main()
