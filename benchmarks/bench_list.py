"""The enterprise list at a city's size (100,000 enterprises) or a province's (150,000 with 7 years): page time,
query count and a fingerprint of what each page shows (goals: under 150 ms for a city, under 300 ms on PostgreSQL
for a province).

    .venv/bin/python benchmarks/bench_list.py [--enterprises 100000] [--years 1] [--zones 4] [--requests 20]
    YUANQU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty db> .venv/bin/python benchmarks/bench_list.py \\
        --enterprises 150000 --years 7 --zones 150 [--keep] [--city-only]

Builds the enterprises (names of a few industries, main products and a business scope as the demo words them,
one row of figures per year for the last ``--years`` years, 2025 the latest; one firm in ten without figures
for 2025) in a throw-away SQLite database, or in the empty database YUANQU_DATABASE_URL names; then times the
list page as a city administrator and as the staff of one zone, and the API list at two page sizes: median and
p95 of --requests single requests after one to warm up, the queries of one request, and a fingerprint of the
rows shown (their ids and the total, hashed) so that two runs on the same data can be compared for equal results.

With --keep (a database named by YUANQU_DATABASE_URL) the enterprises stay after the run and a later run with
--keep measures them again without building them; without it the database is emptied at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import time
from decimal import Decimal

from _setup import django_on_a_throwaway_database, kept_data, percentile

LAST_YEAR = 2025
WORDS = ["精密", "电子", "机械", "新材料", "光电", "化工", "纺织", "汽车零部件", "医药", "智能装备"]
# Industry classes whose demo products exist (GB/T 4754-2017), so main_products is worded as the demo's.
CLASSES = ["3484", "3981", "3311", "2614", "3670", "1711", "2710", "3982", "3441", "3130"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=1, help="years of figures per enterprise, 2025 the latest")
    parser.add_argument("--zones", type=int, default=4, help="zones the enterprises are spread over")
    parser.add_argument("--requests", type=int, default=20, help="requests per measured URL")
    parser.add_argument("--keep", action="store_true", help="keep the enterprises in the database, reuse those found")
    parser.add_argument("--city-only", action="store_true", help="measure the city administrator alone")
    args = parser.parse_args()
    if args.keep and not os.environ.get("YUANQU_DATABASE_URL"):
        parser.error("--keep needs YUANQU_DATABASE_URL (a database of its own to keep the enterprises in)")
    if args.enterprises < 1 or args.years < 1 or args.zones < 1 or args.requests < 1:
        parser.error("--enterprises, --years, --zones and --requests must be at least 1")

    with django_on_a_throwaway_database("list", database_url=True):
        run(args)


def build(args) -> None:
    from django.db import connection, transaction

    from yuanqu.analytics.industry import section_of_division
    from yuanqu.enterprises.demo_products import business_scope, main_products
    from yuanqu.enterprises.models import Enterprise, EnterpriseYear
    from yuanqu.enterprises.testing import make_uscc
    from yuanqu.zones.models import Zone

    started = time.perf_counter()
    rng = random.Random(11)
    with transaction.atomic():
        zones = Zone.objects.bulk_create([Zone(code=f"B{i}", name=f"基准园区{i}") for i in range(args.zones)])
        chunk = 10_000
        for first in range(0, args.enterprises, chunk):
            batch = []
            for i in range(first, min(first + chunk, args.enterprises)):
                code = rng.choice(CLASSES)
                uscc = make_uscc(i)
                products = main_products(code, uscc)
                batch.append(
                    Enterprise(
                        uscc=uscc,
                        name=f"云溪{rng.choice(WORDS)}{i}有限公司",
                        zone=zones[i % args.zones],
                        industry_code=code,
                        industry_section=section_of_division(code[:2]),
                        industry_division=code[:2],
                        main_products=products,
                        business_scope=business_scope(code, products),
                    )
                )
            Enterprise.objects.bulk_create(batch, batch_size=2000)
        ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        first_year = LAST_YEAR - args.years + 1
        rows = 0
        for start in range(0, len(ids), chunk):
            batch = []
            for pk in ids[start : start + chunk]:
                # One firm in ten has no figures for the last year yet (they sort last by tax).
                last = LAST_YEAR if rng.random() >= 0.1 else LAST_YEAR - 1
                for year in range(first_year, last + 1):
                    land = rng.randint(3, 300)
                    batch.append(
                        EnterpriseYear(
                            enterprise_id=pk,
                            year=year,
                            above_scale=rng.random() < 0.6,
                            land_mu=Decimal(land),
                            tax=Decimal(rng.randint(10, 900000)) / 100,
                            revenue=Decimal(rng.randint(1000, 9000000)) / 100,
                            industrial_output=Decimal(rng.randint(1000, 9000000)) / 100,
                            employees=rng.randint(5, 2000),
                        )
                    )
            EnterpriseYear.objects.bulk_create(batch, batch_size=5000)
            rows += len(batch)
    if connection.vendor == "postgresql":
        # What autovacuum does to a database after a bulk load (here at once, whether autovacuum runs or not):
        # statistics, and the visibility map that lets a scan read an index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"built {args.enterprises:,} enterprises in {args.zones} zones with {rows:,} enterprise-years "
        f"({first_year}–{LAST_YEAR}) in {time.perf_counter() - started:.1f} s"
    )


def run(args) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from yuanqu.accounts.testing import make_user
    from yuanqu.core.access import Role
    from yuanqu.enterprises.models import Enterprise, EnterpriseYear
    from yuanqu.zones.models import Zone

    settings.DEBUG = False
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if not kept_data(Enterprise, keep=args.keep, what="the enterprises"):
        build(args)
    total = Enterprise.objects.count()
    print(
        f"{connection.vendor}: {total:,} enterprises in {Zone.objects.count():,} zones, "
        f"{EnterpriseYear.objects.count():,} enterprise-years"
    )
    users = get_user_model().objects
    city = users.filter(username="bench_city").first() or make_user("bench_city", Role.CITY_ADMIN)
    first_zone = Zone.objects.order_by("pk").first()
    staff = users.filter(username="bench_staff").first() or make_user(
        "bench_staff", Role.ZONE_STAFF, zones=[first_zone]
    )
    deep_page = max(1, (total // 50) * 2 // 3)

    try:
        measured = [("city admin (every enterprise)", city)]
        if not args.city_only:
            measured.append((f"zone staff ({first_zone.name} alone)", staff))
        for label, user in measured:
            measure_user(args, label, user, deep_page=deep_page, zone_id=first_zone.pk)
    finally:
        print("\nload average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        if not args.keep and connection.vendor == "postgresql":
            call_command("flush", interactive=False, verbosity=0)


def fingerprint(response) -> str:
    """The ids of the rows shown and the total, hashed: equal on two runs when the page shows the same."""
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(body)
        shown = f"{data['count']}:{[row['id'] for row in data['results']]}"
    else:
        total = re.search(r'id="result-count">([^<]*)<', body)
        ids = re.findall(r'href="/enterprises/(\d+)/"', body)
        shown = f"{total.group(1) if total else ''}:{ids}"
    return hashlib.sha1(shown.encode()).hexdigest()[:10]


def measure_user(args, label: str, user, *, deep_page: int, zone_id: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    print(f"\n{label} (load average {'{:.2f} {:.2f} {:.2f}'.format(*os.getloadavg())})")
    for url in (
        "/enterprises/",
        f"/enterprises/?page={deep_page}",
        "/enterprises/?sort=-tax",
        "/enterprises/?q=精密",
        "/enterprises/?above_scale=true",
        f"/enterprises/?zone={zone_id}&industry_division=39",
        "/api/enterprises/?page_size=10",
        "/api/enterprises/?page_size=100",
    ):
        response = client.get(url)  # warm the code paths and caches
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        print(
            f"  {url:<45} median {statistics.median(times):7.1f} ms   p95 {percentile(times, 0.95):7.1f} ms   "
            f"{len(queries)} queries   shows {fingerprint(response)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
