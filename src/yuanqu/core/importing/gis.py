"""Read and write parcel geometry files (GeoPackage, Shapefile or zipped Shapefile, GeoJSON) with pyogrio:
features, their CRS as a supported EPSG code, and every problem found. No Django, so it tests bare."""

from __future__ import annotations

import codecs
import datetime as dt
import decimal
import math
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.errors
import pyproj
import shapely
from pyogrio import raw
from shapely.geometry.base import BaseGeometry

from yuanqu.analytics import geo
from yuanqu.core.importing.limits import DEFAULT_LIMITS, LimitError, Limits, check_file_size, check_zip_directory
from yuanqu.core.importing.problems import Problem

DATASET_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json")
READABLE_SUFFIXES = (*DATASET_SUFFIXES, ".zip")
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# Decodings tried, in order, for .dbf text after the .cpg's. GB18030 is a superset of GBK covering the
# rare characters (e.g. in place names) that GBK lacks.
_FALLBACK_ENCODINGS = ("UTF-8", "GBK", "GB18030")
_BYTES = "ISO-8859-1"  # maps every byte to the character of the same number, so text round-trips to bytes
_CODE_PAGES = {"65001": "UTF-8", "936": "GBK", "54936": "GB18030", "950": "BIG5", "88591": "ISO-8859-1"}
# Attribute columns that name a parcel, tried in order to label features in notes and problems.
LABEL_FIELDS = ("地块编号", "地块代码", "宗地编号", "宗地代码", "宗地号", "DKBH", "ZDDM", "ZDBH", "parcel_code", "code")


@dataclass
class Feature:
    """One feature of a geometry file."""

    row: int  # 1-based feature number, as the file lists them
    attributes: dict[str, object]
    geometry: BaseGeometry | None  # valid Polygon/MultiPolygon in the source CRS, or None if unusable


