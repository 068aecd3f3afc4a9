"""The English catalogue is complete: every translatable string in templates and Python has an English msgstr."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

import yuanqu
from yuanqu.enterprises.testing import make_enterprise_year

PACKAGE = Path(yuanqu.__file__).resolve().parent
PO_PATH = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop", "_lazy", "pgettext", "pgettext_lazy"}
TRANSLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msg>.*?)(?P=q)(?:\s+[^%]*)?%}""", re.S)
UNDERSCORE_IN_TEMPLATE = re.compile(r"""\b_\(\s*(?P<q>["'])(?P<msg>.*?)(?P=q)\s*\)""", re.S)
BLOCK_TAG = re.compile(r"{%\s*blocktrans(?:late)?(?P<args>[^%]*)%}(?P<body>.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def _block_msgid(args: str, body: str) -> str:
    if "{% plural %}" in body or "{%plural%}" in body:
        body = re.split(r"{%\s*plural\s*%}", body)[0]
    msgid = VARIABLE.sub(lambda m: f"%({m.group(1)})s", body.replace("%", "%%"))
    if "trimmed" in args:
        msgid = " ".join(line.strip() for line in msgid.strip().splitlines() if line.strip())
    return msgid


def template_msgids(text: str) -> set[str]:
    found = {m.group("msg") for m in TRANSLATE_TAG.finditer(text)}
    found |= {m.group("msg") for m in UNDERSCORE_IN_TEMPLATE.finditer(text)}
    found |= {_block_msgid(m.group("args"), m.group("body")) for m in BLOCK_TAG.finditer(text)}
    return found


def python_msgids(source: str) -> set[str]:
    """Literal first arguments of gettext calls (pgettext's message is its second argument)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in GETTEXT_FUNCTIONS:
            continue
        index = 1 if name.startswith("pgettext") else 0
        if len(node.args) > index and isinstance(node.args[index], ast.Constant):
            value = node.args[index].value
            if isinstance(value, str) and value:
                found.add(value)
    return found


def project_msgids() -> dict[str, str]:
    """Every translatable string in the package, with the first file it appears in."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(PACKAGE)
        if "migrations" in rel.parts or "tests" in rel.parts or "static" in rel.parts:
            continue
        if path.suffix in (".html", ".txt") and "templates" in rel.parts:
            ids = template_msgids(path.read_text(encoding="utf-8"))
        elif path.suffix == ".py":
            ids = python_msgids(path.read_text(encoding="utf-8"))
        else:
            continue
        for msgid in ids:
            found.setdefault(msgid, str(rel))
    return found


def test_scanner_finds_model_labels_choices_and_template_strings():
    found = project_msgids()
    assert found["统一社会信用代码"]  # a model field's verbose_name
    assert "园区工作人员" in found  # a choice label (Role)
    assert "变更记录" in found  # the history include
    assert "亩均税收（万元/亩）" in found  # a label computed in a view


def test_every_translatable_string_has_an_english_msgstr():
    catalogue = {
        entry.msgid: entry.msgstr or (all(entry.msgstr_plural.values()) and entry.msgstr_plural[0])
        for entry in polib.pofile(str(PO_PATH))
        if not entry.obsolete
    }
    missing = sorted(f"{where}: {msgid}" for msgid, where in project_msgids().items() if not catalogue.get(msgid))
    assert missing == [], f"{len(missing)} strings without an English translation in {PO_PATH.name}"


def test_english_catalogue_has_no_fuzzy_or_duplicate_entries():
    po = polib.pofile(str(PO_PATH))
    assert [e.msgid for e in po if "fuzzy" in e.flags] == []
    msgids = [(e.msgctxt, e.msgid) for e in po if not e.obsolete]
    assert len(msgids) == len(set(msgids))


def test_compiled_catalogue_matches_the_po_file():
    assert MO_PATH.exists(), "run `yuanqu compiletranslations`"
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO_PATH)) if e.msgstr and not e.obsolete}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(MO_PATH))}
    assert {k: v for k, v in po.items() if mo.get(k) != v} == {}, "stale .mo: run `yuanqu compiletranslations`"


def test_english_chosen_shows_the_enterprise_page_in_english(client: Client, user_a, enterprise_a):
    make_enterprise_year(enterprise_a, 2024)
    client.force_login(user_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/enterprises/{enterprise_a.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Unified social credit code" in html
    assert "Tax paid (10k yuan)" in html
    assert "Change history" in html
    for chinese in ("统一社会信用代码", "实缴税收（万元）", "变更记录", "所属园区", "年度数据"):
        assert chinese not in html
    assert enterprise_a.name in html  # data stays as entered


@pytest.mark.parametrize("browser_language", ["", "en-US,en;q=0.9"])
def test_chinese_is_the_default_language_whatever_the_browser_asks(
    client: Client, user_a, enterprise_a, browser_language
):
    client.force_login(user_a)
    html = client.get(f"/enterprises/{enterprise_a.pk}/", HTTP_ACCEPT_LANGUAGE=browser_language).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "统一社会信用代码" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_language_switch_sets_the_language_for_later_pages(client: Client, user_a, language):
    client.force_login(user_a)
    response = client.post("/i18n/setlang/", {"language": language, "next": "/zones/"})
    assert response.status_code == 302
    html = client.get("/zones/", HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        assert translation.gettext("园区名称") in html
