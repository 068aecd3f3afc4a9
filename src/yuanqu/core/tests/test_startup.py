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


def test_help_loads_none_of_the_data_libraries(tmp_path):
    code = (
        "import os, sys\n"
        f"os.environ['YUANQU_DATA_DIR'] = {str(tmp_path)!r}\n"
        "from yuanqu import cli\n"
        "try:\n"
        "    cli.main(['yuanqu', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted({m.split('.')[0] for m, mod in sys.modules.items() if '.' in m or not isinstance(mod, cli.Deferred)})\n"
        "print('LOADED', *loaded)\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split("LOADED", 1)[1].split())
    assert "django" in loaded and "yuanqu" in loaded
    assert loaded & LAZY_LIBRARIES == set()


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