@dataclass
class FeatureSet:
    """Everything read from one geometry file."""

    records: list[Feature]
    srid: int | None  # supported EPSG code (4326 normalised to 4490); None if problems say why
    notes: list[str] = field(default_factory=list)  # bilingual remarks that do not block an import
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file can be imported as it is."""
        return not self.problems


def _file_problem(zh: str, en: str, *, value: str | None = None) -> Problem:
    return Problem(row=None, column=None, value=value, reason_zh=zh, reason_en=en)


def read_features(
    path: str | Path,
    *,
    srid: int | None = None,
    encoding: str | None = None,
    label_field: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> FeatureSet:
    """Read every feature of a .gpkg, .shp, zipped .shp or .geojson/.json file and check it.

    `srid` overrides the file's CRS; `encoding` overrides attribute decoding (normally found from the
    .cpg, or tried as UTF-8 then GBK). `label_field` names the column identifying a parcel in messages
    (default: the first of LABEL_FIELDS present). The file's size, what a zip unpacks to and the number of
    features are checked against `limits` before anything is read. Problems are collected, never raised.
    """
    try:
        return _read_features(Path(path), srid=srid, encoding=encoding, label_field=label_field, limits=limits)
    except LimitError as error:
        return FeatureSet([], None, problems=[_file_problem(error.reason_zh, error.reason_en, value=Path(path).name)])


def _read_features(
    path: Path, *, srid: int | None, encoding: str | None, label_field: str | None, limits: Limits
) -> FeatureSet:
    if not path.is_file():
        return FeatureSet([], None, problems=[_file_problem("文件不存在", "file not found", value=str(path))])
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        return FeatureSet(
            [],
            None,
            problems=[
                _file_problem(
                    f"不支持的文件类型 {suffix or '（无扩展名）'}，"
                    "请上传 GeoPackage、Shapefile（可压缩为 zip）或 GeoJSON",
                    f"unsupported file type {suffix or '(none)'}; use GeoPackage, Shapefile (zipped or not) or GeoJSON",
                    value=path.name,
                )
            ],
        )
    if suffix != ".zip":
        parts = [path]
        if suffix == ".shp":
            parts = [p for p in (path.with_suffix(part) for part in _SHAPEFILE_PARTS) if p.is_file()]
        check_file_size(sum(part.stat().st_size for part in parts), limits)
        return _read_dataset(path, srid=srid, encoding=encoding, label_field=label_field, limits=limits)
    check_file_size(path.stat().st_size, limits)
    with tempfile.TemporaryDirectory(prefix="yuanqu-gis-") as tmp:
        try:
            inner, problem = _unpack_dataset(path, Path(tmp), limits)
        except LimitError:
            raise
        except Exception:  # a damaged archive fails in many ways (zlib, CRC, headers): each is a corrupt zip
            inner, problem = None, _file_problem("压缩包已损坏", "the zip file is corrupt", value=path.name)
        if inner is None:
            return FeatureSet([], None, problems=[problem])
        return _read_dataset(inner, srid=srid, encoding=encoding, label_field=label_field, limits=limits)


def _copy_within(source, sink, budget: list[int], limits: Limits) -> None:
    """Copy a zip member, refusing it once the archive has unpacked to more than the limit (a forged
    directory may understate a member's size)."""
    while chunk := source.read(1024 * 1024):
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise LimitError(
                f"压缩包解压后超过上限 {limits.unpacked_bytes // 1024**2} MB（YUANQU_IMPORT_MAX_UNPACKED_MB）",
                f"the zip unpacks to more than the limit of {limits.unpacked_bytes // 1024**2} MB "
                "(YUANQU_IMPORT_MAX_UNPACKED_MB)",
            )
        sink.write(chunk)


def _unpack_dataset(zip_path: Path, dest: Path, limits: Limits) -> tuple[Path | None, Problem | None]:
    """Extract the one dataset in a zip (with its sidecar files) under plain ASCII names."""
    with zipfile.ZipFile(zip_path) as archive:
        check_zip_directory(archive, limits, packed_size=zip_path.stat().st_size)
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not Path(info.filename).name.startswith("._")
        ]
        datasets = [info for info in members if Path(info.filename).suffix.lower() in DATASET_SUFFIXES]
        if not datasets:
            return None, _file_problem(
                "压缩包中没有 .shp、.gpkg 或 .geojson 文件",
                "the zip holds no .shp, .gpkg or .geojson file",
                value=zip_path.name,
            )
        if len(datasets) > 1:
            names = ", ".join(info.filename for info in datasets)
            return None, _file_problem(
                f"压缩包中有多个图层文件（{names}），请每个压缩包只放一个",
                f"the zip holds several layers ({names}); put one per zip",
                value=zip_path.name,
            )
        chosen = datasets[0]
        suffix = Path(chosen.filename).suffix.lower()
        parts = [chosen]
        if suffix == ".shp":
            stem = chosen.filename[: -len(suffix)].lower()
            parts = [
                info
                for info in members
                if info.filename[: -len(Path(info.filename).suffix)].lower() == stem
                and Path(info.filename).suffix.lower() in _SHAPEFILE_PARTS
            ]
        # Names inside Chinese zips are often GBK without the UTF-8 flag; renaming the parts sidesteps
        # every path-encoding question in GDAL.
        budget = [limits.unpacked_bytes]
        for info in parts:
            target = dest / f"layer{Path(info.filename).suffix.lower()}"
            with archive.open(info) as source, target.open("wb") as sink:
                _copy_within(source, sink, budget, limits)
    return dest / f"layer{suffix}", None


