"""Importing enterprises and their yearly figures from spreadsheets, keyed by credit code (and year)."""

from __future__ import annotations

import operator
import re
from itertools import count, repeat

from django.db import connection

from yuanqu.analytics.industry import IndustryCodeError, parse_industry_code
from yuanqu.core.access import editable_zone_ids, visible_zone_ids
from yuanqu.core.importing.pipeline import (
    Change,
    FirstRows,
    Importer,
    Plan,
    StoredRows,
    check_values,
    chunked,
    column_values,
    present_keys,
    problem,
    row_numbers,
)
from yuanqu.core.importing.tabular import Column
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.services import UsccError, clean_uscc
from yuanqu.zones.importers import ZoneResolver, first_labels, zone_labels

STATUS_LABELS = {
    "存续": "active",
    "在营": "active",
    "开业": "active",
    "停产": "suspended",
    "迁出": "relocated",
    "注销": "closed",
}

SPECIALISED_LABELS = {
    "创新型中小企业": "innovative",
    "创新型": "innovative",
    "省级专精特新中小企业": "provincial",
    "省级专精特新": "provincial",
    "专精特新中小企业": "provincial",
    "国家级专精特新“小巨人”": "little_giant",
    "国家级专精特新小巨人": "little_giant",
    "专精特新小巨人": "little_giant",
    "小巨人": "little_giant",
    "无": "",
}
LISTING_LABELS = {"拟上市": "preparing", "上市后备": "preparing", "已上市": "listed", "上市": "listed", "未上市": ""}
# The key-enterprise columns: flags (blank means no), choices and texts (blank means none).
KEY_COLUMNS = (
    Column("key_enterprise", "重点企业", "flag", aliases=("是否重点企业", "key_enterprise")),
    Column("specialised", "专精特新", "choice", choices=SPECIALISED_LABELS, aliases=("专精特新等级", "specialised")),
    Column("high_tech", "高新技术企业", "flag", aliases=("是否高新技术企业", "高企", "high_tech")),
    Column("listing", "上市情况", "choice", choices=LISTING_LABELS, aliases=("是否上市", "listing")),
    Column("chain_leader", "链主企业", "flag", aliases=("是否链主", "链主", "chain_leader")),
    Column("top_taxpayer_rank", "纳税大户位次", "int", aliases=("纳税位次", "纳税排名", "top_taxpayer_rank")),
    Column("contact_name", "企业联系人", "text", aliases=("联系人", "contact_name")),
    Column("contact_phone", "联系电话", "text", aliases=("联系人电话", "电话", "contact_phone")),
)
KEY_FLAGS = ("key_enterprise", "high_tech", "chain_leader")
KEY_TEXTS = ("specialised", "listing", "contact_name", "contact_phone")

USCC = Column("uscc", "统一社会信用代码", "text", required=True, aliases=("社会信用代码", "信用代码", "uscc"))
NAME = Column("name", "企业名称", "text", aliases=("企业名", "单位名称", "name"))

# Figures that may not be negative (tax, revenue and value added can be, after refunds or losses).
NON_NEGATIVE = ("land_mu", "energy_tce", "electricity", "emissions", "rd_spending", "employees", "industrial_output")
FIRST_YEAR, LAST_YEAR = 1949, 2100
UNKNOWN_ENTERPRISE = (
    "系统中没有该统一社会信用代码的企业（或不在您的园区），请先导入企业名录",
    "no enterprise with this credit code (among your zones); import the enterprise list first",
)


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {char: value for value, char in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}")


def _is_clean_uscc(text: str) -> bool:
    """Whether a code is already in standard form with the right check character (GB 32100-2015).

    The same rule as python-stdnum's, without its normalising; a 100,000-row file holds tens of
    thousands of codes. Anything else goes to `clean_uscc`, which also says what is wrong.
    """
    if not _USCC_SHAPE.fullmatch(text):
        return False
    total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, text[:17]), _USCC_WEIGHTS))
    return text[17] == _USCC_ALPHABET[-total % 31]


