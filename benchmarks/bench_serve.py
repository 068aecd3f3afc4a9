"""Serving under load: 20 concurrent clients on the enterprise list and on a warm map tile, for a bounded time, with
`yuanqu serve --workers N` for each N (goal on PostgreSQL: list p95 under 300 ms, warm tile p95 under 100 ms).

    .venv/bin/python benchmarks/bench_serve.py [--workers 1,2,4] [--clients 20] [--seconds 20] [--parcels 20000]

Builds the demo city with that many parcels in a throw-away folder (SQLite; or, with YUANQU_DATABASE_URL set to
an empty database, there), signs a city administrator in for every client, then for each worker count starts
`yuanqu serve --workers N --no-jobs` on a free loopback port and lets the clients ask, each in a loop, for the
enterprise list (pages 1–5, as a user leafing through) for --seconds, then for the tiles of the largest zone at
zoom 14 (all asked once first, so warm) for --seconds. Prints requests, throughput and p50 / p95 / max per page
and worker count, and the load average. Also prints how long `yuanqu --help` takes to start.

The clients are Python threads in this process by default, which take a share of the same cores from the server.
``--client ab`` drives the first list page and the first tile with ApacheBench instead (Debian's apache2-utils;
one process in C, the same 20 concurrent connections, no keep-alive, as the threads), so that the cores go to the
server.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _setup import django_on_a_throwaway_database

SRC = Path(__file__).resolve().parents[1] / "src"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def hammer(port: int, paths: list[str], cookies: list[str], seconds: float) -> tuple[list[float], int]:
    """Each client asks for the paths in turn until the time is up; (latencies, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        i = number
        while time.monotonic() < deadline:
            try:
                status, took = get(port, paths[i % len(paths)], cookies[number])
            except OSError:
                status, took = 0, 0.0
            i += 1
            with lock:
                if status in (200, 204):  # 204: a tile with nothing on it
                    latencies.append(took)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(cookies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def apache_bench(
    port: int, path: str, cookie: str, clients: int, seconds: float
) -> tuple[int, float, float, float, int]:
    """ApacheBench on one path for the time given: (requests, p50, p95, max in ms, failed or non-2xx)."""
    done = subprocess.run(
        [
            "ab",
            "-q",
            "-n",
            "10000000",
            "-t",
            str(seconds),
            "-c",
            str(clients),
            "-C",
            cookie,
            "-H",
            "Accept-Encoding: gzip",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout

    def number(pattern: str) -> float:
        found = re.search(pattern, out, re.MULTILINE)
        if found is None:
            raise SystemExit(f"ab said:\n{out}\n{done.stderr}")
        return float(found.group(1))

    count = int(number(r"^Complete requests:\s+(\d+)"))
    failed = int(number(r"^Failed requests:\s+(\d+)"))
    other = re.search(r"^Non-2xx responses:\s+(\d+)", out, re.MULTILINE)
    return (
        count,
        number(r"^\s+50%\s+(\d+)"),
        number(r"^\s+95%\s+(\d+)"),
        number(r"^\s+100%\s+(\d+)"),
        failed + (int(other.group(1)) if other else 0),
    )


def startup_seconds(env: dict, repeat: int = 5) -> tuple[float, float]:
    """Median wall-clock and processor (user + system) seconds of `yuanqu --help`."""
    import resource

    wall, cpu = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "yuanqu.cli", "--help"], env=env, capture_output=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall.append(time.perf_counter() - started)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to serve with, in turn")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0, help="per page and worker count")
    parser.add_argument("--threads", type=int, default=4, help="threads per web process")
    parser.add_argument("--parcels", type=int, default=20_000)
    parser.add_argument("--client", choices=("threads", "ab"), default="threads", help="who asks (see above)")
    args = parser.parse_args()
    if args.client == "ab" and not shutil.which("ab"):
        raise SystemExit("--client ab needs ApacheBench: apt-get install apache2-utils")

    with django_on_a_throwaway_database("serve", database_url=True) as workdir:
        run(args, workdir)


def run(args, workdir: Path) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections
    from django.db.models import Count, Max, Min

    from yuanqu.accounts.testing import make_user
    from yuanqu.analytics import mvt
    from yuanqu.core.access import Role
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.land.models import Parcel

    started = time.perf_counter()
    summary = build_demo_city(
        seed=7, parcels=args.parcels, enterprises=max(1, round(args.parcels / 1.5)), years=2, log=False
    )
    print(f"built {args.parcels:,} parcels in {time.perf_counter() - started:.0f} s; as of {summary.as_of}")
    user = make_user("bench_serve", Role.CITY_ADMIN)
    cookies = []
    for _ in range(args.clients):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    biggest = Parcel.objects.values("zone").annotate(n=Count("pk")).order_by("-n").first()["zone"]
    box = Parcel.objects.filter(zone=biggest).aggregate(
        w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), n=Max("max_lat")
    )
    tiles = sorted(mvt.tiles_covering((box["w"], box["s"], box["e"], box["n"]), 14))[:40]
    tile_paths = [f"/map/tiles/{z}/{x}/{y}.mvt?as_of={summary.as_of}" for z, x, y in tiles]
    list_paths = [f"/enterprises/?page={page}" for page in range(1, 6)]
    connections.close_all()

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    env["YUANQU_DATA_DIR"] = str(workdir)
    env["YUANQU_TILE_WARMUP"] = "0"
    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]}; {args.clients} clients; {args.seconds:.0f} s per page")
    wall, cpu = startup_seconds(env)
    print(f"`yuanqu --help` starts in {wall:.2f} s, {cpu:.2f} s of processor time (medians of 5)")
    print(f"{'workers':>7} {'page':<16} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} errors")
    for workers in [int(w) for w in args.workers.split(",")]:
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "yuanqu.cli",
                "serve",
                "--workers",
                str(workers),
                "--threads",
                str(args.threads),
                "--no-jobs",
                "--addr",
                f"127.0.0.1:{port}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if get(port, "/login/", "")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not answer within 60 s")
                time.sleep(0.3)
            for path in list_paths + tile_paths:  # every process's code paths and the tile cache warm
                for _ in range(workers):
                    get(port, path, cookies[0])
            for label, paths in (("enterprise list", list_paths), ("warm tile z14", tile_paths)):
                load = os.getloadavg()[0]
                if args.client == "ab":
                    count, p50, p95, most, errors = apache_bench(port, paths[0], cookies[0], args.clients, args.seconds)
                    print(
                        f"{workers:>7} {label:<16} {count:>8} {count / args.seconds:>6.1f} {p50:>7.0f} {p95:>7.0f} "
                        f"{most:>7.0f} {errors:>6}   (load {load:.1f}; ab, {paths[0]})"
                    )
                    continue
                latencies, errors = hammer(port, paths, cookies, args.seconds)
                ms = [t * 1000 for t in latencies]
                print(
                    f"{workers:>7} {label:<16} {len(ms):>8} {len(ms) / args.seconds:>6.1f} {percentile(ms, 0.5):>7.0f} "
                    f"{percentile(ms, 0.95):>7.0f} {max(ms):>7.0f} {errors:>6}   (load {load:.1f})"
                )
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
