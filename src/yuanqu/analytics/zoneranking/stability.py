"""How stable a rank is: the range of ranks a zone takes when the method's weights move a little.

Defined precisely (``rank_intervals``):

- ``vary="categories"`` (the default): every category weight independently at −spread, 0 and +spread of its value
  (3^k weightings: 243 for five categories), each weighting rescaled so that the weights again sum to 100 (so totals
  stay on the 0–100 scale and deductions keep their meaning). Beyond seven categories (3^7 = 2,187 weightings) each
  weight moves alone instead (2k + 1 weightings), and ``scenarios`` says so by its count.
- ``vary="indicators"``: each indicator's share alone at −spread and +spread, the shares of its category rescaled to
  sum to 1 (2n + 1 weightings; the full grid of 3^n is out of reach for 30 indicators).

Indicator and category scores do not depend on the weights, so every weighting is one matrix product over the scores
the engine computed; each is ranked as the engine ranks (totals rounded to 6, then to 2 decimals, competition ranking
within the group). ``rank_best`` and ``rank_worst`` are the best and worst rank over the weightings; the engine's own
rank always lies between them. Vetoed zones have no interval.
"""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl

from yuanqu.analytics.zoneranking.method import Method

FULL_GRID_LIMIT = 7
VARY = ("categories", "indicators")


def round_half_away(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round half away from zero exactly as Polars' ``round(mode="half_away_from_zero")`` does: scale, round the
    scaled value half away from zero, unscale."""
    return _whole_half_away(values * 10.0**decimals) / 10.0**decimals


def _whole_half_away(scaled: np.ndarray) -> np.ndarray:
    whole = np.trunc(scaled)
    step = scaled - whole
    np.abs(step, out=step)
    np.copysign(step >= 0.5, scaled, out=step)  # ±1 where the fraction is at least a half, else ±0
    whole += step
    return whole


def rank_keys(totals: np.ndarray) -> np.ndarray:
    """What the engine ranks by, as whole hundredths: the total rounded to 6, then to 2 decimals (× 100)."""
    return _whole_half_away(round_half_away(totals, 6) * 100.0).astype(np.int64)


def competition_ranks(keys: np.ndarray) -> np.ndarray:
    """Per row of ``keys`` (whole numbers), 1 + how many keys of the row are greater: 1, 2, 2, 4."""
    rows, width = keys.shape
    low = int(keys.min()) if keys.size else 0
    span = (int(keys.max()) - low + 1) if keys.size else 1
    if rows * span <= 20_000_000:
        # Totals take few distinct hundredths: count them per row and sum the counts above each.
        shifted = keys - low
        counts = np.bincount((shifted + np.arange(rows)[:, None] * span).ravel(), minlength=rows * span)
        at_most = np.cumsum(counts.reshape(rows, span), axis=1)
        return 1 + width - np.take_along_axis(at_most, shifted, axis=1)
    order = np.argsort(-keys, axis=1, kind="stable")
    ordered = np.take_along_axis(keys, order, axis=1)
    first = np.ones_like(ordered, dtype=bool)
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    positions = np.maximum.accumulate(np.where(first, np.arange(1, width + 1), 0), axis=1)
    ranks = np.empty_like(positions)
    np.put_along_axis(ranks, order, positions, axis=1)
    return ranks


def weightings(method: Method, *, spread: float = 0.10, vary: str = "categories") -> np.ndarray:
    """The weightings as a matrix: one row per weighting, one column per category (``categories``) or per
    indicator (``indicators``: category weight × share); the first row is the method's own weights."""
    if vary not in VARY:
        raise ValueError(f"vary must be one of {', '.join(VARY)}, not {vary!r}")
    if vary == "categories":
        base = np.array([float(c.weight) for c in method.categories])
        k = len(base)
        if k <= FULL_GRID_LIMIT:
            steps = np.array(list(itertools.product((0.0, -spread, spread), repeat=k)))
        else:
            steps = np.zeros((2 * k + 1, k))
            for index in range(k):
                steps[1 + 2 * index, index] = -spread
                steps[2 + 2 * index, index] = spread
        weights = base * (1 + steps)
        return weights * (100.0 / weights.sum(axis=1, keepdims=True))
    rows = [_effective(method, None, 0.0)]
    for index in range(len(method.indicators)):
        rows += [_effective(method, index, -spread), _effective(method, index, spread)]
    return np.array(rows)


def _effective(method: Method, moved: int | None, step: float) -> list[float]:
    """Category weight × share for every indicator, with indicator ``moved``'s share times (1 + step) and the shares
    of its category rescaled to sum to 1."""
    result = []
    position = 0
    for category in method.categories:
        shares = []
        for indicator in category.indicators:
            shares.append(float(indicator.share) * (1 + step if position == moved else 1.0))
            position += 1
        total = sum(shares)
        result += [float(category.weight) * share / total for share in shares]
    return result


def rank_intervals(
    zones: pl.DataFrame, method: Method, *, spread: float = 0.10, vary: str = "categories"
) -> pl.DataFrame:
    """``zone_id``, ``rank_best``, ``rank_worst`` and ``scenarios`` (how many weightings) for every ranked zone of
    one year's result (the ``zones`` frame of a ranking). See the module's docstring for the definition."""
    matrix = weightings(method, spread=spread, vary=vary)
    if vary == "categories":
        columns = [f"{c.key}_score" for c in method.categories]
    else:
        columns = [f"{i.key}_score" for i in method.indicators]
    ranked = zones.filter(pl.col("status") == "ranked")
    parts = []
    for _, block in ranked.group_by("group", maintain_order=True):
        # One row per weighting, summed in the engine's order (Σ score × weight, then ÷ 100), so that the method's
        # own weights give the engine's totals to the last bit.
        totals = np.zeros((matrix.shape[0], block.height))
        for index, column in enumerate(columns):
            totals += matrix[:, index, None] * block[column].to_numpy()[None, :]
        totals /= 100.0
        totals -= block["deductions"].to_numpy()[None, :]
        ranks = competition_ranks(rank_keys(totals))
        own = block["rank"].to_numpy()
        parts.append(
            pl.DataFrame(
                {
                    "zone_id": block["zone_id"],
                    "rank_best": np.minimum(ranks.min(axis=0), own),
                    "rank_worst": np.maximum(ranks.max(axis=0), own),
                    "scenarios": np.full(block.height, matrix.shape[0]),
                }
            )
        )
    schema = {"zone_id": zones.schema["zone_id"], "rank_best": pl.Int64, "rank_worst": pl.Int64, "scenarios": pl.Int64}
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).cast(schema)