def _check_feature_count(path: Path, limits: Limits) -> None:
    """Refuse a layer with more features or fields than the limits, from its header alone."""
    encoding = _BYTES if path.suffix.lower() == ".shp" else None  # GBK field names or not, they count
    try:
        info = pyogrio.read_info(path, encoding=encoding, force_feature_count=True)
    except Exception:
        return  # whatever GDAL dislikes, the read reports it (and reads no more features than allowed)
    features = int(info.get("features") or 0)
    if features > limits.rows:
        raise LimitError(
            f"文件有 {features:,} 个要素，超过上限 {limits.rows:,} 个（YUANQU_IMPORT_MAX_ROWS）",
            f"the file has {features:,} features, above the limit of {limits.rows:,} (YUANQU_IMPORT_MAX_ROWS)",
        )
    fields = len(info.get("fields", ()))
    if fields > limits.columns:
        raise LimitError(
            f"文件有 {fields:,} 个属性字段，超过上限 {limits.columns:,} 个（YUANQU_IMPORT_MAX_COLUMNS）",
            f"the file has {fields:,} attribute fields, above the limit of {limits.columns:,} "
            "(YUANQU_IMPORT_MAX_COLUMNS)",
        )


def _read_dataset(
    path: Path, *, srid: int | None, encoding: str | None, label_field: str | None, limits: Limits = DEFAULT_LIMITS
) -> FeatureSet:
    notes: list[str] = []
    problems: list[Problem] = []
    is_shapefile = path.suffix.lower() == ".shp"
    _check_feature_count(path, limits)
    try:
        # Shapefile text is read byte-for-byte (ISO-8859-1 maps each byte to one character) and decoded
        # here: GDAL cannot be asked to try encodings, and it truncates UTF-8 field names mid-character
        # at 10 bytes, which makes pyogrio raise even when the .cpg is right.
        meta, _fids, wkb, columns = raw.read(
            path, encoding=_BYTES if is_shapefile else encoding, force_2d=True, max_features=limits.rows + 1
        )
    except UnicodeDecodeError as exc:
        problems.append(
            _file_problem(
                f"属性文字不是 {encoding or 'UTF-8'} 编码：{exc.reason}",
                f"attribute text is not {encoding or 'UTF-8'}: {exc.reason}",
                value=path.name,
            )
        )
        return FeatureSet([], None, notes, problems)
    except Exception as exc:  # GDAL's reasons for refusing a file are many: each is a problem with the file
        problems.append(_file_problem(f"无法读取文件：{exc}", f"cannot read the file: {exc}", value=path.name))
        return FeatureSet([], None, notes, problems)
    read = len(wkb) if wkb is not None else (len(columns[0]) if len(columns) else 0)
    if read > limits.rows:
        raise LimitError(
            f"文件超过 {limits.rows:,} 个要素（YUANQU_IMPORT_MAX_ROWS）",
            f"the file has more than {limits.rows:,} features (YUANQU_IMPORT_MAX_ROWS)",
        )
    names = [str(name) for name in meta["fields"]]
    columns = list(columns)
    if is_shapefile:
        decoded = _decode_dbf_text(names, columns, cpg=path.with_suffix(".cpg"), explicit=encoding)
        if isinstance(decoded, Problem):
            problems.append(decoded)
            return FeatureSet([], None, notes, problems)
        names, columns, dbf_notes = decoded
        notes.extend(dbf_notes)

    values_by_column = [
        _column_values(values, ogr_type) for values, ogr_type in zip(columns, meta["ogr_types"], strict=True)
    ]
    count = len(wkb) if wkb is not None else (len(columns[0]) if columns else 0)
    geometries = shapely.from_wkb(wkb, on_invalid="ignore") if wkb is not None else np.full(count, None, dtype=object)

    resolved = _resolve_srid(
        declared=meta["crs"],
        explicit=srid,
        geometries=geometries,
        is_geojson=path.suffix.lower() in (".geojson", ".json"),
        notes=notes,
        problems=problems,
    )

    label = _label_field(names, label_field)
    label_values = values_by_column[names.index(label)] if label is not None else None
    valid = shapely.is_valid(geometries)
    polygonal = np.isin(shapely.get_type_id(geometries), (3, 6))  # Polygon, MultiPolygon
    records: list[Feature] = []
    for index in range(count):
        row = index + 1
        attributes = {name: values[index] for name, values in zip(names, values_by_column, strict=True)}
        geometry = geometries[index]
        if not (valid[index] and polygonal[index] and not geometry.is_empty):
            geometry, message = geo.repair_polygon(geometry)
            zh, en = message.split(" / ", 1)
            which_zh = which_en = ""
            if label_values is not None and label_values[index] not in (None, ""):
                which_zh = f"（{label} {label_values[index]}）"
                which_en = f" ({label} {label_values[index]})"
            if geometry is None:
                problems.append(
                    Problem(row=row, column=None, value=None, reason_zh=zh + which_zh, reason_en=en + which_en)
                )
            else:
                notes.append(f"要素 {row}{which_zh}：{zh} / feature {row}{which_en}: {en}")
        records.append(Feature(row=row, attributes=attributes, geometry=geometry))
    if resolved is not None:
        _check_areas(records, resolved, problems)
    return FeatureSet(records, resolved, notes, problems)


