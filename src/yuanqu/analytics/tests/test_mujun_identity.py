"""The engine's output does not depend on how its input arrives: row order, or a frame in several chunks
(the engine splits its input by group and status with filters and sorts; every path must give the same
numbers to the last bit and the same explanations)."""

import numpy as np
import polars as pl
import pytest

from yuanqu.analytics.mujun import load_preset, score


def enterprises(n: int, *, seed: int, factor: float = 1.0) -> pl.DataFrame:
    """n enterprises with figures of realistic spread, some missing; in USCC order."""
    rng = np.random.default_rng(seed)
    land = rng.lognormal(2.5, 0.9, n).round(2)
    value_added = (land * rng.lognormal(4.2, 0.7, n) * factor).round(2)
    frame = pl.DataFrame(
        {
            "uscc": [f"91330000MA{i:08d}" for i in range(n)],
            "name": [f"企业{i}" for i in range(n)],
            "industry_division": [f"{d:02d}" for d in rng.integers(13, 47, n)],
            "production_years": rng.uniform(0, 30, n).round(1),
            "above_scale": rng.random(n) < 0.4,
            "land_mu": land,
            "tax": (land * rng.lognormal(2.3, 0.9, n) * factor).round(2),
            "revenue": (value_added * rng.lognormal(1.4, 0.3, n)).round(2),
            "value_added": value_added,
            "energy_tce": (value_added / rng.lognormal(1.0, 0.6, n)).round(2),
            "electricity": (value_added / rng.lognormal(0.3, 0.6, n)).round(2),
            "emissions": (value_added / rng.lognormal(8.5, 0.8, n)).round(4),
            "rd_spending": (value_added * rng.lognormal(-3.5, 0.6, n)).round(2),
            "employees": np.maximum(1, (value_added / rng.lognormal(2.8, 0.5, n)).round()).astype(np.int64),
            "high_tech": rng.random(n) < 0.1,
            "incident": rng.random(n) < 0.01,
        }
    )
    missing = pl.Series(rng.random(n) < 0.1)
    return frame.with_columns(pl.when(missing).then(None).otherwise(pl.col("emissions")).alias("emissions"))


def in_chunks(frame: pl.DataFrame, size: int) -> pl.DataFrame:
    chunked = pl.concat([frame.slice(start, size) for start in range(0, frame.height, size)], rechunk=False)
    assert chunked.n_chunks() > 1
    return chunked


@pytest.mark.parametrize("preset", ["huangyan-2022", "huaian-2024"])
def test_output_is_identical_for_any_order_and_chunking(preset):
    method = load_preset(preset)
    current, previous = enterprises(3000, seed=5), enterprises(3000, seed=5, factor=0.95)
    first = score(current, method, previous=previous)
    assert first.height == 3000 and first["explanation_zh"].null_count() == 0
    for rows, before in (
        (in_chunks(current, 700), in_chunks(previous, 900)),  # in USCC order: no sort to join the chunks
        (in_chunks(current.sample(fraction=1.0, shuffle=True, seed=1), 500), previous),
    ):
        again = score(rows, method, previous=before)
        assert again.equals(first)
