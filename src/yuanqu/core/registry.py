"""What each app declares about itself and core only iterates: the kinds of data it imports and exports, its
entries in the navigation, its cards on the home page, its figures per zone, its panels on other apps' pages,
its layers on the one map, what its changes touch on the map's tiles, the indicators targets can measure,
and its part of the demo city.

Apps register in their ``AppConfig.ready()`` (see each app's ``registrations.py``); core never names an app.
A capability that is not installed registers nothing, and nothing of it shows.

Every command starts Django, and so every app's ``ready()``: an app registers its functions and classes by their
dotted paths (``"yuanqu.land.selectors.parcel_counts"``), imported when first called, so that a command touching no
data (``yuanqu --help``) does not import the app's importers, services and selectors. An item holds such a path as
a :class:`Lazy`, which is called like the function itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


def resolve(function: Callable | str) -> Callable:
    """A registered function, or its dotted path imported on first use (what a registry item may hold)."""
    if isinstance(function, str):
        from django.utils.module_loading import import_string

        return import_string(function)
    if isinstance(function, Lazy):
        return function.resolved()
    return function


class Lazy:
    """A function or class named by its dotted path, imported when first called; calling it calls what it names
    (``partial(lazy("yuanqu.projects.statistics.measure"), key)`` works as ``partial(measure, key)`` would)."""

    __slots__ = ("_target", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self._target: Callable | None = None

    def resolved(self) -> Callable:
        """What the path names, imported the first time."""
        if self._target is None:
            self._target = resolve(self.path)
        return self._target

    def __call__(self, *args, **kwargs):
        return self.resolved()(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lazy) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return f"Lazy({self.path!r})"


def _lazy_fields(item, *names: str) -> None:
    """Turn the dotted paths given for these fields of a frozen item into :class:`Lazy` callables."""
    for name in names:
        value = getattr(item, name)
        if isinstance(value, str):
            object.__setattr__(item, name, Lazy(value))


class Registry(Generic[T]):
    """Items keyed by their ``key``, iterated in ``order`` (then key); registering a key twice is an error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        key = item.key  # type: ignore[attr-defined]
        if key in self._items and self._items[key] is not item:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is registered twice")
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        """Forget an item (tests that register their own)."""
        self._items.pop(key, None)

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._items.values(), key=lambda item: (item.order, item.key)))  # type: ignore[attr-defined]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __getitem__(self, key: str) -> T:
        return self._items[key]

    def get(self, key: str, default=None):
        return self._items.get(key, default)

    def keys(self) -> list[str]:
        return [item.key for item in self]  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self._items)


def _always(user) -> bool:
    return True


# --- data kinds: `yuanqu import KIND`, `yuanqu export KIND`, templates, the import page --------------------


@dataclass(frozen=True)
class DataKind:
    """One kind of data a user imports and exports with the same columns.

    ``importer`` is an ``Importer`` subclass (a fresh one per import); ``export_rows(user=, zone_ids=)`` yields
    rows under the importer's column keys (None: import only); ``model`` ("app_label.Model") is what an export
    counts; ``formats`` the suffixes an export may have; ``write_spatial(target, rows, suffix=)`` writes the
    spatial ones.
    """

    key: str
    importer: type | str
    model: str
    export_rows: Callable[..., Any] | str | None = None
    formats: tuple[str, ...] = (".xlsx",)
    write_spatial: Callable[..., int] | str | None = None
    order: int = 100

    def __post_init__(self) -> None:
        _lazy_fields(self, "importer", "export_rows", "write_spatial")


data_kinds: Registry[DataKind] = Registry("data kinds")


