"""Libraries loaded lazily: ``import polars as pl`` binds a stand-in at once, and Polars is imported for real when
something of it is first used, where the data is. The `yuanqu` command (``yuanqu.cli``) installs the finder so that
a command touching no data (``yuanqu --help``, ``yuanqu workdays add``) does not pay for the data libraries the
apps' modules import at their top; the long-running commands (the server, the worker) call :func:`load_now` before
they start threads, whose first use of a library would otherwise race to load it.
"""

import contextlib
import importlib
import importlib.machinery
import sys
import threading
import types
from collections.abc import Callable

LAZY_LIBRARIES = frozenset(
    {
        "polars",
        "numpy",
        "shapely",
        "pyproj",
        "pyogrio",
        "openpyxl",
        "xlsxwriter",
        "python_calamine",
        "docx",
        "matplotlib",
    }
)
"""Libraries loaded when first used rather than when imported (each costs 50–500 ms to load)."""

EAGER_COMMANDS = frozenset({"serve", "worker", "runserver", "rqworker", "db_worker"})
"""Commands that serve with threads: they load every library at once, as Python would."""


class Deferred(types.ModuleType):
    """Stands in for a library until something of it is first used: then the library is imported for real and
    its attributes copied here, so the modules that imported the stand-in use the library itself from then on."""

    __path__ = None  # set from the library's spec when it is a package: what importing one of its modules needs

    def __getattr__(self, attribute: str):
        return getattr(self._load(), attribute)

    def _load(self) -> types.ModuleType:
        name = self.__name__
        real = sys.modules.get(name)
        if real is None or real is self:
            sys.modules.pop(name, None)
            _loading.append(name)
            try:
                real = importlib.import_module(name)
            finally:
                _loading.pop()
        self.__dict__.update(real.__dict__)
        return real


_loading: list[str] = []


# Plain classes rather than importlib.abc's: that module imports importlib.resources (and pathlib, tempfile), some
# 30 ms of a start that loads none of them otherwise. The import system asks only for these methods.
class _DeferredLoader:
    def create_module(self, spec):
        return Deferred(spec.name)

    def exec_module(self, module) -> None:
        pass


class LazyLibraries:
    """Gives a stand-in (``Deferred``) for each of the LAZY_LIBRARIES imported while none is being loaded for real
    (a library loading imports its own dependencies as Python would); importing a module of such a library loads it
    first."""

    def find_spec(self, name, path, target=None):
        top = name.partition(".")[0]
        if top not in LAZY_LIBRARIES:
            return None
        if top != name:
            standing_in = sys.modules.get(top)
            if isinstance(standing_in, Deferred) and sys.modules.get(top) is standing_in:
                standing_in._load()
            return None
        if _loading:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            found = finder.find_spec(name, path, target)
            if found is not None:
                spec = importlib.machinery.ModuleSpec(name, _DeferredLoader(), origin=found.origin)
                spec.submodule_search_locations = found.submodule_search_locations
                return spec
        return None


def load_in_background(name: str) -> Callable[[], None]:
    """Start loading a library that still stands in, in a thread, for a caller about to wait on work that lets
    other threads run (a spreadsheet parsed in Rust); returns what to call before the library, or any other that
    stands in, is used again: it waits for the load to end. A library already loaded needs no thread.

    The load runs beside the wait instead of after it. Should it fail, the library still stands in, and its
    first use loads it again and raises as it would have."""
    module = sys.modules.get(name)
    if not isinstance(module, Deferred):
        return _nothing
    thread = threading.Thread(target=_load_quietly, args=(module,), name=f"load {name}", daemon=True)
    thread.start()
    return thread.join


def _nothing() -> None:
    pass


def _load_quietly(module: Deferred) -> None:
    with contextlib.suppress(Exception):
        module._load()


def load_now() -> None:
    """Load every library still standing in (before a command starts threads)."""
    for module in list(sys.modules.values()):
        if isinstance(module, Deferred):
            module._load()


def load_lazily(argv: list[str]) -> bool:
    """Install the lazy finder unless the command serves with threads; True when installed."""
    command = next((arg for arg in argv[1:] if not arg.startswith("-")), "")
    if command in EAGER_COMMANDS or any(isinstance(f, LazyLibraries) for f in sys.meta_path):
        return False
    sys.meta_path.insert(0, LazyLibraries())
    return True
