"""Forms of the zone-evaluation pages: a new run, the ranking page's group filter, and the method editor (the
method's parts as formsets, with its TOML as the advanced view).

The editor's forms check only their own shape (every number is text here); the method itself is checked by
``method_from_dict``, whose problems the editor puts back on the rows and fields they name.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yuanqu.analytics.zone_figures import BY_KEY, FIGURES, unit_en
from yuanqu.analytics.zoneranking import LEVELS, MethodError, MethodProblem, load_method, method_from_dict
from yuanqu.zones.models import Zone

# --- a new run ----------------------------------------------------------------------------------------------


class NewRunForm(forms.Form):
    """A method (a stored one, or a shipped preset) and a year among those with reported figures."""

    method = forms.ChoiceField(label=_lazy("评价方法"))
    year = forms.TypedChoiceField(label=_lazy("评价年度"), coerce=int)

    def __init__(self, *args, methods=(), presets=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = {str(m.pk): m for m in methods}
        self.presets = {name: title for name, title in presets}
        choices = []
        if self.presets:
            english = (get_language() or "").startswith("en")
            bracketed = "{title} ({name})" if english else "{title}（{name}）"
            named = [
                (f"preset:{name}", bracketed.format(title=title, name=name)) for name, title in self.presets.items()
            ]
            choices.append((_("预置方法"), named))
        if self.methods:
            choices.append(
                (
                    _("已保存的方法"),
                    [(f"method:{pk}", f"{m.shown_title} · {m.digest[:8]}") for pk, m in self.methods.items()],
                )
            )
        self.fields["method"].choices = choices
        self.fields["year"].choices = [(year, str(year)) for year in years]

    def chosen(self) -> tuple[str, object]:
        """("preset", name) or ("method", the stored method)."""
        kind, _sep, value = self.cleaned_data["method"].partition(":")
        return (kind, value) if kind == "preset" else (kind, self.methods[value])


class GroupForm(forms.Form):
    """The ranking page's group (none: every group)."""

    group = forms.ChoiceField(label=_lazy("排名组"), required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("全部排名组")), *groups]


# --- the method editor --------------------------------------------------------------------------------------


def _figure_choices(blank: bool = True) -> list[tuple[str, str]]:
    english = (get_language() or "").startswith("en")
    found = [(f.key, f"{f.en} ({unit_en(f.unit)})" if english else f"{f.zh}（{f.unit}）") for f in FIGURES]
    return [("", "—"), *found] if blank else found


DIRECTIONS = [("higher", _lazy("越高越好")), ("lower", _lazy("越低越好"))]
NORMALISATIONS = [
    ("ratio_to_best", _lazy("与最优值之比")),
    ("minmax", _lazy("极差标准化")),
    ("efficacy", _lazy("功效系数法")),
]
GROUPINGS = [("level", _lazy("按级别分组（国家级、省级、其他分别排名）")), ("all", _lazy("全部园区一起排名"))]
KINDS = [("figure", _lazy("上报数据")), ("ratio", _lazy("两项之比"))]


def _text(label, *, required: bool = False, size: str = "", **attrs):
    if size:
        attrs["class"] = f"{attrs.get('class', '')} {size}".strip()
    return forms.CharField(label=label, required=required, max_length=2000, widget=forms.TextInput(attrs=attrs))