# --- navigation -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    """An entry of the menus: ``menu`` "main" (the capabilities along the top) or "side" (the lists and tools
    on the left); ``visible(user)`` hides it from users who cannot use it."""

    key: str
    label: Any
    url_name: str
    menu: str = "side"
    order: int = 100
    visible: Callable[[Any], bool] | str = _always

    def __post_init__(self) -> None:
        _lazy_fields(self, "visible")


navigation: Registry[NavItem] = Registry("navigation")


# --- the home page and the pages of other apps ---------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """A card on the home page: ``context(request)`` gives what ``template`` shows, or None to show nothing."""

    key: str
    template: str
    context: Callable[[Any], dict | None] | str
    order: int = 100

    def __post_init__(self) -> None:
        _lazy_fields(self, "context")


home_cards: Registry[Card] = Registry("home cards")


@dataclass(frozen=True)
class Panel:
    """A section an app adds to another app's page, e.g. the parcels an enterprise uses on the enterprise's
    page. ``page`` names the page ("enterprises.enterprise-detail"); ``context(obj, request)`` gives what
    ``template`` shows, or None to show nothing; ``history(obj)`` the records (querysets) whose changes join the
    page's change history."""

    key: str
    page: str
    template: str
    context: Callable[[Any, Any], dict | None] | str
    order: int = 100
    history: Callable[[Any], list] | str | None = None

    def __post_init__(self) -> None:
        _lazy_fields(self, "context", "history")


panels: Registry[Panel] = Registry("panels")


def panel_history(page: str, obj) -> list:
    """The records the panels of a page add to its change history."""
    return [source for panel in panels if panel.page == page and panel.history for source in panel.history(obj)]


def panels_for(page: str, obj, request) -> list[dict]:
    """The panels of a page for one object, each ``{"key", "template", "context"}``, in order."""
    shown = []
    for panel in panels:
        if panel.page != page:
            continue
        context = panel.context(obj, request)
        if context is not None:
            shown.append({"key": panel.key, "template": panel.template, "context": context})
    return shown


@dataclass(frozen=True)
class ZoneColumn:
    """A figure per zone that an app contributes to the zone list, a zone's page and the home page.

    ``values(user=, zone_ids=)`` gives zone id → value for the zones' own records (sub-parks apart);
    ``total(user=, zone_ids=)`` the figure over all those zones together (a ratio is not a sum of ratios).
    ``places``: decimals shown; ``url_name``: the list a value links to (with ``?zone=``); ``in_zone_list``:
    shown on the zone pages too (else only on the home page); ``card_id``: the id of its figure among the home
    page's cards (None: no card); ``year(user=)``: the year a yearly figure is for; ``chart``: drawn as a bar
    per zone on the home page.
    """

    key: str
    label: Any
    values: Callable[..., dict] | str
    total: Callable[..., Any] | str
    places: int = 0
    order: int = 100
    url_name: str = ""
    in_zone_list: bool = True
    card_id: str | None = None
    year: Callable[..., int | None] | str | None = None
    chart: bool = False

    def __post_init__(self) -> None:
        _lazy_fields(self, "values", "total", "year")


zone_columns: Registry[ZoneColumn] = Registry("zone columns")


# --- the one map ---------------------------------------------------------------------------------------------


NO_VALUE_COLOUR = "#d2d2d2"
"""The fill of a parcel with no value to colour it by (no grade, no project): the last entry of a legend."""


@dataclass(frozen=True)
class MapLayer:
    """A layer of the one map, declared by the app whose data it shows.

    ``kind`` "colouring": a way to colour the parcels by the tile property ``property``, with ``legend()`` giving
    value, label and colour of each value ("" last: none). In a parcel's popup the value shows on a line of its own
    named ``popup_label``, or, with ``qualifies`` (a points layer's key), after that layer's object on the parcel
    (named ``popup_label`` when given).

    ``kind`` "points": ``geojson(user=, zone_ids=, as_of=)`` gives a lon/lat FeatureCollection (the map shifts it
    for display) whose features have a ``name`` and a ``url``, and its ``unmapped`` count of those not on the map
    (said by ``unmapped_text``, "{n}" the count). The dots are ``colour``, or coloured by the legend of the
    colouring ``colour_by``; ``paint`` adds MapLibre circle paint properties. A dot's popup shows its name, the
    properties ``popup`` lists as (property, label) pairs (a labelled one only when not empty) and a link to its
    page (``link_text``). ``property`` is the tile property naming the layer's object on a parcel (its id in
    ``<property>_id``) and ``detail_url`` the URL name of that object's page, for the parcel's popup.
    """

    key: str
    label: Any
    kind: str
    order: int = 100
    geojson: Callable[..., dict] | str | None = None
    legend: Callable[[], list[dict]] | str | None = None
    property: str = ""
    colour_by: str = ""
    detail_url: str = ""
    popup_label: Any = ""
    qualifies: str = ""
    colour: str = ""
    paint: dict = field(default_factory=dict)
    popup: tuple[tuple[str, Any], ...] = ()
    link_text: Any = ""
    unmapped_text: Any = ""

    def __post_init__(self) -> None:
        _lazy_fields(self, "geojson", "legend")


