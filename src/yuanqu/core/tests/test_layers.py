"""The apps stand in layers: no import cycle between apps, counting imports inside functions, and core imports no
domain app. import-linter's layers contract (pyproject.toml) says which app may import which; this test reads the
source itself, so that an import placed inside a function to dodge a cycle still counts."""

from __future__ import annotations

import ast
import re
import tomllib
from collections import defaultdict
from pathlib import Path

import yuanqu

PACKAGE = Path(yuanqu.__file__).parent
NOT_APPS = {"static", "templates", "locale", "__pycache__"}


def app_imports(package: Path = PACKAGE) -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) → the modules where it happens, for every import in the apps' code (tests and
    migrations apart: a migration names other apps' models by label)."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).parts
        if len(parts) < 2 or parts[0] in NOT_APPS or "tests" in parts or "migrations" in parts:
            continue
        source_app = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")
                if top[0] == "yuanqu" and len(top) > 1 and top[1] != source_app and (package / top[1]).is_dir():
                    edges[(source_app, top[1])].append(str(path.relative_to(package)))
    return edges


def cycles(edges) -> list[list[str]]:
    """The groups of apps that import each other round in a circle (strongly connected components)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_apps():
    assert cycles(app_imports()) == []


def test_core_and_analytics_import_no_app_above_them():
    edges = app_imports()
    assert {edge: where for edge, where in edges.items() if edge[0] == "core" and edge[1] != "analytics"} == {}
    assert {edge: where for edge, where in edges.items() if edge[0] == "analytics"} == {}


def core_names_of_apps(package: Path = PACKAGE) -> list[str]:
    """Where core's code (tests and migrations apart) names a domain app in a string: a dotted path
    (``"yuanqu.land.selectors"``, which ``import_module`` or ``import_string`` would load) or a model label
    (``"zones.Zone"``). Docstrings may give such paths as examples."""
    apps = {path.name for path in package.iterdir() if path.is_dir() and path.name not in NOT_APPS}
    domain = apps - {"core", "analytics"}
    found = []
    for path in (package / "core").rglob("*.py"):
        parts = path.relative_to(package).parts
        if "tests" in parts or "migrations" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in docstrings:
                continue
            for app in domain:
                if f"yuanqu.{app}" in node.value or node.value.lower().startswith(f"{app}."):
                    found.append(f"{path.relative_to(package)}:{node.lineno}: {node.value!r}")
    return found


def test_core_names_no_app_in_a_dotted_path_or_model_label():
    # Core reaches the zone model through settings.YUANQU_ZONE_MODEL and everything else through the registries.
    assert core_names_of_apps() == []


def test_the_name_finder_finds_a_dotted_path_and_a_model_label(tmp_path):
    (tmp_path / "land").mkdir()
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "registry.py").write_text(
        '"""Names yuanqu.land.selectors in its docstring."""\n'
        'LOADER = "yuanqu.land.selectors.parcel_counts"\n'
        'ZONE = models.ForeignKey("land.Parcel")\n',
        encoding="utf-8",
    )
    assert core_names_of_apps(tmp_path) == [
        "core/registry.py:2: 'yuanqu.land.selectors.parcel_counts'",
        "core/registry.py:3: 'land.Parcel'",
    ]


def test_the_picture_of_the_layers_is_the_layers_contract():
    # docs/development.md draws the floors top to bottom; pyproject.toml's contract enforces them.
    root = PACKAGE.parent.parent
    contract = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in contract["contracts"] if c["type"] == "layers"]
    guide = (root / "docs" / "development.md").read_text(encoding="utf-8")
    picture = guide.split("## The house", 1)[1].split("```", 2)[1]
    floors = [m.group(1) for m in re.finditer(r"^  ([a-z]+(?: \| [a-z]+)*)(?:  |$)", picture, re.MULTILINE)]
    assert floors == [" | ".join(name.removeprefix("yuanqu.") for name in layer.split(" | ")) for layer in layers]


def test_the_cycle_finder_finds_a_cycle_through_a_function_import(tmp_path):
    # The control: two apps importing each other, one of them inside a function, are found.
    for app, body in (
        ("alpha", "from yuanqu.beta.models import B\n"),
        ("beta", "def f():\n    from yuanqu.alpha.models import A\n"),
    ):
        (tmp_path / app).mkdir()
        (tmp_path / app / "views.py").write_text(body, encoding="utf-8")
    assert cycles(app_imports(tmp_path)) == [["alpha", "beta"]]