class MethodHeadForm(forms.Form):
    name = forms.CharField(label=_lazy("名称"), max_length=200)
    title = forms.CharField(label=_lazy("标题"), max_length=200, required=False)
    title_en = forms.CharField(label=_lazy("英文标题"), max_length=200, required=False)
    grouping = forms.ChoiceField(label=_lazy("排名分组"), choices=GROUPINGS)
    source = forms.CharField(label=_lazy("来源"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source_en = forms.CharField(label=_lazy("英文来源"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes_en = forms.CharField(label=_lazy("英文备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RowForm(forms.Form):
    """A row of one of the editor's tables; a row with none of its ``content`` filled in is left out."""

    content: tuple[str, ...] = ()
    noun = _lazy("行")

    def has_content(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(data.get(name) not in (None, "", [], ()) for name in self.content)

    def label(self) -> str:
        """The row as the problem list names it: 类别「对外开放」, Category “Opening-up”."""
        data = getattr(self, "cleaned_data", {}) or {}
        if (get_language() or "").startswith("en"):
            name = data.get("en") or data.get("zh") or data.get("key") or ""
            return f"{self.noun} “{name}”" if name else str(self.noun)
        name = data.get("zh") or data.get("key") or ""
        return f"{self.noun}「{name}」" if name else str(self.noun)


class CategoryForm(RowForm):
    content = ("key", "zh", "en", "weight")
    noun = _lazy("类别")

    key = _text(_lazy("键"), size="key")
    zh = _text(_lazy("名称"))
    en = _text(_lazy("英文名称"))
    weight = _text(_lazy("权重"), size="number", inputmode="decimal")


class IndicatorForm(RowForm):
    content = ("category", "key", "zh", "en", "figure", "numerator", "denominator", "scale", "unit", "share", "cap")
    noun = _lazy("指标")

    category = _text(_lazy("类别"), size="key", list="category-keys")
    key = _text(_lazy("键"), size="key")
    zh = _text(_lazy("名称"))
    en = _text(_lazy("英文名称"))
    kind = forms.ChoiceField(label=_lazy("类型"), choices=KINDS, initial="figure")
    figure = forms.ChoiceField(label=_lazy("上报数据"), required=False)
    numerator = forms.ChoiceField(label=_lazy("分子"), required=False)
    denominator = forms.ChoiceField(label=_lazy("分母"), required=False)
    scale = _text(_lazy("倍数"), size="number", inputmode="decimal")
    unit = _text(_lazy("单位"), size="unit")
    share = _text(_lazy("类内占比"), size="number")
    direction = forms.ChoiceField(label=_lazy("方向"), choices=DIRECTIONS, initial="higher")
    normalisation = forms.ChoiceField(label=_lazy("标准化"), choices=NORMALISATIONS, initial="ratio_to_best")
    cap = _text(_lazy("上限"), size="number", inputmode="decimal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("figure", "numerator", "denominator"):
            self.fields[name].choices = _figure_choices()
        self.fields["kind"].widget.attrs["data-kind"] = ""


class VetoForm(RowForm):
    content = ("key", "zh", "en", "figures", "above")
    noun = _lazy("否决项")

    key = _text(_lazy("键"), size="key")
    zh = _text(_lazy("名称"))
    en = _text(_lazy("英文名称"))
    figures = forms.MultipleChoiceField(
        label=_lazy("上报数据（任一项）"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "figure-checks"}),
    )
    above = _text(_lazy("超过此值即否决"), size="number", inputmode="decimal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The incidents first: what a veto is usually on, and in sight without scrolling the list.
        incidents = {f.key for f in FIGURES if f.incident}
        choices = _figure_choices(blank=False)
        self.fields["figures"].choices = [c for c in choices if c[0] in incidents] + [
            c for c in choices if c[0] not in incidents
        ]


class DeductionForm(RowForm):
    content = ("key", "zh", "en", "figure", "points", "cap", "above")
    noun = _lazy("扣分项")

    key = _text(_lazy("键"), size="key")
    zh = _text(_lazy("名称"))
    en = _text(_lazy("英文名称"))
    figure = forms.ChoiceField(label=_lazy("上报数据"), required=False)
    points = _text(_lazy("每单位扣分"), size="number", inputmode="decimal")
    cap = _text(_lazy("最多扣分"), size="number", inputmode="decimal")
    above = _text(_lazy("超过此值起扣"), size="number", inputmode="decimal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = _figure_choices()


class WarningForm(RowForm):
    content = ("key", "zh", "en", "last", "times", "years", "min_group_size")
    noun = _lazy("预警规则")

    key = _text(_lazy("键"), size="key")
    zh = _text(_lazy("名称"))
    en = _text(_lazy("英文名称"))
    levels = forms.MultipleChoiceField(
        label=_lazy("适用级别"), required=False, choices=Zone.Level.choices, widget=forms.CheckboxSelectMultiple
    )
    last = _text(_lazy("组内倒数名次"), size="number", inputmode="numeric")
    times = _text(_lazy("次数"), size="number", inputmode="numeric")
    years = _text(_lazy("年数"), size="number", inputmode="numeric")
    vetoed_counts = forms.BooleanField(label=_lazy("被否决的年份计入"), required=False, initial=True)
    min_group_size = _text(_lazy("组内最少园区数"), size="number", inputmode="numeric")


def _formset(form, prefix: str):
    return forms.formset_factory(form, extra=1, can_delete=True), prefix


FORMSETS = {
    "categories": _formset(CategoryForm, "cat"),
    "indicators": _formset(IndicatorForm, "ind"),
    "vetoes": _formset(VetoForm, "veto"),
    "deductions": _formset(DeductionForm, "ded"),
    "warnings": _formset(WarningForm, "warn"),
}


class TomlForm(forms.Form):
    text = forms.CharField(
        label=_lazy("TOML 文本"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "code wide", "spellcheck": "false"}),
    )


# --- from a method to the forms and back --------------------------------------------------------------------


def _number(text: str):
    """A number typed in a field as the method reads it: an int, a float, or the text itself (a fraction "1/3",
    or something the method will name as not a number); None for an empty field."""
    text = (text or "").strip().replace("，", ",").replace("．", ".")
    if not text:
        return None
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def _shown(value) -> str:
    """A number of a method as the form shows it (fractions as written)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value:g}" if isinstance(value, float) else str(value)


def method_initial(method) -> dict:
    """The editor's initial data for a method: the head, and one list of rows per formset."""
    data = method.to_dict()
    indicators = []
    for category in data["categories"]:
        for item in category["indicators"]:
            ratio = "figure" not in item
            row = {
                "category": category["key"],
                "key": item["key"],
                "zh": item["zh"],
                "en": item["en"] if item["en"] != item["zh"] else "",
                "kind": "ratio" if ratio else "figure",
                "figure": item.get("figure", ""),
                "numerator": item.get("numerator", ""),
                "denominator": item.get("denominator", ""),
                "scale": _shown(item.get("scale")) if ratio and item.get("scale") != 1 else "",
                "unit": "" if item.get("unit") == _default_unit(item) else item.get("unit", ""),
                "share": _shown(item["share"]),
                "direction": item["direction"],
                "normalisation": item["normalisation"],
                "cap": _shown(item.get("cap")),
            }
            indicators.append(row)
    return {
        "head": {
            "name": method.name,
            "title": method.title,
            "title_en": method.title_en if method.title_en != method.title else "",
            "grouping": method.grouping,
            "source": method.source,
            "notes": method.notes,
            "source_en": method.source_en,
            "notes_en": method.notes_en,
        },
        "categories": [
            {"key": c["key"], "zh": c["zh"], "en": c["en"] if c["en"] != c["zh"] else "", "weight": _shown(c["weight"])}
            for c in data["categories"]
        ],
        "indicators": indicators,
        "vetoes": [
            {
                "key": v["key"],
                "zh": v["zh"],
                "en": v["en"] if v["en"] != v["zh"] else "",
                "figures": v["figures"],
                "above": _shown(v["above"]),
            }
            for v in data["vetoes"]
        ],
        "deductions": [
            {
                "key": d["key"],
                "zh": d["zh"],
                "en": d["en"] if d["en"] != d["zh"] else "",
                "figure": d["figure"],
                "points": _shown(d["points"]),
                "cap": _shown(d.get("cap")),
                "above": _shown(d.get("above")),
            }
            for d in data["deductions"]
        ],
        "warnings": [
            {
                "key": w["key"],
                "zh": w["zh"],
                "en": w["en"] if w["en"] != w["zh"] else "",
                "levels": w["levels"],
                "last": _shown(w["last"]),
                "times": _shown(w["times"]),
                "years": _shown(w["years"]),
                "vetoed_counts": w["vetoed_counts"],
                "min_group_size": _shown(w.get("min_group_size")),
            }
            for w in data["warnings"]
        ],
    }


def _default_unit(item: dict) -> str:
    """The unit a method gives an indicator written without one (a figure's stored unit, or numerator/denominator
    with its scale): the form leaves such a unit empty so that it follows the figure when the figure changes."""
    if item.get("figure") in BY_KEY:
        return BY_KEY[item["figure"]].unit
    numerator, denominator = BY_KEY.get(item.get("numerator", "")), BY_KEY.get(item.get("denominator", ""))
    if numerator is None or denominator is None:
        return ""
    unit = f"{numerator.unit}/{denominator.unit}"
    scale = item.get("scale", 1)
    return unit if scale in (1, 1.0, None) else f"{unit} × {float(scale):g}"


@dataclass
class Problem:
    """A problem of the edited method, in both languages, with where it is."""

    place_zh: str
    place_en: str
    reason_zh: str
    reason_en: str

    def text(self, english: bool) -> str:
        if english:
            return f"{self.place_en}: {self.reason_en}" if self.place_en else self.reason_en
        return f"{self.place_zh}：{self.reason_zh}" if self.place_zh else self.reason_zh


@dataclass
class Built:
    """What the editor made of the posted forms: the method (None when it does not hold together), its text, and
    every problem found."""

    method: object = None
    text: str = ""
    problems: list[Problem] = field(default_factory=list)


PATH_PART = re.compile(r"([A-Za-z_]+)((?:\[\d+\])*)")


def _parts(path: str) -> list:
    """ "categories[0].indicators[1].share" → ["categories", 0, "indicators", 1, "share"]."""
    parts: list = []
    for piece in path.split(".") if path else []:
        found = PATH_PART.fullmatch(piece)
        if not found:
            parts.append(piece)
            continue
        parts.append(found.group(1))
        parts.extend(int(n) for n in re.findall(r"\d+", found.group(2)))
    return parts


HEAD_FIELDS = {
    "name": "name",
    "title": "title",
    "title_en": "title_en",
    "source": "source",
    "notes": "notes",
    "source_en": "source_en",
    "notes_en": "notes_en",
}


class MethodEditor:
    """The method editor's forms: the head, a formset per part (categories, indicators, vetoes, deductions,
    warnings) and the TOML text; ``build()`` turns them into a method through ``method_from_dict`` (or, for the
    advanced view, ``load_method``) and puts each problem on the row and field it names."""

    def __init__(self, data=None, *, initial: dict | None = None, text: str = ""):
        initial = initial or {}
        self.head = MethodHeadForm(data, initial=initial.get("head"), prefix="head")
        self.formsets = {
            name: factory(data, initial=initial.get(name), prefix=prefix)
            for name, (factory, prefix) in FORMSETS.items()
        }
        self.toml = TomlForm(data, initial={"text": text}, prefix="toml")
        self.categories = self.formsets["categories"]
        self.indicators = self.formsets["indicators"]
        self.vetoes = self.formsets["vetoes"]
        self.deductions = self.formsets["deductions"]
        self.warnings = self.formsets["warnings"]

    def is_valid(self) -> bool:
        valid = self.head.is_valid() & self.toml.is_valid()
        for formset in self.formsets.values():
            valid &= formset.is_valid()
        return bool(valid)

    def form_problems(self) -> list[Problem]:
        """The forms' own errors (a choice that is not offered, a management form that was tampered with)."""
        problems = []
        for name, error_list in self.head.errors.items():
            label = self.head.fields[name].label if name in self.head.fields else ""
            for error in error_list:
                problems.append(Problem(str(label), str(label), str(error), str(error)))
        for formset in self.formsets.values():
            for error in formset.non_form_errors():
                problems.append(Problem("", "", str(error), str(error)))
            for form in formset.forms:
                for name, error_list in form.errors.items():
                    label = form.fields[name].label if name in form.fields else ""
                    for error in error_list:
                        place = f"{form.noun} · {label}" if label else str(form.noun)
                        problems.append(Problem(place, place, str(error), str(error)))
        return problems

    def _rows(self, name: str) -> list:
        formset = self.formsets[name]
        return [
            form
            for form in formset.forms
            if form.is_valid() and not form.cleaned_data.get("DELETE") and form.has_content()
        ]

    def data(self) -> tuple[dict, dict, list[Problem]]:
        """The method as plain data for ``method_from_dict``, the form behind each place of it, and the problems
        found on the way (an indicator naming a category that is not there)."""
        head = self.head.cleaned_data
        places: dict[tuple, RowForm] = {}
        problems: list[Problem] = []
        data: dict = {
            "name": head["name"],
            "title": head.get("title") or "",
            "title_en": head.get("title_en") or head.get("title") or "",
            "groups": {"by": head["grouping"]},
        }
        for key in ("source", "notes", "source_en", "notes_en"):
            if head.get(key):
                data[key] = head[key]

        categories = []
        by_key: dict[str, dict] = {}
        for form in self._rows("categories"):
            row = form.cleaned_data
            category = _without_empty(
                {"key": row["key"].strip(), "zh": row["zh"], "en": row["en"], "weight": _number(row["weight"])}
            )
            category["indicators"] = []
            places[("categories", len(categories))] = form
            categories.append(category)
            by_key.setdefault(category.get("key", ""), category)
        for form in self._rows("indicators"):
            row = form.cleaned_data
            category = by_key.get(row["category"].strip())
            if category is None:
                key = row["category"].strip() or "—"
                place = f"{form.label()} · {form.fields['category'].label}"
                form.add_error("category", _("没有键为 %(key)s 的类别") % {"key": key})
                problems.append(
                    Problem(place, place, f"没有键为 {key} 的类别", f"there is no category with the key {key}")
                )
                continue
            indicator = {"key": row["key"].strip(), "zh": row["zh"], "en": row["en"]}
            if row["kind"] == "ratio":
                indicator |= {
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "scale": _number(row["scale"]),
                }
            else:
                indicator["figure"] = row["figure"]
            indicator |= {
                "unit": row["unit"],
                "share": _number(row["share"]),
                "direction": row["direction"],
                "normalisation": row["normalisation"],
                "cap": _number(row["cap"]),
            }
            places[("categories", categories.index(category), "indicators", len(category["indicators"]))] = form
            category["indicators"].append(_without_empty(indicator))
        data["categories"] = categories

        for name, build in (("vetoes", _veto), ("deductions", _deduction), ("warnings", _warning)):
            items = []
            for form in self._rows(name):
                places[(name, len(items))] = form
                items.append(build(form.cleaned_data))
            if items:
                data[name] = items
        return data, places, problems

    def build(self, *, from_text: bool = False) -> Built:
        """The method from the forms (or from the TOML text), or the problems that stop it."""
        if not self.is_valid():
            return Built(problems=self.form_problems())
        name = self.head.cleaned_data["name"]
        if from_text:
            text = self.toml.cleaned_data.get("text") or ""
            try:
                method = load_method(text, name=name)
            except MethodError as error:
                self.toml.add_error("text", _("方法文本有误，见上方的问题"))
                return Built(problems=[_text_problem(problem) for problem in error.problems])
            return Built(method=method, text=text)
        data, places, problems = self.data()
        try:
            method = method_from_dict(data, name=name)
        except MethodError as error:
            problems += [self._place(problem, places) for problem in error.problems]
            return Built(problems=problems)
        if problems:
            return Built(problems=problems)
        return Built(method=method, text=method.to_toml())

    def _place(self, problem: MethodProblem, places: dict) -> Problem:
        """The problem on the form row and field it names, and in the list with the row's name."""
        english = (get_language() or "").startswith("en")
        message = problem.reason_en if english else problem.reason_zh
        parts = _parts(problem.path)
        form, rest = None, parts
        for length in (4, 2):
            key = tuple(parts[:length])
            if key in places:
                form, rest = places[key], parts[length:]
                break
        if form is None:
            if (parts[:1] and parts[0] in HEAD_FIELDS) or parts[:2] == ["groups", "by"]:
                field_name = "grouping" if parts[0] == "groups" else HEAD_FIELDS[parts[0]]
                self.head.add_error(field_name, message)
                label = str(self.head.fields[field_name].label)
                return Problem(label, label, problem.reason_zh, problem.reason_en)
            if parts[:1] == ["categories"]:
                label = str(CategoryForm.noun)
                return Problem(label, label, problem.reason_zh, problem.reason_en)
            return Problem(problem.path, problem.path, problem.reason_zh, problem.reason_en)
        row = form.label()
        field_name = rest[0] if rest and isinstance(rest[0], str) else None
        if field_name in form.fields:
            place = f"{row} · {form.fields[field_name].label}"
            form.add_error(field_name, message)
        else:
            # The row itself: a category without indicators, or whose indicators' shares do not sum to 1.
            place = row
            form.add_error(None, message)
        return Problem(place, place, problem.reason_zh, problem.reason_en)


def _without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "")}


def _veto(row: dict) -> dict:
    return _without_empty(
        {
            "key": row["key"].strip(),
            "zh": row["zh"],
            "en": row["en"],
            "figures": list(row["figures"]) or None,
            "above": _number(row["above"]),
        }
    )


def _deduction(row: dict) -> dict:
    return _without_empty(
        {
            "key": row["key"].strip(),
            "zh": row["zh"],
            "en": row["en"],
            "figure": row["figure"],
            "points": _number(row["points"]),
            "cap": _number(row["cap"]),
            "above": _number(row["above"]),
        }
    )


def _warning(row: dict) -> dict:
    data = _without_empty(
        {
            "key": row["key"].strip(),
            "zh": row["zh"],
            "en": row["en"],
            "last": _number(row["last"]),
            "times": _number(row["times"]),
            "years": _number(row["years"]),
            "min_group_size": _number(row["min_group_size"]),
        }
    )
    data["levels"] = [level for level in LEVELS if level in row["levels"]] or list(LEVELS)
    data["vetoed_counts"] = bool(row["vetoed_counts"])
    return data


def _text_problem(problem: MethodProblem) -> Problem:
    where_zh = f"第 {problem.line} 行" if problem.line else ""
    where_en = f"line {problem.line}" if problem.line else ""
    if problem.path:
        where_zh = f"{where_zh}（{problem.path}）" if where_zh else problem.path
        where_en = f"{where_en} ({problem.path})" if where_en else problem.path
    return Problem(where_zh, where_en, problem.reason_zh, problem.reason_en)
