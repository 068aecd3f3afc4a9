"""The `yuanqu` command on a database that was never set up: one clear line, no traceback."""

import os
import subprocess
import sys


def test_a_command_before_init_says_to_run_init(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("YUANQU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["YUANQU_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "yuanqu.cli", "workdays", "add", "2025-09-30", "10"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "请先运行 yuanqu init" in result.stderr
    assert "run `yuanqu init` first" in result.stderr
    assert str(tmp_path / "yuanqu.sqlite3") in result.stderr
