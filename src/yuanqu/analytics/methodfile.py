"""What every method file shares (per-mu and zone-evaluation methods alike): a problem with its place in the file,
the error listing them all, and the checks of the file's shapes (tables, text, identifiers, flags) that name
each problem's line and key."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from yuanqu.analytics.mujun.locate import Locations, Path, format_path

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class MethodProblem:
    path: str
    reason_zh: str
    reason_en: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where_zh = where_en = ""
        if self.line is not None:
            where_zh = f"第 {self.line} 行" + (f"第 {self.column} 列" if self.column else "")
            where_en = f"line {self.line}" + (f" col {self.column}" if self.column else "")
        key_zh = f"（{self.path}）" if self.path else ""
        key_en = f" ({self.path})" if self.path else ""
        return f"{where_zh}{key_zh}：{self.reason_zh} / {where_en}{key_en}: {self.reason_en}".lstrip(" /")


class MethodError(ValueError):
    """A method file that cannot be used; ``problems`` lists every problem found, each with its line."""

    def __init__(self, problems: list[MethodProblem], *, origin: str = ""):
        self.problems = tuple(problems)
        self.origin = origin
        head = f"{origin}: " if origin else ""
        super().__init__(head + "\n".join(str(p) for p in self.problems))


class FileReader:
    """Reads a parsed method document, collecting every problem with its place in the file; a method's own reader
    adds the checks of its contents."""

    def __init__(self, locations: Locations):
        self.locations = locations
        self.problems: list[MethodProblem] = []

    def problem(self, path: Path, zh: str, en: str, *, column: int | None = None) -> None:
        place = self.locations.find(path)
        line = place.line if place else None
        self.problems.append(MethodProblem(format_path(path), zh, en, line, column))

    def table(self, value: Any, path: Path, *, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            self.problem(path, "应为表（键值对）", "should be a table of keys and values")
            return {}
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                hint_zh = f"（是否应为 {close[0]}？）" if close else f"（可用：{'、'.join(allowed)}）"
                hint_en = f" (did you mean {close[0]}?)" if close else f" (allowed: {', '.join(allowed)})"
                self.problem((*path, key), f"未知的键 {key}{hint_zh}", f"unknown key {key}{hint_en}")
        for key in required:
            if key not in value:
                self.problem(path, f"缺少必填的键 {key}", f"required key {key} is missing")
        return value

    def tables(self, value: Any, path: Path) -> list:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(path, "应为表的数组（[[...]]）", "should be an array of tables ([[...]])")
            return []
        return value

    def text(self, data: dict, key: str, path: Path, *, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            return ""  # reported as missing by table()
        if not isinstance(value, str):
            self.problem((*path, key), "应为文本", "should be text")
            return ""
        if not value.strip() and default is None:
            self.problem((*path, key), "不能为空", "must not be empty")
        return value

    def identifier(self, data: dict, key: str, path: Path) -> str:
        value = self.text(data, key, path)
        if value and not IDENTIFIER.match(value):
            self.problem(
                (*path, key),
                f"{value!r} 应由小写英文字母、数字和下划线组成，以字母开头",
                f"{value!r} should be lower-case letters, digits and _, starting with a letter",
            )
        return value

    def boolean(self, data: dict, key: str, path: Path, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem((*path, key), "应为 true 或 false", "should be true or false")
            return default
        return value


def read_toml(text: str, *, origin: str = "") -> dict[str, Any]:
    """A method file's TOML as data; a syntax error is a MethodError naming its line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's error carries its position only in the message: "… (at line 7, column 22)".
        reason = str(error)
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", reason)
        line = column = None
        if found:
            line, column = int(found.group(1)), int(found.group(2))
            reason = reason[: found.start()]
        raise MethodError(
            [MethodProblem("", f"TOML 语法错误：{reason}", f"TOML syntax error: {reason}", line, column)], origin=origin
        ) from None


def preset_names_in(package: str) -> list[str]:
    """The presets a package ships in its ``presets`` folder, by name (the file name without .toml)."""
    folder = resources.files(package).joinpath("presets")
    return sorted(item.name.removesuffix(".toml") for item in folder.iterdir() if item.name.endswith(".toml"))


def preset_text_in(package: str, name: str) -> str:
    """The text of a package's preset, exactly as shipped; MethodError naming the presets there are."""
    name = name.removesuffix(".toml")
    names = preset_names_in(package)
    if name not in names:
        raise MethodError(
            [
                MethodProblem(
                    "",
                    f"没有名为 {name} 的预置方法（可用：{'、'.join(names)}）",
                    f"no preset named {name} (available: {', '.join(names)})",
                )
            ]
        )
    return resources.files(package).joinpath("presets", f"{name}.toml").read_text(encoding="utf-8")