map_layers: Registry[MapLayer] = Registry("map layers")


@dataclass(frozen=True)
class MapProperty:
    """A property an app adds to the features of another app's points layer (``layer``), such as the grade of the
    enterprises: ``values(user=, ids=)`` gives feature id → value; shown in the dot's popup, named ``label``, when
    not empty."""

    key: str
    layer: str
    name: str
    values: Callable[..., dict] | str
    label: Any = ""
    order: int = 100

    def __post_init__(self) -> None:
        _lazy_fields(self, "values")


map_properties: Registry[MapProperty] = Registry("map properties")


@dataclass
class Touched:
    """What change-log entries change on the map: every parcel's stored tile row (``every_row``), every tile
    (``every_tile``: also when a polygon was drawn, moved or deleted, which may change tiles far from where the
    parcel lies now), the parcels whose rows and blocks they change, and the enterprises whose parcels they
    change."""

    every_row: bool = False
    every_tile: bool = False
    parcels: set[int] = field(default_factory=set)
    enterprises: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class TileTouch:
    """How changes of one model (``model`` "app_label.modelname", lower case) reach the map's tiles: ``scope``
    "row" (every stored row: the rules, grades), "tile" (every tile, rows kept: a zone's name) or "some" with
    ``touch(touched, object_id, before, after)`` adding the parcels or enterprises an entry changes."""

    key: str
    scope: str = "some"
    touch: Callable[[Touched, str, dict, dict], None] | str | None = None
    order: int = 100

    def __post_init__(self) -> None:
        _lazy_fields(self, "touch")


tile_touches: Registry[TileTouch] = Registry("tile touches")


# --- the leaders' cockpit and the monthly report ---------------------------------------------------------------


@dataclass(frozen=True)
class CockpitSection:
    """An app's section of the cockpit (驾驶舱) and chapter of the monthly report (月报): ``build(scope=,
    period=)`` (a function or its dotted path, imported when first used) returns a ``yuanqu.core.cockpit.Section``
    read from the app's own selectors, or None when it has nothing for that scope. ``in_report`` puts it in the
    monthly report as well."""

    key: str
    title: Any
    build: Callable[..., Any] | str
    order: int = 100
    in_report: bool = True


cockpit_sections: Registry[CockpitSection] = Registry("cockpit sections")


@dataclass(frozen=True)
class CockpitTargets:
    """Where an app keeps targets on measures (the responsibility letters): ``targets(scope=, period=)`` (or its
    dotted path) returns ``{measure key: (target value, colour)}`` for the scope's zones together, the colour
    being the pace's (green / amber / red, or "" when there is nothing to judge). The cockpit puts them beside
    every figure whose key is that measure's."""

    key: str
    targets: Callable[..., dict] | str
    order: int = 100


cockpit_targets: Registry[CockpitTargets] = Registry("cockpit targets")


# --- what else is late: the other apps' items in the alert list ---------------------------------------------------


@dataclass(frozen=True)
class AlertItem:
    """One late thing of another app, as the alert list shows it: what, where, who owns it, when it was due, how
    many working days late, and its page."""

    title: str
    zone: str
    owner: str
    due: Any
    days: int
    url: str


@dataclass(frozen=True)
class AlertSource:
    """An app's late items beside the projects' alerts (督办提醒): ``items(user=, zone_ids=, today=)`` (or its dotted
    path) gives ``AlertItem``s of the zones (None: every zone the user sees), the latest first; ``url`` names the
    page listing them all."""

    key: str
    label: Any
    items: Callable[..., list] | str
    url: str = ""
    order: int = 100


