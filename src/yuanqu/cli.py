"""The `yuanqu` command: Django's management commands with yuanqu's settings preset.

A command starts Django (every app's ``ready()``), and the apps' modules import the data libraries (Polars, NumPy,
shapely, pyproj, the spreadsheet and document writers) at their top, which would cost a command that touches no
data (``yuanqu --help``, ``yuanqu workdays add``) a second before it does anything. So the command loads those
libraries lazily: ``import polars as pl`` binds a stand-in at once, and Polars is imported for real when something
of it is first used, where the data is. The long-running commands (the server, the worker) load them
before they start threads, whose first use of a library would otherwise race to load it.
"""

import functools
import gc
import os
import sys

# Re-exported: the command installs the finder, the tests ask what it defers.
from yuanqu.core.lazy import LAZY_LIBRARIES, Deferred, load_lazily, load_now  # noqa: F401

_resume_collecting = False
"""Set by main(), which pauses the garbage collector from its start: the set-up enables it again."""


def collecting_paused(setup):
    """``django.setup`` with the garbage collector paused while it runs (and since main() started).

    Importing Django and populating the apps makes some hundred thousand objects (modules, classes, functions) and
    next to no garbage, and the collections their allocation sets off cost a tenth of the start of a command that
    touches no data. Once the apps are ready those objects are frozen (``gc.freeze``): they live as long as the
    process, so no later collection, nor the one at exit, goes through them again; the collector runs as before on
    everything made after."""

    @functools.wraps(setup)
    def setup_with_collecting_paused(*args, **kwargs):
        global _resume_collecting
        resume, _resume_collecting = gc.isenabled() or _resume_collecting, False
        gc.disable()
        try:
            return setup(*args, **kwargs)
        finally:
            gc.freeze()
            if resume:
                gc.enable()

    setup_with_collecting_paused.collecting_paused = True
    return setup_with_collecting_paused


def main(argv: list[str] | None = None) -> None:
    """Run a yuanqu command (`yuanqu demo`, `yuanqu import parcels FILE`, ...)."""
    global _resume_collecting
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.site.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "yuanqu"
    load_lazily(argv)
    _resume_collecting = gc.isenabled()
    gc.disable()
    import django
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    # Django's command line calls django.setup() once it has read --settings; the collector resumes there.
    if not getattr(django.setup, "collecting_paused", False):
        django.setup = collecting_paused(django.setup)
    try:
        execute_from_command_line(argv)
    except DatabaseError as exc:
        # Most often a command run before `yuanqu init` (or against the wrong YUANQU_DATABASE_URL): say
        # so in one line instead of a traceback.
        from django.db import connection

        where = connection.settings_dict.get("NAME")
        sys.stderr.write(
            f"数据库错误：{exc}。数据库（{where}）可能尚未初始化：请先运行 yuanqu init，"
            f"或检查 YUANQU_DATABASE_URL / YUANQU_DATA_DIR。\n"
            f"database error: {exc}. The database ({where}) may not be set up yet: run `yuanqu init` first, "
            f"or check YUANQU_DATABASE_URL / YUANQU_DATA_DIR.\n"
        )
        sys.exit(1)
    finally:
        if _resume_collecting:  # the command ended before the set-up (settings that do not load)
            _resume_collecting = False
            gc.enable()


if __name__ == "__main__":
    main()