def _check_areas(records: list[Feature], srid: int, problems: list[Problem]) -> None:
    """A polygon of less than a square metre is no parcel: its coordinates are in another unit than the CRS's."""
    measured = [record for record in records if record.geometry is not None]
    if not measured:
        return
    areas = geo.areas_m2(np.array([record.geometry for record in measured], dtype=object), srid)
    for record, area in zip(measured, areas, strict=True):
        if area < geo.MIN_PARCEL_M2:
            problems.append(
                Problem(
                    row=record.row,
                    column=None,
                    value=f"{area:.3g} m²",
                    reason_zh=f"按 EPSG:{srid} 计算面积不足 1 平方米，不像地块：坐标单位或坐标系可能有误",
                    reason_en=f"in EPSG:{srid} the polygon is under 1 m², no parcel: the coordinates are probably in "
                    "another unit or CRS",
                )
            )


def _codec_of_cpg(text: str) -> str | None:
    """Python codec for the contents of a .cpg file ("GBK", "UTF-8", "936", "65001"...), if known."""
    name = text.strip().upper().removeprefix("ANSI").strip()
    if not name:
        return None
    if name.isdigit():
        name = _CODE_PAGES.get(name, f"cp{name}")
    if name in ("GB2312", "CP936", "936"):
        name = "GBK"  # files labelled GB2312 routinely hold GBK-only characters
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def _fits(raw_bytes: bytes, codec: str, *, truncated_tail: int = 0) -> bool:
    """Whether bytes decode strictly, allowing up to `truncated_tail` bytes of a cut-off last character."""
    for cut in range(truncated_tail + 1):
        try:
            raw_bytes[: len(raw_bytes) - cut].decode(codec)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _decode_dbf_text(
    names: list[str], columns: list[np.ndarray], *, cpg: Path, explicit: str | None
) -> tuple[list[str], list[np.ndarray], list[str]] | Problem:
    """Pick the encoding of a .dbf read byte-for-byte and decode its field names and text values.

    Tries the explicit encoding, else the .cpg's, then UTF-8, GBK and GB18030; UTF-8 is strict enough
    that a GBK file never passes for it. Returns the decoded names and columns plus notes, or a Problem.
    """
    name_bytes = [name.encode(_BYTES) for name in names]
    # One blob per text column, values joined by NUL (which never occurs inside a DBF value nor
    # inside a GBK or UTF-8 multi-byte character), so each column is decoded in one call.
    blobs: dict[int, bytes] = {}
    for index, values in enumerate(columns):
        if values.dtype == object:
            blob = "\x00".join(v for v in values if isinstance(v, str)).encode(_BYTES)
            if not blob.isascii():
                blobs[index] = blob
    declared = cpg.read_text(encoding="ascii", errors="replace").strip() if cpg.is_file() else None
    declared_codec = _codec_of_cpg(declared) if declared else None
    candidates = [explicit] if explicit else [c for c in (declared_codec, *_FALLBACK_ENCODINGS) if c]
    # DBF field names hold at most 10 bytes, and writers cut them without regard for characters.
    codec = next(
        (
            c
            for c in dict.fromkeys(candidates)
            if all(_fits(b, c) for b in blobs.values()) and all(_fits(n, c, truncated_tail=3) for n in name_bytes)
        ),
        None,
    )
    if codec is None:
        tried = ", ".join(dict.fromkeys(candidates))
        return _file_problem(
            f"无法识别属性表的文字编码（已尝试 {tried}），请指定编码",
            f"cannot tell the attribute table's text encoding (tried {tried}); give the encoding",
            value=cpg.with_suffix(".dbf").name,
        )

    notes: list[str] = []
    if explicit:
        notes.append(f"属性编码：按指定的 {codec} 读取 / attribute encoding: {codec}, as requested")
    elif declared and codec == declared_codec:
        notes.append(f"属性编码：按 .cpg 文件（{declared}） / attribute encoding: {declared}, from the .cpg file")
    elif declared:
        notes.append(
            f"属性编码：.cpg 文件声明为 {declared}，与内容不符，按 {codec} 读取 / attribute encoding: the .cpg "
            f"file says {declared} but the text is {codec}"
        )
    else:
        notes.append(f"属性编码：无 .cpg 文件，按 {codec} 读取 / attribute encoding: no .cpg file; read as {codec}")

    decoded_names = []
    for raw_name in name_bytes:
        try:
            decoded_names.append(raw_name.decode(codec))
        except UnicodeDecodeError:
            name = raw_name.decode(codec, errors="ignore")
            decoded_names.append(name)
            notes.append(
                f"字段名「{name}」在文件中被截断（DBF 字段名最长 10 字节） / field name {name} is cut short in "
                "the file (DBF field names hold at most 10 bytes)"
            )
    decoded_columns = list(columns)
    for index, blob in blobs.items():
        texts = iter(blob.decode(codec).split("\x00"))
        values = columns[index]
        decoded_columns[index] = np.array([next(texts) if isinstance(v, str) else v for v in values], dtype=object)
    return decoded_names, decoded_columns, notes