alert_sources: Registry[AlertSource] = Registry("alert sources")


# --- groups of enterprises another app knows (the firms of a chain) -------------------------------------------------


@dataclass(frozen=True)
class EnterpriseGrouping:
    """Groups of enterprises an app knows, with who answers for each: ``groups(user=, enterprise_ids=)`` (or its
    dotted path) returns ``[(group name, owner, {enterprise ids among those given})]``, e.g. each chain with its
    chain owner (链长) and the given firms on it. The service app routes several firms' like requests together
    to the group's owner."""

    key: str
    label: Any
    groups: Callable[..., list] | str
    order: int = 100


enterprise_groupings: Registry[EnterpriseGrouping] = Registry("enterprise groupings")


# --- measures: what a target can be set on ---------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """An indicator the platform measures from its own records, for a zone (with its sub-parks) over a year up
        to a date: ``measure(user=, zone=, year=, as_of=)`` → value (None: nothing to measure), counting only what
        ``user`` may see (None: the system, e.g. the command line, which sees everything). ``unit`` is how the value
        is written; ``url(zone=, year=)`` the page of the records behind it; ``series(user=, zone=, year=,
        dates=)``, when given, the values at several dates in one go (a target's progress month by month), which
        ``measure`` would otherwise give one call, and one reading of the records, per date. ``reported_figure``
        names the figure zones report (``yuanqu.analytics.zone_figures``) that this measure is the platform's own
        count of: a zone's figures page shows the two side by side. ``months(user=, zone=, year=, as_of=)``, given for a
    figure reported month by month, is the number of months the value at ``as_of`` covers (None: nothing reported):
    a target's pace is then measured against months ÷ 12 rather than the days of the year elapsed."""

    key: str
    label: Any
    unit: Any
    measure: Callable[..., Any] | str
    order: int = 100
    url: Callable[..., str] | str | None = None
    series: Callable[..., list] | str | None = None
    reported_figure: str = ""
    months: Callable[..., int | None] | str | None = None

    def __post_init__(self) -> None:
        _lazy_fields(self, "measure", "url", "series", "months")


measures: Registry[Measure] = Registry("measures")


# --- `yuanqu evaluate KIND …` ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationCommand:
    """A kind of evaluation the command line runs (``yuanqu evaluate KIND …``): ``add_arguments(parser)`` adds
    its options to its subcommand, ``handle(command, **options)`` runs it (``command`` is the management
    command, for its output streams). Both may be dotted paths, imported only when the command runs."""

    key: str
    help: str
    add_arguments: Callable[[Any], None] | str
    handle: Callable[..., None] | str
    order: int = 100


evaluations: Registry[EvaluationCommand] = Registry("evaluations")


# --- the demo city ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStep:
    """An app's part of the demo city: ``build(city)`` (a function or its dotted path, imported only when the demo
    is built) adds its records to the ``DemoCity`` being built (``yuanqu.core.demo``), after the steps of lower
    ``order``."""

    key: str
    build: Callable[[Any], None] | str
    order: int = 100


demo_steps: Registry[DemoStep] = Registry("demo steps")


# --- jobs: long work done by a worker ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JobKind:
    """A kind of long work an app hands to a worker (``yuanqu.core.jobs``): ``run(job, progress)`` (a function or
    its dotted path, imported only when a worker runs it) does the work for the stored ``Job`` (its ``params``,
    ``user``, ``zone``) and returns the result, a dict whose ``url`` is the page of what came of it (a run, a
    report) and ``label`` what to call that; ``progress`` counts the work (``progress.stage(label, total)``,
    ``progress.problem(zh, en)``) and raises when the user cancelled. ``retry_safe``: a job of this kind that a
    dead worker left half done may simply run again (its writes are one transaction, or repeat harmlessly);
    otherwise it is marked failed and the user retries it by hand. ``serial``: jobs of one kind and zone run one
    after the other."""

    key: str
    label: Any
    run: Callable[..., dict | None] | str
    retry_safe: bool = False
    serial: bool = True
    order: int = 100


job_kinds: Registry[JobKind] = Registry("job kinds")
