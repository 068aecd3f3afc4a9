"""Industry chain coverage (产业链图谱): which firms fill which link, how strongly, and which links are gaps.

Pure functions over Polars frames; no Django. The rules (the platform's domain note on chains):

- A firm fills a link when its four-digit class is one of the link's classes, or one of the link's product
  keywords occurs in its main products.
- A person's corrections win over the match and are kept over later computations: ``include`` puts a firm on a
  link whether it matches or not, ``exclude`` takes a matched firm off it.
- A link's firms are its own and those of all its sub-links, each firm counted once.
- A link with no firm is a gap (缺链); with at least one but fewer than ``weak_below``, it is weak (薄弱).

Frames in:

``nodes``
    ``node_id`` (int), ``parent_id`` (int, null for a top link), ``classes`` (list of str), ``keywords``
    (list of str); any other column (code, name, position, chain) is carried to the output.
``firms``
    ``enterprise_id`` (int), ``industry_code`` (str), ``main_products`` (str); for strength, optionally
    ``revenue``, ``tax``, ``land_mu`` (float) and ``grade`` (str, "A"–"D").
``corrections``
    ``node_id``, ``enterprise_id``, ``decision`` ("include" or "exclude").
"""

from __future__ import annotations

import polars as pl

INCLUDE, EXCLUDE = "include", "exclude"
BY_CLASS, BY_KEYWORD, BY_HAND = "class", "keyword", "manual"
GRADES = ("A", "B", "C", "D")


def match_schema() -> dict:
    """A match: which firm is on which link, and how (made when used: importing this module loads no Polars)."""
    return {"node_id": pl.Int64, "enterprise_id": pl.Int64, "by": pl.String}


def correction_schema() -> dict:
    return {"node_id": pl.Int64, "enterprise_id": pl.Int64, "decision": pl.String}


def split_list(text: str | None) -> list[str]:
    """ "3841, 3849，2613" or "电池、储能" → the items, stripped, in order, without empties or repeats."""
    if not text:
        return []
    for separator in "，、；;\n":
        text = text.replace(separator, ",")
    items: list[str] = []
    for item in text.split(","):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


