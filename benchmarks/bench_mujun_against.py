"""The per-mu engine of this tree against the engine of another git revision, interleaved in one process.

    .venv/bin/python benchmarks/bench_mujun_against.py REVISION [--enterprises 100000] [--repeat 21]

Loads ``engine.py`` and ``explain.py`` of REVISION (``git show``) beside the current ones, checks that
both give identical output frames, then times them alternately on the same synthetic frames. On a
shared machine, alternating runs see the same load, so the ratio of their medians is the figure to
trust; the absolute times move with the load.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_mujun_engine import synthetic
from yuanqu.analytics.mujun import load_preset, score

PACKAGE = "src/yuanqu/analytics/mujun"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def engine_of(revision: str):
    """The ``score`` function of ``revision``, its explanations from the same revision."""
    folder = Path(tempfile.mkdtemp(prefix="yuanqu-mujun-"))
    root = Path(__file__).resolve().parent.parent
    for name in ("engine", "explain"):
        text = subprocess.run(
            ["git", "show", f"{revision}:{PACKAGE}/{name}.py"], cwd=root, check=True, capture_output=True, text=True
        ).stdout
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
    explain = _load("mujun_explain_then", folder / "explain.py")
    engine = _load("mujun_engine_then", folder / "engine.py")
    shutil.rmtree(folder)
    engine.explaining = explain
    return engine.score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision")
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    then = engine_of(args.revision)
    current = synthetic(args.enterprises, seed=1)
    previous = synthetic(args.enterprises, seed=1, year_factor=0.95)
    print(f"{args.enterprises:,} enterprises; {args.revision} against this tree, alternating, {args.repeat} runs each")
    for preset in ("huangyan-2022", "huaian-2024"):
        method = load_preset(preset)
        before = previous if method.needs_previous else None
        assert then(current, method, previous=before).equals(score(current, method, previous=before))
        times: dict[str, list[float]] = {"then": [], "now": []}
        cpu: dict[str, list[float]] = {"then": [], "now": []}
        for _ in range(args.repeat):
            for label, function in (("then", then), ("now", score)):
                started, cpu_started = time.perf_counter(), time.process_time()
                function(current, method, previous=before)
                times[label].append(time.perf_counter() - started)
                cpu[label].append(time.process_time() - cpu_started)
        medians = {label: statistics.median(values) for label, values in times.items()}
        cpu_medians = {label: statistics.median(values) for label, values in cpu.items()}
        print(
            f"{preset}: identical output; {args.revision} best {min(times['then']) * 1000:.1f} ms, "
            f"median {medians['then'] * 1000:.1f} ms; now best {min(times['now']) * 1000:.1f} ms, "
            f"median {medians['now'] * 1000:.1f} ms; medians {medians['then'] / medians['now']:.2f} × faster now; "
            f"CPU medians {cpu_medians['then'] * 1000:.1f} → {cpu_medians['now'] * 1000:.1f} ms "
            f"({cpu_medians['then'] / cpu_medians['now']:.2f} ×)"
        )


if __name__ == "__main__":
    main()