class UsccChecker:
    """Cleans credit codes once each, and reports bad ones where they stand."""

    def __init__(self, problems):
        self.problems = problems
        self.cache: dict[str, str | UsccError] = {}

    def clean(self, raw) -> str | None:
        """The code in standard form, or None when it is missing or invalid; remembered, never reported."""
        result = self.cache.get(raw)
        if result is None:
            if raw is None or str(raw).strip() == "":
                return None
            text = str(raw)
            if _is_clean_uscc(text):
                result = text
            else:
                try:
                    result = clean_uscc(text)
                except UsccError as exc:
                    result = exc
            self.cache[raw] = result
        return result if result.__class__ is str else None  # type: ignore[return-value]

    def __call__(self, raw, row: int, header: str) -> str | None:
        """The code in standard form; None when it is missing or invalid (with a problem appended)."""
        result = self.cache.get(raw)
        if result.__class__ is str:
            return result  # type: ignore[return-value]
        if result is None:
            if self.clean(raw) is not None:
                return self.cache[raw]  # type: ignore[return-value]
            result = self.cache.get(raw)
        if isinstance(result, UsccError):
            self.problems.append(problem(row, header, raw, result.reason_zh, result.reason_en))
        return None  # missing codes were reported by the reader as empty required cells


class EnterpriseImporter(Importer):
    """Enterprises by credit code: name, zone (code or name), industry code, status."""

    kind = "enterprises"
    label_zh, label_en = "企业", "enterprises"
    template_title = "企业名录"
    model = Enterprise
    natural_key = ("uscc",)
    schema = (
        USCC,
        Column("name", "企业名称", "text", required=True, aliases=("企业名", "单位名称", "name")),
        Column("zone", "所属园区", "text", required=True, aliases=("园区", "园区代码", "园区名称", "zone")),
        Column("industry_code", "行业代码", "text", aliases=("国民经济行业代码", "行业分类代码", "industry_code")),
        Column("main_products", "主要产品", "text", aliases=("主营产品", "主导产品", "main_products")),
        Column("business_scope", "经营范围", "text", aliases=("business_scope",)),
        Column("status", "状态", "choice", choices=STATUS_LABELS, aliases=("企业状态", "status")),
        Column("production_started_on", "投产日期", "date", aliases=("production_started_on",)),
        *KEY_COLUMNS,
    )
    template_keys = (
        "uscc",
        "name",
        "zone",
        "industry_code",
        "main_products",
        "key_enterprise",
        "specialised",
        "contact_name",
    )

    def plan(self, table, *, user, problems) -> Plan:
        """Check codes, zones and industry codes; an existing enterprise is updated, never duplicated."""
        headers = table.headers
        check_uscc = UsccChecker(problems)
        zones = ZoneResolver(user)
        editable = editable_zone_ids(user) if user is not None else None
        keys = [k for k in present_keys(table, self.schema) if k not in ("uscc", "zone", "industry_code")]
        check_values(Enterprise, table, keys, problems)
        rows = []
        seen = FirstRows()
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            uscc = check_uscc(v.get("uscc"), row, headers["uscc"])
            if uscc is not None and (first := seen.repeated(uscc, row)) is not None:
                problems.append(
                    problem(row, headers["uscc"], uscc, f"与第 {first} 行重复", f"same code as row {first}")
                )
                uscc = None
            zone_id = zones.resolve(v.get("zone"), row, headers.get("zone"), problems, must_edit=True)
            industry = None
            if v.get("industry_code") not in (None, ""):
                try:
                    industry = parse_industry_code(v["industry_code"])
                except IndustryCodeError as exc:
                    problems.append(
                        problem(row, headers["industry_code"], v["industry_code"], exc.reason_zh, exc.reason_en)
                    )
            rank = v.get("top_taxpayer_rank")
            if rank is not None and rank < 1:
                problems.append(
                    problem(
                        row,
                        headers["top_taxpayer_rank"],
                        rank,
                        "纳税大户位次应为 1 或更大的整数",
                        "a top-taxpayer rank is a whole number from 1",
                    )
                )
                continue
            if uscc is not None and zone_id is not None:
                rows.append((row, uscc, zone_id, industry, v))

        stored_fields = [f.attname for f in Enterprise._meta.concrete_fields]
        existing: dict[str, dict] = {}
        for chunk in chunked([uscc for _row, uscc, *_rest in rows]):
            existing.update((e["uscc"], e) for e in Enterprise.objects.filter(uscc__in=chunk).values(*stored_fields))

        plan = Plan()
        for row, uscc, zone_id, industry, v in rows:
            current = existing.get(uscc)
            if current is not None and editable is not None and current["zone_id"] not in editable:
                # Say only that the code is taken: nothing about the other zone or the enterprise in it.
                problems.append(
                    problem(
                        row,
                        headers["uscc"],
                        uscc,
                        "该统一社会信用代码已在其他园区登记，请联系市级管理员",
                        "this credit code is registered in another zone; ask the city administrator",
                    )
                )
                continue
            values = {k: v.get(k) for k in keys}
            for text in ("main_products", "business_scope"):
                if text in values:
                    values[text] = (values[text] or "").strip()
            if "status" in values and not values["status"]:
                values["status"] = Enterprise.Status.ACTIVE.value
            for flag in KEY_FLAGS:
                if flag in values and values[flag] is None:
                    values[flag] = False
            for text in KEY_TEXTS:
                if text in values and values[text] is None:
                    values[text] = ""
            values["zone_id"] = zone_id
            if "industry_code" in headers:
                values.update(
                    industry_code=industry.code if industry else "",
                    industry_section=industry.section if industry else "",
                    industry_division=industry.division if industry else "",
                )
            label = values.get("name") or (current or {}).get("name") or uscc
            plan.compare(
                values,
                stored=current,
                label=label,
                zone_id=zone_id,
                key=(uscc,),
                new={"uscc": uscc, **values},
                row=row,
            )
        return plan