def _column_values(values: np.ndarray, ogr_type: str) -> list[object]:
    """A column as plain Python values: int, float, str, bool, date, datetime, or None for nulls."""
    if values.dtype.kind == "M":
        unit = "D" if ogr_type == "OFTDate" else "us"
        return values.astype(f"datetime64[{unit}]").tolist()  # NaT becomes None
    items = values.tolist()
    if values.dtype.kind == "f":
        # pyogrio turns integer columns with nulls into floats; give them back their integers.
        as_int = ogr_type in ("OFTInteger", "OFTInteger64")
        return [None if math.isnan(v) else (int(v) if as_int else v) for v in items]
    return items


def _label_field(names: list[str], wanted: str | None) -> str | None:
    if wanted is not None:
        return wanted if wanted in names else None
    lowered = {name.lower(): name for name in names}
    for candidate in LABEL_FIELDS:
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    return None


def _epsg_of(declared: str) -> tuple[int | None, str]:
    """EPSG code and name of a CRS as GDAL reports it; matches CGCS2000 Gauss–Krüger by parameters when the
    .prj was written with a name the EPSG database does not know."""
    try:
        crs = pyproj.CRS.from_user_input(declared)
    except pyproj.exceptions.CRSError:
        return None, declared[:80]
    code = crs.to_epsg()
    if code is None:
        code = _match_gauss_kruger(crs)
    return code, crs.name


