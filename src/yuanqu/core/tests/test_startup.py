"""A command that touches no data starts fast: the command line defers the data libraries until they are used
(yuanqu.cli), and they work as ever once they are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yuanqu
from yuanqu.cli import LAZY_LIBRARIES

SRC = Path(yuanqu.__file__).resolve().parents[1]


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, *args, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def loaded_by(tmp_path, *argv: str) -> set[str]:
    """The modules a `yuanqu` command has imported when it ends (a library standing in is not imported)."""
    code = (
        "import os, sys\n"
        f"os.environ['YUANQU_DATA_DIR'] = {str(tmp_path)!r}\n"
        "from yuanqu import cli\n"
        "try:\n"
        f"    cli.main(['yuanqu', *{list(argv)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m, mod in sys.modules.items() if '.' in m or not isinstance(mod, cli.Deferred))\n"
        "print('LOADED', *loaded)\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split("LOADED", 1)[1].split())


# What an app's ready() must not import: its registrations name these by dotted path (yuanqu.core.registry.Lazy),
# its admin modules load with the URL conf, and the analytics engines where a method is read or a run scored.
HEAVY_MODULES = (
    "admin",
    "api",
    "charts",
    "cockpit",
    "commands",
    "demo",
    "exporting",
    "filtersets",
    "forms",
    "importers",
    "importing",
    "selectors",
    "services",
    "statistics",
    "status",
    "tiles",
    "urls",
    "views",
)
HEAVY_ANALYTICS = ("yuanqu.analytics.mujun", "yuanqu.analytics.zoneranking", "yuanqu.analytics.land_status")


def heavy(modules: set[str]) -> list[str]:
    """The heavy modules among these: yuanqu.land.importers, yuanqu.core.importing.pipeline, ..."""
    return sorted(
        name
        for name in modules
        if (name.startswith("yuanqu.") and set(name.split(".")[2:]) & set(HEAVY_MODULES))
        or name.startswith(HEAVY_ANALYTICS)
    )


def test_help_loads_none_of_the_data_libraries(tmp_path):
    loaded = {name.split(".")[0] for name in loaded_by(tmp_path, "--help")}
    assert "django" in loaded and "yuanqu" in loaded
    assert loaded & LAZY_LIBRARIES == set()


def test_the_system_checks_load_none_of_the_data_libraries(tmp_path):
    # The checks import the URL conf, and with it every view, form, serializer and admin: every command that runs
    # them (all but a few) pays for what those modules do at import.
    loaded = loaded_by(tmp_path, "check")
    assert {"yuanqu.maps.views", "yuanqu.core.api.fields", "yuanqu.land.admin"} <= loaded
    assert {name.split(".")[0] for name in loaded} & LAZY_LIBRARIES == set()


def test_help_loads_the_apps_models_and_none_of_their_heavy_modules(tmp_path):
    loaded = loaded_by(tmp_path, "--help")
    assert {"yuanqu.land.models", "yuanqu.projects.registrations", "yuanqu.evaluation.models"} <= loaded
    assert heavy(loaded) == []
    assert "django.contrib.admin.views.main" not in loaded  # no admin module of any app was discovered


def test_the_heavy_modules_load_where_they_are_used(tmp_path):
    # The same check finds them once a command uses them: `yuanqu template` builds the kind's importer.
    loaded = loaded_by(tmp_path, "template", "parcels", str(tmp_path / "parcels.xlsx"))
    assert (tmp_path / "parcels.xlsx").is_file()
    assert {"yuanqu.land.importers", "yuanqu.core.importing.pipeline"} <= set(heavy(loaded))


def test_a_deferred_library_works_once_used():
    code = (
        "import sys\n"
        "from yuanqu import cli\n"
        "cli.load_lazily(['yuanqu', 'import'])\n"
        "import polars as pl, shapely, numpy as np\n"
        "assert isinstance(pl, cli.Deferred) and 'polars._plr' not in sys.modules\n"
        "import polars.selectors as cs\n"
        "frame = pl.DataFrame({'a': [1, 2], 'b': ['x', 'y']})\n"
        "print(frame.select(cs.numeric()).sum().item(), type(sys.modules['polars']).__name__)\n"
        "from shapely.geometry import box\n"
        "print(shapely.area(box(0, 0, 2, 3)), int(np.arange(4).sum()), pl.DataFrame is sys.modules['polars'].DataFrame)\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3", "module", "6.0", "6", "True"]


def test_a_library_loaded_in_the_background_works_once_waited_for():
    code = (
        "import sys\n"
        "from yuanqu import cli\n"
        "from yuanqu.core.lazy import load_in_background\n"
        "cli.load_lazily(['yuanqu', 'import'])\n"
        "import polars as pl, numpy\n"
        "assert isinstance(pl, cli.Deferred) and 'polars._plr' not in sys.modules\n"
        "numpy.arange(1)\n"
        "wait = load_in_background('polars')\n"
        "wait()\n"
        "print(type(sys.modules['polars']).__name__, 'polars._plr' in sys.modules, pl.Series([1, 2]).sum())\n"
        "print(load_in_background('numpy').__name__)\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    # Loaded for real by the thread; a library loaded already needs no thread (nothing to wait for).
    assert done.stdout.split() == ["module", "True", "3", "_nothing"]
