"""Where each key of a method file sits: line numbers for validation messages.

tomllib returns plain dicts without positions, so the TOML text is re-scanned here for its structure
(table headers, arrays of tables, keys, array elements, inline tables); values are skipped, not parsed.
The scan runs only on text tomllib has accepted, and never raises: a key it cannot place is looked
up through its nearest placed parent.
"""

from __future__ import annotations

import bisect
import contextlib
from dataclasses import dataclass

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Place:
    line: int
    column: int  # 1-based column where the value begins
    content_column: int | None  # where a single-line string's text begins, for pointing into formulas


class Locations:
    """Path → place, with fallback to the nearest parent that has one."""

    def __init__(self, places: dict[Path, Place] | None = None):
        self.places = places or {}

    def find(self, path: Path) -> Place | None:
        for end in range(len(path), 0, -1):
            place = self.places.get(tuple(path[:end]))
            if place is not None:
                return place
        return None


def format_path(path: Path) -> str:
    """("groups", 0, "indicators", 1, "weight") -> "groups[0].indicators[1].weight"."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _TomlScanner:
    BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.n = len(text)
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.places: dict[Path, Place] = {}
        self.array_tables: dict[Path, int] = {}

    def where(self, pos: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.line_starts, pos) - 1
        return index + 1, pos - self.line_starts[index] + 1

    def record(self, path: Path, pos: int, *, value_pos: int | None = None) -> None:
        line, _ = self.where(pos)
        column = self.where(value_pos)[1] if value_pos is not None else self.where(pos)[1]
        content = None
        is_string = value_pos is not None and value_pos < self.n and self.text[value_pos] in "\"'"
        if is_string and not self.text.startswith(('"""', "'''"), value_pos):
            content = column + 1
        self.places.setdefault(path, Place(line, column, content))

    def skip_blank(self, *, newlines: bool) -> None:
        while self.pos < self.n:
            ch = self.text[self.pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.pos += 1
            elif ch == "#":
                while self.pos < self.n and self.text[self.pos] != "\n":
                    self.pos += 1
            else:
                return

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            if self.pos >= self.n:
                return parts
            ch = self.text[self.pos]
            if ch in "\"'":
                start = self.pos
                self.skip_string()
                raw = self.text[start + 1 : self.pos - 1]
                parts.append(raw)
            else:
                start = self.pos
                while self.pos < self.n and self.text[self.pos] in self.BARE:
                    self.pos += 1
                if self.pos == start:
                    return parts
                parts.append(self.text[start : self.pos])
            self.skip_blank(newlines=False)
            if self.pos < self.n and self.text[self.pos] == ".":
                self.pos += 1
                continue
            return parts

    def skip_string(self) -> None:
        text = self.text
        for fence in ('"""', "'''"):
            if text.startswith(fence, self.pos):
                end = self.pos + 3
                while True:
                    end = text.find(fence, end)
                    if end < 0:
                        self.pos = self.n
                        return
                    if fence == '"""' and text[end - 1] == "\\":
                        end += 1
                        continue
                    # A closing fence may be followed by up to two more quotes that belong to the string.
                    while text.startswith(fence[0], end + 3):
                        end += 1
                    self.pos = end + 3
                    return
        quote = text[self.pos]
        self.pos += 1
        while self.pos < self.n and text[self.pos] != quote and text[self.pos] != "\n":
            if quote == '"' and text[self.pos] == "\\":
                self.pos += 1
            self.pos += 1
        self.pos += 1

    def value(self, path: Path) -> None:
        if self.pos >= self.n:
            return
        ch = self.text[self.pos]
        if ch in "\"'":
            self.skip_string()
        elif ch == "[":
            self.pos += 1
            index = 0
            while self.pos < self.n:
                self.skip_blank(newlines=True)
                if self.pos >= self.n or self.text[self.pos] == "]":
                    self.pos += 1
                    return
                self.record((*path, index), self.pos, value_pos=self.pos)
                self.value((*path, index))
                self.skip_blank(newlines=True)
                if self.pos < self.n and self.text[self.pos] == ",":
                    self.pos += 1
                    index += 1
        elif ch == "{":
            self.pos += 1
            while self.pos < self.n:
                self.skip_blank(newlines=True)
                if self.pos >= self.n or self.text[self.pos] == "}":
                    self.pos += 1
                    return
                start = self.pos
                keys = self.key()
                if not keys:
                    self.pos = self.n
                    return
                self.skip_blank(newlines=False)
                if self.pos < self.n and self.text[self.pos] == "=":
                    self.pos += 1
                self.skip_blank(newlines=False)
                self.record((*path, *keys), start, value_pos=self.pos)
                self.value((*path, *keys))
                self.skip_blank(newlines=True)
                if self.pos < self.n and self.text[self.pos] == ",":
                    self.pos += 1
        else:
            while self.pos < self.n and self.text[self.pos] not in ",]}\n#":
                self.pos += 1

    def resolve(self, parts: list[str]) -> Path:
        """A header's dotted name as a path, stepping into the last element of each array of tables."""
        path: Path = ()
        for part in parts:
            path = (*path, part)
            if path in self.array_tables:
                path = (*path, self.array_tables[path] - 1)
        return path

    def header(self, opening: str, closing: str) -> list[str]:
        self.pos += len(opening)
        parts = self.key()
        self.skip_blank(newlines=False)
        if self.text.startswith(closing, self.pos):
            self.pos += len(closing)
        return parts

    def scan(self) -> dict[Path, Place]:
        table: Path = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= self.n:
                break
            start = self.pos
            if self.text.startswith("[[", self.pos):
                parts = self.header("[[", "]]")
                if parts:
                    array = (*self.resolve(parts[:-1]), parts[-1])
                    self.array_tables[array] = self.array_tables.get(array, 0) + 1
                    table = (*array, self.array_tables[array] - 1)
                    self.record(array, start)
                    self.record(table, start)
            elif self.text[self.pos] == "[":
                parts = self.header("[", "]")
                table = self.resolve(parts)
                self.record(table, start)
            else:
                keys = self.key()
                if not keys:  # not a statement we understand: skip the line
                    while self.pos < self.n and self.text[self.pos] != "\n":
                        self.pos += 1
                    continue
                self.skip_blank(newlines=False)
                if self.pos < self.n and self.text[self.pos] == "=":
                    self.pos += 1
                self.skip_blank(newlines=False)
                for end in range(1, len(keys)):  # dotted keys name their parent tables too
                    self.record((*table, *keys[:end]), start)
                self.record((*table, *keys), start, value_pos=self.pos)
                self.value((*table, *keys))
            while self.pos < self.n and self.text[self.pos] != "\n":
                self.pos += 1
        return self.places


def locate_toml(text: str) -> Locations:
    scanner = _TomlScanner(text)
    # A structure this scanner does not follow: keep what it found.
    with contextlib.suppress(IndexError, ValueError):
        scanner.scan()
    return Locations(scanner.places)


def locate_yaml(text: str) -> Locations:
    """Places of a YAML method's keys, from PyYAML's node marks."""
    import yaml

    places: dict[Path, Place] = {}

    def content_column(node) -> int | None:
        if not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line:
            return None
        column = node.start_mark.column + 1
        return column + 1 if node.style in ('"', "'") else column if node.style is None else None

    def walk(node, path: Path) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, str(key_node.value))
                places.setdefault(
                    child,
                    Place(key_node.start_mark.line + 1, value_node.start_mark.column + 1, content_column(value_node)),
                )
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*path, index)
                places.setdefault(child, Place(item.start_mark.line + 1, item.start_mark.column + 1, None))
                walk(item, child)

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return Locations()
    if root is not None:
        walk(root, ())
    return Locations(places)