def direct_matches(nodes: pl.DataFrame, firms: pl.DataFrame, corrections: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per link and firm the link holds by itself (not through sub-links): ``node_id``,
    ``enterprise_id``, ``by`` ("class", "keyword" or "manual"; a class match wins over a keyword one)."""
    by_class = (
        nodes.select("node_id", pl.col("classes").alias("industry_code"))
        .explode("industry_code")
        .drop_nulls("industry_code")
        .join(firms.select("enterprise_id", "industry_code"), on="industry_code", how="inner")
        .select("node_id", "enterprise_id", pl.lit(BY_CLASS).alias("by"))
    )
    keyword_nodes = (
        (nodes.select("node_id", pl.col("keywords").alias("keyword")).explode("keyword").drop_nulls("keyword"))
        .filter(pl.col("keyword") != "")
        .with_columns(pl.col("keyword").str.to_lowercase())
    )
    patterns = keyword_nodes["keyword"].unique().sort().to_list()
    if patterns and firms.height:
        # One Aho-Corasick pass over the products finds every keyword at once (case does not matter).
        found = (
            firms.select(
                "enterprise_id",
                pl.col("main_products")
                .fill_null("")
                .str.extract_many(patterns, overlapping=True, ascii_case_insensitive=True)
                .alias("keyword"),
            )
            .explode("keyword")
            .drop_nulls("keyword")
            # The pass returns the text as found ("bms" for the pattern "bms"): lower-cased here, on the few hits.
            .with_columns(pl.col("keyword").str.to_lowercase())
            .unique()
        )
        by_keyword = found.join(keyword_nodes, on="keyword", how="inner").select(
            "node_id", "enterprise_id", pl.lit(BY_KEYWORD).alias("by")
        )
    else:
        by_keyword = pl.DataFrame(schema=match_schema())
    by_class = by_class.cast(match_schema()).unique(subset=["node_id", "enterprise_id"])
    by_keyword = by_keyword.cast(match_schema()).join(by_class, on=["node_id", "enterprise_id"], how="anti")
    matched = pl.concat([by_class, by_keyword])
    if corrections is None or corrections.height == 0:
        return matched.sort("node_id", "enterprise_id")
    corrections = corrections.cast(correction_schema())
    excluded = corrections.filter(pl.col("decision") == EXCLUDE).select("node_id", "enterprise_id")
    included = corrections.filter(pl.col("decision") == INCLUDE).select(
        "node_id", "enterprise_id", pl.lit(BY_HAND).alias("by")
    )
    known = firms.select("enterprise_id")
    matched = matched.join(excluded, on=["node_id", "enterprise_id"], how="anti")
    added = included.join(known, on="enterprise_id", how="semi").join(
        matched, on=["node_id", "enterprise_id"], how="anti"
    )
    return pl.concat([matched, added.cast(match_schema())]).sort("node_id", "enterprise_id")


def ancestors(nodes: pl.DataFrame) -> pl.DataFrame:
    """``node_id`` → ``ancestor_id`` for the link itself and every link above it (a cycle stops the walk)."""
    parent = dict(zip(nodes["node_id"].to_list(), nodes["parent_id"].to_list(), strict=True))
    rows_node, rows_ancestor = [], []
    for node in parent:
        seen = set()
        current = node
        while current is not None and current not in seen:
            seen.add(current)
            rows_node.append(node)
            rows_ancestor.append(current)
            current = parent.get(current)
    return pl.DataFrame(
        {"node_id": rows_node, "ancestor_id": rows_ancestor}, schema={"node_id": pl.Int64, "ancestor_id": pl.Int64}
    )


def link_firms(nodes: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """Every link's firms including those of its sub-links, each firm once per link: ``node_id``,
    ``enterprise_id``, ``direct`` (whether the link holds it by itself), ``by`` (how, for a direct one)."""
    direct = matches.select("node_id", "enterprise_id", pl.lit(True).alias("direct"), "by")
    above = ancestors(nodes).filter(pl.col("node_id") != pl.col("ancestor_id"))
    inherited = (
        matches.select("node_id", "enterprise_id")
        .join(above, on="node_id", how="inner")
        .select(pl.col("ancestor_id").alias("node_id"), "enterprise_id")
        .unique()
        .join(direct, on=["node_id", "enterprise_id"], how="anti")
        .select("node_id", "enterprise_id", pl.lit(False).alias("direct"), pl.lit(None, dtype=pl.String).alias("by"))
    )
    return pl.concat([direct, inherited]).sort("node_id", "enterprise_id")


def coverage(
    nodes: pl.DataFrame,
    firms: pl.DataFrame,
    corrections: pl.DataFrame | None = None,
    *,
    weak_below: int = 3,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The coverage of the links: (per link, firm × link).

    Per link (every column of ``nodes`` but the lists, in their order): ``firms``, ``direct_firms``,
    ``revenue``, ``tax``, ``land_mu`` (sums over its firms; null when none of them reports it),
    ``tax_per_mu`` (tax ÷ land, null without land), ``grade_A`` … ``grade_D`` (firms of each per-mu grade),
    ``gap``, ``weak``. ``weak_below`` is a number, or the name of a column of ``nodes`` holding each link's
    threshold. Firm × link: see :func:`link_firms`.
    """
    firms = _with_figures(firms)
    matches = direct_matches(nodes, firms, corrections)
    members = link_firms(nodes, matches)
    figures = members.join(firms, on="enterprise_id", how="left")
    strength = figures.group_by("node_id").agg(
        pl.len().alias("firms"),
        pl.col("direct").sum().alias("direct_firms"),
        pl.col("revenue").sum().alias("revenue"),
        pl.col("tax").sum().alias("tax"),
        pl.col("land_mu").sum().alias("land_mu"),
        pl.col("revenue").is_not_null().any().alias("_has_revenue"),
        pl.col("tax").is_not_null().any().alias("_has_tax"),
        pl.col("land_mu").is_not_null().any().alias("_has_land"),
        *[(pl.col("grade") == grade).sum().alias(f"grade_{grade}") for grade in GRADES],
    )
    keep = [c for c in nodes.columns if c not in ("classes", "keywords")]
    threshold = pl.col(weak_below) if isinstance(weak_below, str) else pl.lit(weak_below)
    out = (
        nodes.select(keep)
        .join(strength, on="node_id", how="left")
        .with_columns(
            pl.col("firms").fill_null(0).cast(pl.Int64),
            pl.col("direct_firms").fill_null(0).cast(pl.Int64),
            *[pl.col(f"grade_{g}").fill_null(0).cast(pl.Int64) for g in GRADES],
            pl.when(pl.col("_has_revenue")).then(pl.col("revenue")).alias("revenue"),
            pl.when(pl.col("_has_tax")).then(pl.col("tax")).alias("tax"),
            pl.when(pl.col("_has_land")).then(pl.col("land_mu")).alias("land_mu"),
        )
        .with_columns(
            pl.when(pl.col("land_mu") > 0).then(pl.col("tax") / pl.col("land_mu")).alias("tax_per_mu"),
            (pl.col("firms") == 0).alias("gap"),
            ((pl.col("firms") > 0) & (pl.col("firms") < threshold)).alias("weak"),
        )
        .drop("_has_revenue", "_has_tax", "_has_land")
    )
    return out, members


def _with_figures(firms: pl.DataFrame) -> pl.DataFrame:
    """The firms with every column coverage reads (missing figures as nulls)."""
    columns = {
        "industry_code": pl.String,
        "main_products": pl.String,
        "revenue": pl.Float64,
        "tax": pl.Float64,
        "land_mu": pl.Float64,
        "grade": pl.String,
    }
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in columns.items() if name not in firms.columns]
    firms = firms.with_columns(missing) if missing else firms
    return firms.with_columns(pl.col("enterprise_id").cast(pl.Int64), *[pl.col(n).cast(t) for n, t in columns.items()])
