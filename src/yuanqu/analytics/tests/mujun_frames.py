"""Input frames for the per-mu engine tests: one enterprise per row, every figure column typed."""

import polars as pl

SCHEMA = {
    "uscc": pl.String,
    "name": pl.String,
    "zone": pl.String,
    "industry_division": pl.String,
    "production_years": pl.Float64,
    "above_scale": pl.Boolean,
    "land_mu": pl.Float64,
    "tax": pl.Float64,
    "revenue": pl.Float64,
    "industrial_output": pl.Float64,
    "value_added": pl.Float64,
    "energy_tce": pl.Float64,
    "electricity": pl.Float64,
    "emissions": pl.Float64,
    "rd_spending": pl.Float64,
    "employees": pl.Float64,
    "high_tech": pl.Boolean,
    "incident": pl.Boolean,
}


def enterprise(uscc: str, **figures) -> dict:
    """An established (10 years), above-scale enterprise in division 34 with no figures but those given."""
    row = dict.fromkeys(SCHEMA)
    row |= {
        "uscc": uscc,
        "name": f"企业{uscc}",
        "zone": "Z1",
        "industry_division": "34",
        "production_years": 10.0,
        "above_scale": True,
        "high_tech": False,
        "incident": False,
    }
    unknown = set(figures) - set(SCHEMA)
    assert not unknown, unknown
    return row | figures


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def row_of(result: pl.DataFrame, uscc: str) -> dict:
    rows = result.filter(pl.col("uscc") == uscc).to_dicts()
    assert len(rows) == 1, uscc
    return rows[0]


# The one indicator most test methods weigh; the caller adds its weight, benchmark and missing-figure rule.
TAX_PER_MU = """\
[[groups.indicators]]
key = "tax_per_mu"
label_zh = "亩均税收"
formula = "tax / land_mu"
"""


def one_group_method(name: str, indicators: str, *, grading: str, incident_grade: str = "D") -> str:
    """The text of a 2024 method: one group (every enterprise with land), these indicators, an incident vetoed
    down to ``incident_grade``, and this ``[grading]`` table (TOML lines)."""
    return f"""\
name = "{name}"
year = 2024

[[groups]]
id = "all"
label_zh = "全部企业"
scope = "land_mu > 0"

{indicators}
[[vetoes]]
key = "incident"
label_zh = "发生事故"
when = "incident"
grade = "{incident_grade}"

[grading]
{grading}
"""
