"""Jobs run by real worker processes (`yuanqu worker`): on Redis (RQ) with two workers at once, and on the database
queue. Each test sets a site of its own up in a temporary data directory (SQLite) with `yuanqu init`, submits jobs
through `yuanqu shell`, and reads the job rows straight from the database file.

CI makes sure Redis listens on 127.0.0.1:6379 (.ci/run); elsewhere the Redis test is skipped when it does not."""

from __future__ import annotations

import itertools
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import yuanqu

SRC = Path(yuanqu.__file__).resolve().parents[1]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
ROWS = 4000


def redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("jobsite")
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUANQU_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        YUANQU_DATA_DIR=str(data),
        YUANQU_TILE_WARMUP="0",
    )
    yuanqu_cmd(env, "init", timeout=300)
    return data, env


def yuanqu_cmd(env, *args, timeout=120) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "yuanqu.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def zones_file(folder: Path, name: str) -> Path:
    path = folder / name
    lines = ["园区代码,园区名称"] + [f"T{i:05d},测试园区{i}" for i in range(ROWS)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def submit_imports(env, folder: Path, count: int) -> list[int]:
    """Queue ``count`` checks of zone files by one user-less caller: one serial key, so one after the other."""
    paths = [zones_file(folder, f"zones-{i}-{uuid.uuid4().hex[:6]}.csv") for i in range(count)]
    code = (
        "from django.db import transaction\n"
        "from yuanqu.core.jobs.services import submit\n"
        "ids = []\n"
        f"for path in {[str(p) for p in paths]!r}:\n"
        "    with transaction.atomic():\n"
        "        ids.append(submit(kind='import', user=None, subkind='zones', params={'data_kind': 'zones', "
        "'path': path, 'plan': path + '.plan.json', 'filename': 'zones.csv', 'dry_run': True, 'token': 't'}).pk)\n"
        "print('IDS', *ids)\n"
    )
    out = yuanqu_cmd(env, "shell", "-c", code)
    line = next(line for line in out.splitlines() if line.startswith("IDS"))
    return [int(x) for x in line.split()[1:]]


def job_rows(data: Path, ids: list[int]) -> dict[int, tuple]:
    with sqlite3.connect(data / "yuanqu.sqlite3", timeout=30) as db:
        marks = ",".join("?" * len(ids))
        rows = db.execute(
            f"select id, state, started, finished, worker, serial_key, result from core_job where id in ({marks})", ids
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def wait_for(data: Path, ids: list[int], *, seconds: float) -> dict[int, tuple]:
    deadline = time.monotonic() + seconds
    while True:
        rows = job_rows(data, ids)
        if all(rows[i][0] in ("succeeded", "failed", "cancelled") for i in ids) or time.monotonic() > deadline:
            return rows
        time.sleep(0.5)


def start_worker(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "yuanqu.cli", "worker", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def stop(workers) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_two_redis_workers_run_one_zone_and_kinds_imports_one_after_the_other(site, tmp_path):
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer on 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("no Redis on 127.0.0.1:6379")
    data, env = site
    env = {
        **env,
        "YUANQU_REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/15",
        "YUANQU_JOB_QUEUE": f"test-{uuid.uuid4().hex[:10]}",  # nothing else's jobs, and ours reach nobody else
    }
    ids = submit_imports(env, tmp_path, 3)
    workers = [start_worker(env), start_worker(env)]
    try:
        rows = wait_for(data, ids, seconds=240)
    finally:
        stop(workers)
    assert [rows[i][0] for i in ids] == ["succeeded"] * 3, rows
    assert {rows[i][4] for i in ids} == {"import/zones:*"}
    for i in ids:
        assert f'"summary": "zones.csv\\uff1a{ROWS} \\u884c' in rows[i][5] or f"zones.csv：{ROWS} 行" in rows[i][5]
    # One after the other: no two of them ran at the same time, whichever worker took each.
    spans = sorted((rows[i][1], rows[i][2]) for i in ids)
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(spans)), spans
    assert all(rows[i][3] for i in ids)  # each names the process that ran it


def test_the_database_queue_worker_runs_queued_jobs(site, tmp_path):
    data, env = site
    ids = submit_imports(env, tmp_path, 2)
    assert [job_rows(data, ids)[i][0] for i in ids] == ["queued", "queued"]
    worker = subprocess.run(
        [sys.executable, "-m", "yuanqu.cli", "worker", "--burst"], env=env, capture_output=True, text=True, timeout=240
    )
    assert worker.returncode == 0, worker.stderr[-3000:]
    assert "on the database" in worker.stdout
    rows = job_rows(data, ids)
    assert [rows[i][0] for i in ids] == ["succeeded", "succeeded"], rows


def test_serve_with_several_processes_runs_the_jobs_beside_itself(site, tmp_path):
    """`yuanqu serve --workers 2`: gunicorn answers, and the database queue's worker it starts runs the jobs."""
    data, env = site
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yuanqu.cli",
            "serve",
            "--workers",
            "2",
            "--threads",
            "2",
            "--addr",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        status = None
        while status != 200 and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                    sock.sendall(b"GET /login/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    status = int(sock.recv(64).split()[1])
            except (OSError, IndexError, ValueError):
                time.sleep(0.5)
        assert status == 200
        ids = submit_imports(env, tmp_path, 1)
        rows = wait_for(data, ids, seconds=180)
        assert rows[ids[0]][0] == "succeeded", rows
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=60)
    assert "gunicorn, 2 processes × 2 threads; jobs: a worker beside it" in out
    assert out.count("stopped") == 1  # said once, by the server, not by each of its processes
