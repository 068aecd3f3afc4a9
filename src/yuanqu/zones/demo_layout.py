"""Parcel polygons of the demo city, around which its zones are drawn: blocks between roads, each cut into
irregular quadrilaterals.

Neighbouring parcels in a block share their cut lines vertex for vertex, so no two parcels overlap;
blocks are separated by roads. Coordinates are CGCS2000 / 3-degree Gauss–Krüger CM 120E (EPSG:4549).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import shapely

from yuanqu.analytics.geo import SQ_M_PER_MU

SRID = 4549
CITY_CENTRE = (505_000.0, 3_468_000.0)  # easting, northing: about 31.34°N, 120.05°E
ROAD_BETWEEN_BLOCKS_M = 30.0
ROAD_BETWEEN_ROWS_M = 40.0
GAP_BETWEEN_PARKS_M = 1_200.0
GAP_BETWEEN_ZONES_M = 3_000.0
MIN_PARCEL_MU, MAX_PARCEL_MU = 10.5, 290.0


@dataclass
class ParcelShape:
    """One parcel's polygon and where it sits: its block row (地籍子区) and block."""

    polygon: object
    row: int
    block: int


def parcel_areas_m2(rng: random.Random, n: int) -> list[float]:
    """Target areas: log-normal around 30 mu with a long tail, kept within 10–300 mu."""
    out = []
    for _ in range(n):
        mu = min(max(rng.lognormvariate(math.log(30.0), 0.75), MIN_PARCEL_MU), MAX_PARCEL_MU)
        out.append(mu * SQ_M_PER_MU)
    return out


def layout_park(rng: random.Random, areas_m2: list[float], *, angle_deg: float) -> list[ParcelShape]:
    """Lay parcels of the given areas out in blocks and rows, rotated, centred on (0, 0).

    The shapes come back in layout order (small parcels first), not in the order of the areas.
    """
    n = len(areas_m2)
    if n == 0:
        return []
    # Parcels of like size share a block, so that each block's depth suits its parcels: no 20-metre slivers.
    size_class = [math.floor(math.log2(a / (MIN_PARCEL_MU * SQ_M_PER_MU))) for a in areas_m2]
    areas_m2 = [areas_m2[k] for k in sorted(range(n), key=lambda k: size_class[k])]
    row_width = max(700.0, math.sqrt(sum(areas_m2) / 0.6) * 1.1)
    corners = np.empty((n, 5, 2))
    rows = [0] * n
    blocks = [0] * n
    x = y = 0.0
    row_depth = 0.0
    row = block = 0
    i = 0
    while i < n:
        depth = min(max(math.sqrt(areas_m2[i] * rng.uniform(1.0, 1.7)), 90.0), 420.0)
        max_width = rng.uniform(380.0, 720.0)
        members = [i]
        widths = [areas_m2[i] / depth]
        i += 1
        while i < n and sum(widths) + areas_m2[i] / depth <= max_width:
            members.append(i)
            widths.append(areas_m2[i] / depth)
            i += 1
        block_width = sum(widths)
        if x > 0 and x + block_width > row_width:
            y += row_depth + ROAD_BETWEEN_ROWS_M
            x, row_depth, row = 0.0, 0.0, row + 1
        bottom = [x]
        for w in widths:
            bottom.append(bottom[-1] + w)
        # Cut lines lean a little: the top end of each inner cut moves by up to 12 % of the narrower neighbour.
        top = list(bottom)
        for k in range(1, len(widths)):
            room = 0.12 * min(widths[k - 1], widths[k])
            top[k] = bottom[k] + rng.uniform(-room, room)
        # The block's far edge slants a few metres, so no parcel is a perfect rectangle.
        left_y, right_y = y + depth + rng.uniform(-8.0, 8.0), y + depth + rng.uniform(-8.0, 8.0)
        end = bottom[-1]

        def top_y(xx: float, x0: float = x, y0: float = left_y, y1: float = right_y, x1: float = end) -> float:
            return y0 + (y1 - y0) * (xx - x0) / (x1 - x0)

        for k, idx in enumerate(members):
            corners[idx] = [
                (bottom[k], y),
                (bottom[k + 1], y),
                (top[k + 1], top_y(top[k + 1])),
                (top[k], top_y(top[k])),
                (bottom[k], y),
            ]
            rows[idx], blocks[idx] = row, block
        x += block_width + ROAD_BETWEEN_BLOCKS_M
        row_depth = max(row_depth, depth + 8.0)
        block += 1

    # Rotate the whole park about its centre (one matrix for every vertex keeps shared vertices equal).
    flat = corners.reshape(-1, 2)
    centre = (flat.min(axis=0) + flat.max(axis=0)) / 2
    theta = math.radians(angle_deg)
    rotation = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    moved = (flat - centre) @ rotation.T
    polygons = shapely.polygons(moved.reshape(n, 5, 2))
    return [ParcelShape(polygons[k], rows[k], blocks[k]) for k in range(n)]


