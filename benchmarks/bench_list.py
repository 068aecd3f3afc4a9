"""The enterprise list with 100,000 enterprises: page time and query count (goal: under 150 ms).

    .venv/bin/python benchmarks/bench_list.py [--enterprises 100000] [--requests 20]

Builds a throw-away SQLite database (or uses YUANQU_DATABASE_URL if set to an empty test database),
then times the list page as a zone user and as a city user, and the API list at two page sizes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from decimal import Decimal

from _setup import django_on_a_throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="requests per measured URL")
    args = parser.parse_args()

    with django_on_a_throwaway_database("list", database_url=True):
        run(args)


def run(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from yuanqu.accounts.testing import make_user
    from yuanqu.core.access import Role
    from yuanqu.enterprises.models import Enterprise, EnterpriseYear
    from yuanqu.enterprises.testing import make_uscc
    from yuanqu.zones.models import Zone

    started = time.perf_counter()
    zones = [Zone.objects.create(code=f"B{i}", name=f"基准园区{i}") for i in range(4)]
    rng = random.Random(11)
    words = ["精密", "电子", "机械", "新材料", "光电", "化工", "纺织", "汽车零部件", "医药", "智能装备"]
    batch = []
    for i in range(args.enterprises):
        batch.append(
            Enterprise(
                uscc=make_uscc(i),
                name=f"云溪{rng.choice(words)}{i}有限公司",
                zone=zones[i % 4],
                industry_code="3981",
                industry_section="C",
                industry_division=f"{rng.randint(13, 43)}",
            )
        )
    Enterprise.objects.bulk_create(batch, batch_size=5000)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    EnterpriseYear.objects.bulk_create(
        [
            EnterpriseYear(
                enterprise_id=pk,
                year=2025,
                above_scale=rng.random() < 0.6,
                land_mu=Decimal(rng.randint(3, 300)),
                tax=Decimal(rng.randint(10, 900000)) / 100,
                revenue=Decimal(rng.randint(1000, 9000000)) / 100,
            )
            for pk in ids
        ],
        batch_size=5000,
    )
    print(f"built {args.enterprises:,} enterprises with a year of figures in {time.perf_counter() - started:.1f} s")

    city = make_user("bench_city", Role.CITY_ADMIN)
    staff = make_user("bench_staff", Role.ZONE_STAFF, zones=[zones[0]])

    def measure(client, url: str) -> tuple[float, float, int]:
        client.get(url)  # warm caches
        times = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)

    for label, user in (("city admin (all 100% of enterprises)", city), ("zone staff (25% of enterprises)", staff)):
        client = Client()
        client.force_login(user)
        print(f"\n{label}")
        for url in (
            "/enterprises/",
            "/enterprises/?page=1000",
            "/enterprises/?q=精密",
            "/enterprises/?sort=-tax",
            f"/enterprises/?zone={zones[0].pk}&industry_division=39",
            "/enterprises/?above_scale=true",
            "/api/enterprises/?page_size=10",
            "/api/enterprises/?page_size=100",
        ):
            median, p95, count = measure(client, url)
            print(f"  {url:<45} median {median:6.1f} ms   p95 {p95:6.1f} ms   {count} queries")


if __name__ == "__main__":
    main()