def _match_gauss_kruger(crs: pyproj.CRS) -> int | None:
    operation = crs.coordinate_operation
    if not crs.is_projected or operation is None or operation.method_name != "Transverse Mercator":
        return None
    ellipsoid = crs.ellipsoid
    # CGCS2000 and GRS80 share a and differ in f only at the 1e-11 level; WGS 84 differs at 1e-6.
    if ellipsoid is None or ellipsoid.semi_major_metre != 6378137.0:
        return None
    if abs(ellipsoid.inverse_flattening - 298.257222101) > 1e-6:
        return None
    params = {p.name: p.value for p in operation.params}
    if params.get("Latitude of natural origin") != 0 or params.get("Scale factor at natural origin") != 1:
        return None
    if params.get("False northing") != 0 or crs.axis_info[0].unit_name != "metre":
        return None
    meridian = params.get("Longitude of natural origin")
    false_easting = params.get("False easting")
    if meridian is None or false_easting is None:
        return None
    if false_easting == 500_000:
        # A plain 6° zone is the same projection as the 3° zone with that meridian; prefer 3°.
        return geo.gk_srid(central_meridian=meridian) or geo.gk_srid(central_meridian=meridian, zone_width=6)
    zone, rest = divmod(false_easting, 1_000_000)
    if rest != 500_000:
        return None
    for width in (3, 6):
        code = geo.gk_srid(central_meridian=meridian, zone_width=width, prefixed=True)
        if code is not None and geo.GAUSS_KRUGER[code].zone == zone:
            return code
    return None


def _unsupported(code: int | None, name: str) -> Problem:
    what = f"EPSG:{code}（{name}）" if code is not None else f"「{name}」"
    what_en = f"EPSG:{code} ({name})" if code is not None else repr(name)
    return _file_problem(
        f"不支持的坐标系 {what}；支持：{geo.SUPPORTED_SRIDS_TEXT}。面积不能在经纬度度数或 Web 墨卡托中量算",
        f"unsupported CRS {what_en}; supported: {geo.SUPPORTED_SRIDS_TEXT}. Areas cannot be measured in "
        "degrees or Web Mercator",
        value=str(code) if code is not None else name,
    )


