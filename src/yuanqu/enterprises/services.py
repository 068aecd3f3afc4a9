"""Creating and changing enterprises and their yearly figures."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from yuanqu.analytics.industry import IndustryCodeError, parse_industry_code
from yuanqu.core.services import delete_object, original_zone, save_object
from yuanqu.enterprises.models import Enterprise, EnterpriseYear


class UsccError(ValueError):
    """Not a valid unified social credit code; carries the reason in Chinese and English."""

    def __init__(self, reason_zh: str, reason_en: str):
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh = reason_zh
        self.reason_en = reason_en


def clean_uscc(raw: str) -> str:
    """The code in its standard form (18 characters, upper case), or UsccError saying why not."""
    text = unicodedata.normalize("NFKC", str(raw)).strip().upper().replace(" ", "").replace("-", "")
    try:
        return stdnum_uscc.validate(text)
    except InvalidLength:
        raise UsccError("统一社会信用代码应为 18 位", "a unified social credit code has 18 characters") from None
    except InvalidChecksum:
        raise UsccError("统一社会信用代码校验位错误", "the check character of the credit code is wrong") from None
    except (InvalidFormat, InvalidComponent):
        raise UsccError(
            "统一社会信用代码含有不允许的字符或无效的登记管理部门代码",
            "the credit code contains characters or a registration authority code that are not allowed",
        ) from None


def set_industry(enterprise: Enterprise, code: str | None) -> Enterprise:
    """Set the GB/T 4754 code and derive its section and division (blank clears them)."""
    if not code:
        enterprise.industry_code = enterprise.industry_section = enterprise.industry_division = ""
        return enterprise
    parsed = parse_industry_code(code)
    enterprise.industry_code = parsed.code
    enterprise.industry_section = parsed.section
    enterprise.industry_division = parsed.division
    return enterprise


def save_enterprise(*, enterprise: Enterprise, user, industry_code: str | None = None) -> Enterprise:
    """Validate the credit code and industry, and save the enterprise."""
    try:
        enterprise.uscc = clean_uscc(enterprise.uscc)
    except UsccError as exc:
        raise ValidationError({"uscc": str(exc)}) from None
    try:
        set_industry(enterprise, enterprise.industry_code if industry_code is None else industry_code)
    except IndustryCodeError as exc:
        raise ValidationError({"industry_code": str(exc)}) from None
    return save_object(enterprise, user=user, original_zone_id=original_zone(enterprise))


def delete_enterprise(*, enterprise: Enterprise, user) -> None:
    """Delete an enterprise with its land records and yearly figures."""
    delete_object(enterprise, user=user)


def save_enterprise_year(*, enterprise_year: EnterpriseYear, user) -> EnterpriseYear:
    """Validate and save one enterprise's figures for one year."""
    return save_object(enterprise_year, user=user, original_zone_id=original_zone(enterprise_year))


def delete_enterprise_year(*, enterprise_year: EnterpriseYear, user) -> None:
    delete_object(enterprise_year, user=user)
