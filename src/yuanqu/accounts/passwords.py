"""Password rules the platform adds to Django's own validators."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, its message in the platform's catalogue: Django 5.2 renamed the message's
    placeholder, and its Chinese catalogue still has the old one, so a too-short password was refused in English
    on a Chinese page."""

    def get_error_message(self) -> str:
        return gettext("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return gettext("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