def _resolve_srid(
    *,
    declared: str | None,
    explicit: int | None,
    geometries: np.ndarray,
    is_geojson: bool,
    notes: list[str],
    problems: list[Problem],
) -> int | None:
    """The EPSG code to use: explicit, else the file's, else inferred from coordinates; checked against
    where the coordinates land."""
    bounds = shapely.total_bounds(geometries) if len(geometries) else np.full(4, np.nan)
    has_coordinates = bool(np.all(np.isfinite(bounds)))
    srid: int | None
    if explicit is not None:
        if not geo.is_supported_srid(explicit):
            problems.append(_unsupported(explicit, _epsg_name(explicit)))
            return None
        srid = explicit
        if declared:
            code, name = _epsg_of(declared)
            same = code == explicit or {code, explicit} <= geo.GEOGRAPHIC_SRIDS
            if not same:
                notes.append(
                    f"文件声明的坐标系为 {name}，按指定的 EPSG:{explicit} 读取 / the file declares {name}; "
                    f"read as EPSG:{explicit} as requested"
                )
    elif declared:
        code, name = _epsg_of(declared)
        if code is None:
            problems.append(
                _file_problem(
                    f"无法识别文件的坐标系「{name}」，请指定 EPSG 代码",
                    f"the file's CRS {name!r} is not recognised; give its EPSG code",
                    value=name,
                )
            )
            return None
        if not geo.is_supported_srid(code):
            problems.append(_unsupported(code, name))
            return None
        srid = code
        degree_like = has_coordinates and -180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90
        if srid in geo.GEOGRAPHIC_SRIDS and has_coordinates and not degree_like:
            # GDAL reports WGS 84 for every GeoJSON without a crs member, even when the coordinates are
            # clearly projected metres.
            inferred = geo.infer_srid(bounds)
            if inferred is None:
                found = f"{bounds[0]:.1f}–{bounds[2]:.1f}, {bounds[1]:.1f}–{bounds[3]:.1f}"
                problems.append(
                    _file_problem(
                        f"坐标是投影坐标（{found}），但文件声明为经纬度 EPSG:{code}（{name}），且无法推断其坐标系；"
                        "请指定 EPSG 代码，或改正文件的坐标系",
                        f"the coordinates are projected ({found}) but the file declares lon/lat EPSG:{code} "
                        f"({name}), and their CRS cannot be inferred; give its EPSG code, or correct the file's CRS",
                        value=f"EPSG:{code}",
                    )
                )
                return None
            notes.append(
                "文件声明为经纬度，但坐标是投影坐标，"
                f"按坐标范围推断为 EPSG:{inferred}（{geo.describe_srid(inferred)}） / "
                f"the file declares lon/lat but holds projected coordinates; inferred EPSG:{inferred} "
                f"({geo.describe_srid(inferred)})"
            )
            srid = inferred
        elif is_geojson and srid == geo.WGS84:
            notes.append(
                "GeoJSON 坐标按 WGS 84 经纬度读取（RFC 7946），视同 CGCS2000 / GeoJSON coordinates read as "
                "WGS 84 lon/lat (RFC 7946), treated as CGCS2000"
            )
    else:
        inferred = geo.infer_srid(bounds) if has_coordinates else None
        if inferred is None:
            problems.append(
                _file_problem(
                    "文件未声明坐标系，且无法从坐标推断（不带带号的高斯-克吕格坐标看不出中央经线），请指定 EPSG 代码",
                    "the file declares no CRS and none can be inferred (Gauss-Kruger coordinates without a zone "
                    "prefix do not reveal their central meridian); give the EPSG code",
                )
            )
            return None
        notes.append(
            f"文件未声明坐标系，按坐标范围推断为 EPSG:{inferred}（{geo.describe_srid(inferred)}） / "
            f"the file declares no CRS; inferred EPSG:{inferred} ({geo.describe_srid(inferred)}) from the "
            "coordinates"
        )
        srid = inferred

    if srid == geo.WGS84:
        srid = geo.CGCS2000  # the two agree to centimetres; one code keeps storage and queries simple
    if has_coordinates and srid not in geo.GEOGRAPHIC_SRIDS and geo.looks_like_degrees(bounds):
        # Gauss-Krüger metres that small would put the parcels on the equator, each a few square millimetres.
        said_zh, said_en = ("指定为", "was given as") if explicit is not None else ("文件声明为", "the file declares")
        found = f"{bounds[0]:.4f}–{bounds[2]:.4f}, {bounds[1]:.4f}–{bounds[3]:.4f}"
        problems.append(
            _file_problem(
                f"坐标像经纬度（{found}），但{said_zh} EPSG:{srid}（{geo.describe_srid(srid)}，单位为米）；"
                "经纬度请用 EPSG:4490，或改正文件的坐标系",
                f"the coordinates look like degrees ({found}) but {said_en} EPSG:{srid} "
                f"({geo.describe_srid(srid)}, in metres); give EPSG:4490 for lon/lat, or correct the file's CRS",
                value=f"EPSG:{srid}",
            )
        )
        return None
    window = _lonlat_window(bounds, srid) if has_coordinates else None
    if has_coordinates and (window is None or not geo.lies_in_china(window)):
        where_zh = where_en = ""
        if window is not None:
            where_zh = f"（经度 {window[0]:.4f}–{window[2]:.4f}，纬度 {window[1]:.4f}–{window[3]:.4f}）"
            where_en = f" (lon {window[0]:.4f}–{window[2]:.4f}, lat {window[1]:.4f}–{window[3]:.4f})"
        problems.append(
            _file_problem(
                f"按 EPSG:{srid}（{geo.describe_srid(srid)}）换算后坐标不在中国境内{where_zh}，坐标系可能有误",
                f"in EPSG:{srid} ({geo.describe_srid(srid)}) the coordinates fall outside China{where_en}; the CRS "
                "is probably wrong",
                value=f"EPSG:{srid}",
            )
        )
    return srid


