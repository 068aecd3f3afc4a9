"""Factories for tests and benchmarks: enterprises with valid credit codes, and their yearly figures."""

from __future__ import annotations

from decimal import Decimal

from stdnum.cn import uscc as stdnum_uscc

from yuanqu.analytics.industry import section_of_division
from yuanqu.core.testing import next_number
from yuanqu.enterprises.models import Enterprise, EnterpriseYear

ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(n: int, *, region: str = "320500") -> str:
    """A valid 18-character credit code, different for every n (enterprise legal person, region given)."""
    body = ""
    for _ in range(9):
        n, digit = divmod(n, len(ORG_ALPHABET))
        body = ORG_ALPHABET[digit] + body
    first17 = "91" + region + body
    return first17 + stdnum_uscc.calc_check_digit(first17 + "0")


def make_enterprise(zone, name: str | None = None, **fields) -> Enterprise:
    n = next_number()
    fields.setdefault("industry_code", "3981")
    code = fields["industry_code"]
    fields.setdefault("industry_section", section_of_division(code[:2]) if code else "")
    fields.setdefault("industry_division", code[:2])
    return Enterprise.objects.create(
        uscc=fields.pop("uscc", make_uscc(n)), name=name or f"测试企业{n}", zone=zone, **fields
    )


def make_enterprise_year(enterprise: Enterprise, year: int = 2024, **fields) -> EnterpriseYear:
    defaults = {"above_scale": True, "land_mu": Decimal("50"), "tax": Decimal("1200"), "revenue": Decimal("30000")}
    defaults.update(fields)
    return EnterpriseYear.objects.create(enterprise=enterprise, year=year, **defaults)
