"""Lead screening (甄别): the facts a lead needs before it becomes a negotiation, and possible duplicates.

A possible duplicate is a live project (not dropped) of the same zone family (the top-level zone and its
sub-parks) whose investor is the same once normalised, or whose name is similar: the difflib ratio of the
normalised names reaches ``YUANQU_PROJECT_DUPLICATE_THRESHOLD`` (0.8 by default). Only the projects the
user may see are offered.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from django.conf import settings

from yuanqu.core.access import zone_descendants
from yuanqu.projects.models import InvestorCapacity, Project, Stage

DUPLICATE_THRESHOLD = 0.8

# Legal-form and group suffixes that do not tell two investors apart, longest first.
INVESTOR_SUFFIXES = (
    "集团股份有限公司",
    "集团有限责任公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "控股集团",
    "集团公司",
    "集团",
    "公司",
    "coltd",
    "ltd",
    "inc",
    "limited",
    "corporation",
    "corp",
    "group",
    "gmbh",
)
# A trailing "(中国)" or "（中国）" once the brackets are dropped.
REGION_TAGS = ("中国",)
NAME_SUFFIXES = ("项目",)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _clean(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, without spaces, brackets and punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "").lower())


def _strip_suffixes(text: str, suffixes) -> str:
    changed = True
    while changed and text:
        changed = False
        for suffix in suffixes:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
                break
    return text


def normalise_investor(name: str) -> str:
    """An investor's name for comparison: 'ＡＢＣ 科技（中国）有限公司' and 'abc科技' are the same."""
    return _strip_suffixes(_clean(name), INVESTOR_SUFFIXES + REGION_TAGS)


def normalise_project_name(name: str) -> str:
    """A project's name for comparison, without the trailing 项目."""
    return _strip_suffixes(_clean(name), NAME_SUFFIXES)


def name_similarity(name: str, other: str) -> float:
    """How alike a project's name and another's are once normalised, 0–1: difflib's ratio, deterministic
    (computed as ``find_duplicates`` does, the other name against the project's)."""
    name, other = normalise_project_name(name), normalise_project_name(other)
    if not name or not other:
        return 0.0
    return difflib.SequenceMatcher(None, other, name, autojunk=False).ratio()


def duplicate_threshold() -> float:
    return float(getattr(settings, "YUANQU_PROJECT_DUPLICATE_THRESHOLD", DUPLICATE_THRESHOLD))


def _zone_family(zone) -> frozenset[int]:
    chain = zone.ancestors()
    root = chain[-1] if chain else zone
    return zone_descendants([root.pk])


def find_duplicates(*, project: Project, user) -> list[Project]:
    """Live projects of the same zone family the user may see with the same investor or a similar name.

    The project itself (saved or not) and dropped projects are left out; the most similar come first.
    Each project found carries ``same_investor`` and ``duplicate_similarity`` (to three decimals).
    """
    if project.zone_id is None:
        return []
    investor = normalise_investor(project.investor)
    name = normalise_project_name(project.name)
    threshold = duplicate_threshold()
    candidates = (
        Project.objects.restrict(user).filter(zone_id__in=_zone_family(project.zone)).exclude(stage=Stage.DROPPED)
    )
    if project.pk is not None:
        candidates = candidates.exclude(pk=project.pk)
    # Compare plain tuples, and only build the projects found: a zone may hold thousands.
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(name)  # difflib caches what it learns about the second sequence
    hits = {}
    for pk, other_name, other_investor in candidates.values_list("pk", "name", "investor").iterator():
        same_investor = bool(investor) and normalise_investor(other_investor) == investor
        similarity = 0.0
        other = normalise_project_name(other_name)
        if name and other:
            matcher.set_seq1(other)
            # The cheap upper bounds first; the full ratio only when it may reach the threshold.
            if same_investor or (matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold):
                similarity = matcher.ratio()
        if same_investor or similarity >= threshold:
            hits[pk] = (same_investor, round(similarity, 3))
    found = list(Project.objects.filter(pk__in=hits).select_related("zone"))
    for other in found:
        other.same_investor, other.duplicate_similarity = hits[other.pk]
    return sorted(found, key=lambda p: (not p.same_investor, -p.duplicate_similarity, p.name, p.pk))


# (field, Chinese, English) of what a lead must have before it advances.
SCREENING_FIELDS = (
    ("lead_source", "信息来源", "source"),
    ("investor", "投资方", "investor"),
    ("industry_code", "行业代码", "industry code"),
    ("contact_verified", "联系人核实", "verified contact"),
    ("investor_capacity", "投资方实力判断", "judgement of the investor's capacity"),
)


def screening_gaps(project: Project) -> list[tuple[str, str, str]]:
    """What the lead still lacks, as (field, Chinese, English); empty once screened."""
    return [(name, zh, en) for name, zh, en in SCREENING_FIELDS if not getattr(project, name)]


def screening_errors(project: Project) -> list[str]:
    """Bilingual reasons a lead may not advance yet (missing facts, doubtful investor); empty when screened."""
    errors = []
    gaps = screening_gaps(project)
    if gaps:
        errors.append(
            "线索须先完成甄别，缺少：{} / the lead must be screened first; missing: {}".format(
                "、".join(zh for _n, zh, _e in gaps), ", ".join(en for _n, _z, en in gaps)
            )
        )
    if project.investor_capacity == InvestorCapacity.DOUBTFUL:
        errors.append(
            "投资方实力存疑，线索不能转入洽谈 / the investor's capacity is doubtful; the lead cannot become a negotiation"
        )
    return errors


NOT_DUPLICATE = "不是重复项目"


def not_duplicate_note(duplicates: list[Project]) -> str:
    """The confirmation kept in the stage event's reason, naming the projects it was compared with."""
    return f"{NOT_DUPLICATE}（已比对：{'、'.join(p.name for p in duplicates)}）"