def place_parks(groups: list[list[list[ParcelShape]]]) -> list[list[list[ParcelShape]]]:
    """Move parks into the city: each zone's parks side by side, zones two by two around the centre (in a square
    when there are more than eight).

    ``groups`` holds, per top-level zone, the parks (main area first, then sub-parks) laid out by
    layout_park; the result holds the same shapes translated to their place, coordinates rounded to
    the millimetre as land surveys deliver them.
    """

    def bounds(shapes):
        if not shapes:
            return (0.0, 0.0, 0.0, 0.0)
        return tuple(shapely.total_bounds([s.polygon for s in shapes]))

    # Offsets of each park inside its zone's strip, and the strip's size.
    strips = []
    for parks in groups:
        x, height, offsets = 0.0, 0.0, []
        for shapes in parks:
            minx, miny, maxx, maxy = bounds(shapes)
            offsets.append((x - minx, -miny))
            x += (maxx - minx) + GAP_BETWEEN_PARKS_M
            height = max(height, maxy - miny)
        strips.append((offsets, max(x - GAP_BETWEEN_PARKS_M, 0.0), height))

    # Zones in two columns and as many rows as needed; many zones (a province's) in a square instead.
    columns = 2 if len(strips) <= 8 else math.ceil(math.sqrt(len(strips)))
    col_width = [0.0] * columns
    row_height: list[float] = []
    for k, (_offsets, width, height) in enumerate(strips):
        col, row = k % columns, k // columns
        col_width[col] = max(col_width[col], width)
        if row == len(row_height):
            row_height.append(0.0)
        row_height[row] = max(row_height[row], height)
    total_w = sum(col_width) + GAP_BETWEEN_ZONES_M * (columns - 1)
    total_h = sum(row_height) + GAP_BETWEEN_ZONES_M * (len(row_height) - 1)
    origin_x, origin_y = CITY_CENTRE[0] - total_w / 2, CITY_CENTRE[1] + total_h / 2

    placed = []
    for k, parks in enumerate(groups):
        col, row = k % columns, k // columns
        zone_x = origin_x + sum(col_width[:col]) + GAP_BETWEEN_ZONES_M * col
        zone_top = origin_y - sum(row_height[:row]) - GAP_BETWEEN_ZONES_M * row
        offsets, _width, height = strips[k]
        zone_y = zone_top - height
        moved_parks = []
        for (dx, dy), shapes in zip(offsets, parks, strict=True):
            if not shapes:
                moved_parks.append([])
                continue
            geoms = np.array([s.polygon for s in shapes], dtype=object)
            offset = np.array([zone_x + dx, zone_y + dy])
            geoms = shapely.transform(geoms, lambda xy, offset=offset: np.round(xy + offset, 3))
            moved_parks.append([ParcelShape(g, s.row, s.block) for g, s in zip(geoms, shapes, strict=True)])
        placed.append(moved_parks)
    return placed


def park_boundary(polygons) -> object | None:
    """A boundary around a park's parcels: their convex hull with the edge road."""
    if len(polygons) == 0:
        return None
    hull = shapely.convex_hull(shapely.multipoints(shapely.get_coordinates(list(polygons))))
    return shapely.buffer(hull, 20.0, join_style="mitre")