class EnterpriseYearImporter(Importer):
    """One row per enterprise and year, keyed by credit code and year."""

    kind = "enterprise-years"
    label_zh, label_en = "企业年度数据", "enterprise yearly figures"
    template_title = "企业亩均效益年度数据"
    model = EnterpriseYear
    natural_key = ("enterprise_id", "year")
    schema = (
        USCC,
        NAME,
        Column("year", "年度", "int", required=True, aliases=("年份", "year")),
        Column("above_scale", "是否规上", "flag", aliases=("规上企业", "规模以上", "above_scale")),
        Column("land_mu", "用地面积", "decimal", unit="亩", aliases=("用地", "占地面积", "land_mu")),
        Column("tax", "实缴税收", "decimal", unit="万元", aliases=("税收", "实缴税金", "纳税额", "tax")),
        Column("revenue", "营业收入", "decimal", unit="万元", aliases=("销售收入", "主营业务收入", "revenue")),
        Column("industrial_output", "工业总产值", "decimal", unit="万元", aliases=("industrial_output",)),
        Column("value_added", "工业增加值", "decimal", unit="万元", aliases=("增加值", "value_added")),
        Column("energy_tce", "综合能耗", "decimal", unit="吨标准煤", aliases=("能耗", "energy_tce")),
        Column("electricity", "用电量", "decimal", unit="万千瓦时", aliases=("用电", "electricity")),
        Column("emissions", "主要污染物排放量", "decimal", unit="吨", aliases=("排放量", "污染物排放量", "emissions")),
        Column("rd_spending", "研发经费", "decimal", unit="万元", aliases=("研发投入", "R&D经费", "rd_spending")),
        Column("employees", "从业人员", "int", unit="人", aliases=("职工人数", "从业人数", "employees")),
        Column("high_tech", "是否高新技术企业", "flag", aliases=("高新技术企业", "high_tech")),
        Column("incident", "是否发生安全环保事故", "flag", aliases=("安全环保事故", "incident")),
    )
    template_keys = tuple(c.key for c in schema[:14])
    FLAGS = ("above_scale", "high_tech", "incident")

    def plan(self, table, *, user, problems) -> Plan:
        """Check every row, find each enterprise by its code, and compare with the stored year."""
        headers = table.headers
        keys = [k for k in present_keys(table, self.schema) if k not in ("uscc", "name", "year")]
        check_values(EnterpriseYear, table, keys, problems, non_negative=NON_NEGATIVE)
        uscc_header, year_header = headers["uscc"], headers["year"]
        check_uscc = UsccChecker(problems)
        # Look up every distinct valid code at once, then walk the rows a single time.
        codes = sorted({code for raw in set(column_values(table, "uscc")) if (code := check_uscc.clean(raw))})
        enterprises = self._enterprises(codes)
        stored = StoredRows(EnterpriseYear, keys)
        existing = stored.read(("enterprise_id", "year"), "enterprise_id", [found[0] for found in enterprises.values()])
        visible = visible_zone_ids(user) if user is not None else None
        editable = editable_zone_ids(user) if user is not None else None
        # Only flag columns with blanks need filling in row by row (a blank flag means "no").
        flags = [flag for flag in self.FLAGS if flag in keys and None in column_values(table, flag)]
        # The file's values as the database returns them: a stored year equal to its row's is unchanged at once.
        probes = (
            stored.probes([self._filled(column_values(table, key), key in flags) for key in keys]) if existing else ()
        )
        same = stored.same
        cleaned = check_uscc.cache  # raw code -> standard code, for the common case without a call
        first_year, last_year = FIRST_YEAR, LAST_YEAR
        first_rows: dict[tuple[str, int], int] = {}  # where each enterprise and year first appears (`FirstRows`)
        other_names: list[tuple[int, str, str]] = []  # a name in the file unlike the enterprise's: a wrong code?
        plan = Plan()
        new_year = plan.creates.append  # a new year's Change (`Plan.create`), its values taken after the rows
        created_at: list[int] = []  # where in the file each new year is
        # The rows walked a column at a time: no dict per row; an update takes its row's values as a dict.
        names = column_values(table, "name") if "name" in headers else repeat(None)
        for index, row, raw_uscc, year, written_name in zip(
            count(),
            row_numbers(table),
            column_values(table, "uscc"),
            column_values(table, "year"),
            names,
        ):
            uscc = cleaned.get(raw_uscc)
            if uscc.__class__ is not str:
                uscc = check_uscc(raw_uscc, row, uscc_header)
            if year is not None and not first_year <= year <= last_year:
                problems.append(
                    problem(
                        row,
                        year_header,
                        year,
                        f"年度应在 {FIRST_YEAR}–{LAST_YEAR} 之间",
                        f"the year must be {FIRST_YEAR}–{LAST_YEAR}",
                    )
                )
                continue
            if uscc is None or year is None:
                continue  # already reported
            first = first_rows.setdefault((uscc, year), row)
            if first != row:
                problems.append(
                    problem(
                        row,
                        uscc_header,
                        uscc,
                        f"与第 {first} 行的企业和年度重复",
                        f"same enterprise and year as row {first}",
                    )
                )
                continue
            found = enterprises.get(uscc)
            # An enterprise of a zone the user cannot see reads exactly like one that does not exist.
            if found is None or (visible is not None and found[1] not in visible):
                problems.append(problem(row, uscc_header, uscc, *UNKNOWN_ENTERPRISE))
                continue
            enterprise_id, zone_id, name = found
            if editable is not None and zone_id not in editable:
                problems.append(
                    problem(row, uscc_header, uscc, "无权修改该企业的数据", "not allowed to change this enterprise")
                )
                continue
            if written_name and written_name != name:
                other_names.append((row, written_name, name))
            current = existing.get((enterprise_id, year))
            if current is not None and same(current, probes[index]):
                plan.unchanged += 1
                continue
            key = (enterprise_id, year)
            if current is None:
                new_year(Change(None, f"{name} {year}", zone_id, key, row=row))
                created_at.append(index)
                continue
            values = table.rows[index].values.copy()  # holds exactly the file's columns
            del values["uscc"], values["year"]
            values.pop("name", None)
            for flag in flags:
                if values[flag] is None:
                    values[flag] = False
            plan.compare(
                values,
                stored=stored.values(current),
                label=f"{name} {year}",
                zone_id=zone_id,
                key=key,
                partial=True,
                row=row,
            )
        if created_at:
            plan.created_columns = self._created_columns(table, keys, flags, plan, created_at)
        if other_names:
            table.notes.append(_name_note(other_names))
        return plan

    @staticmethod
    def _enterprises(codes) -> dict[str, tuple[int, int, str]]:
        """Credit code -> (id, zone id, name) of the enterprises in the file."""
        # Plain SQL: the ORM would prepare each of tens of thousands of codes as a lookup value.
        table = connection.ops.quote_name(Enterprise._meta.db_table)
        found: dict[str, tuple[int, int, str]] = {}
        with connection.cursor() as cursor:
            for chunk in chunked(codes):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT id, uscc, zone_id, name FROM {table} WHERE uscc IN ({marks})", chunk)
                for pk, uscc, zone_id, name in cursor.fetchall():
                    found[uscc] = (pk, zone_id, name)
        return found

    def _created_columns(self, table, keys: list[str], flags: list[str], plan: Plan, at: list[int]) -> dict:
        """The values of the new years (rows ``at`` of the file) column by column, as `Plan.created_columns`:
        every column of the file but the code and the name, a blank flag as "no", decimals as the reader's
        text where it made one, and each row's enterprise."""
        if len(at) == table.row_count:
            pick = list  # every row is new: whole columns
        else:
            pick = lambda column: list(map(column.__getitem__, at))  # noqa: E731
        columns = {"year": pick(column_values(table, "year"))}
        for key in keys:
            values = table.texts.get(key) or column_values(table, key)
            columns[key] = pick(self._filled(values, key in flags))
        columns["enterprise_id"] = [change.key[0] for change in plan.creates]
        return columns

    @staticmethod
    def _filled(values: list, flag: bool) -> list:
        """A column of the file as it is compared: a blank flag means "no"."""
        return [False if value is None else value for value in values] if flag else values