def _epsg_name(code: int) -> str:
    try:
        return pyproj.CRS.from_epsg(code).name
    except pyproj.exceptions.CRSError:
        return "unknown"


def _lonlat_window(bounds: np.ndarray, srid: int) -> tuple[float, float, float, float] | None:
    """The lon/lat box of the corners of ``bounds`` once converted; None when they cannot be."""
    corners = shapely.points([[bounds[0], bounds[1]], [bounds[2], bounds[3]]])
    lonlat = shapely.get_coordinates(geo.to_lonlat(corners, srid))
    if not np.all(np.isfinite(lonlat)):
        return None
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    return (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))


# ---------------------------------------------------------------------------------------------------
# Writing

_DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON"}


def write_features(
    path: str | Path,
    features: list[dict],
    *,
    geometry_key: str = "geometry",
    srid: int = geo.CGCS2000,
    layer: str = "parcels",
) -> Path:
    """Write dicts of attributes plus a shapely geometry to a GeoPackage or GeoJSON file (by suffix).

    Field types are inferred per key: integers, floats, booleans and text; dates are written as ISO text.
    An existing file is replaced. Returns the path written.
    """
    path = Path(path)
    driver = _DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise ValueError(f"只能写入 .gpkg 或 .geojson / can only write .gpkg or .geojson, not {path.suffix!r}")
    names: list[str] = []
    for feature in features:
        names.extend(key for key in feature if key != geometry_key and key not in names)
    field_data: list[np.ndarray] = []
    masks: list[np.ndarray | None] = []
    for name in names:
        data, mask = _field_array([feature.get(name) for feature in features])
        field_data.append(data)
        masks.append(mask)
    geometries = np.array([feature.get(geometry_key) for feature in features], dtype=object)
    geometry_type, promote = _geometry_type(geometries)
    path.unlink(missing_ok=True)
    raw.write(
        path,
        shapely.to_wkb(geometries) if len(geometries) else np.array([], dtype=object),
        field_data,
        names,
        field_mask=masks if any(mask is not None for mask in masks) else None,
        layer=layer,
        driver=driver,
        geometry_type=geometry_type,
        crs=f"EPSG:{srid}",
        promote_to_multi=promote,
    )
    return path


def _field_array(values: list[object]) -> tuple[np.ndarray, np.ndarray | None]:
    """A numpy column for pyogrio and its null mask (None when nulls need no mask)."""
    present = [v for v in values if v is not None]
    nulls = np.array([v is None for v in values], dtype=bool)
    if present and all(isinstance(v, bool | np.bool_) for v in present):
        return np.array([bool(v) if v is not None else False for v in values]), nulls if nulls.any() else None
    if present and all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in present):
        data = np.array([int(v) if v is not None else 0 for v in values], dtype=np.int64)
        return data, nulls if nulls.any() else None
    if present and all(
        isinstance(v, int | float | decimal.Decimal | np.number) and not isinstance(v, bool) for v in present
    ):
        # NaN is written as null (pyogrio's nan_as_null), so no mask is needed.
        return np.array([float(v) if v is not None else np.nan for v in values], dtype=np.float64), None
    return np.array([_as_text(v) for v in values], dtype=object), None


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def _geometry_type(geometries: np.ndarray) -> tuple[str, bool]:
    kinds = {geom.geom_type for geom in geometries if geom is not None}
    if not kinds:
        return "Polygon", False
    if kinds <= {"Polygon", "MultiPolygon"} and len(kinds) == 2:
        return "MultiPolygon", True
    if len(kinds) == 1:
        return kinds.pop(), False
    return "Unknown", False