def _name_note(rows: list[tuple[int, str, str]], shown: int = 5) -> tuple[str, str]:
    """A note on rows whose enterprise name differs from the one registered under their credit code."""
    listed = rows[:shown]
    more_zh = f"等 {len(rows)} 行" if len(rows) > shown else ""
    more_en = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return (
        "企业名称与该信用代码登记的名称不同（请核对信用代码）："
        + "；".join(f"第 {row} 行「{written}」≠「{stored}」" for row, written, stored in listed)
        + more_zh,
        "enterprise names differ from those registered under the credit codes (check the codes): "
        + "; ".join(f"row {row} {written} ≠ {stored}" for row, written, stored in listed)
        + more_en,
    )


STATUS_DISPLAY = first_labels(STATUS_LABELS)
SPECIALISED_DISPLAY = first_labels({k: v for k, v in SPECIALISED_LABELS.items() if v})
LISTING_DISPLAY = first_labels({k: v for k, v in LISTING_LABELS.items() if v})


def _scoped(queryset, *, user, zone_ids, lookup: str):
    if user is not None:
        queryset = queryset.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(**{f"{lookup}__in": zone_ids})
    return queryset


def export_enterprise_rows(*, user=None, zone_ids=None):
    """Enterprises as rows of the enterprise import's columns."""
    zones = zone_labels()
    queryset = _scoped(Enterprise.objects.order_by("zone_id", "uscc"), user=user, zone_ids=zone_ids, lookup="zone")
    for e in queryset.values(
        "uscc",
        "name",
        "zone_id",
        "industry_code",
        "industry_section",
        "main_products",
        "business_scope",
        "status",
        "production_started_on",
        *Enterprise.KEY_FIELDS,
    ).iterator(chunk_size=2000):
        yield {
            "uscc": e["uscc"],
            "name": e["name"],
            "zone": zones.get(e["zone_id"], ""),
            "industry_code": f"{e['industry_section']}{e['industry_code']}" if e["industry_code"] else None,
            "main_products": e["main_products"],
            "business_scope": e["business_scope"],
            "status": STATUS_DISPLAY.get(e["status"], e["status"]),
            "production_started_on": e["production_started_on"],
            "key_enterprise": e["key_enterprise"],
            "specialised": SPECIALISED_DISPLAY.get(e["specialised"], "") or None,
            "high_tech": e["high_tech"],
            "listing": LISTING_DISPLAY.get(e["listing"], "") or None,
            "chain_leader": e["chain_leader"],
            "top_taxpayer_rank": e["top_taxpayer_rank"],
            "contact_name": e["contact_name"] or None,
            "contact_phone": e["contact_phone"] or None,
        }


YEAR_FIELDS = [c.key for c in EnterpriseYearImporter.schema if c.key not in ("uscc", "name")]


def export_year_rows(*, user=None, zone_ids=None):
    """Enterprise years as rows of the enterprise-year import's columns."""
    queryset = _scoped(
        EnterpriseYear.objects.order_by("enterprise__uscc", "year"),
        user=user,
        zone_ids=zone_ids,
        lookup="enterprise__zone",
    )
    for row in queryset.values("enterprise__uscc", "enterprise__name", *YEAR_FIELDS).iterator(chunk_size=5000):
        row["uscc"] = row.pop("enterprise__uscc")
        row["name"] = row.pop("enterprise__name")
        yield row
