"""Turn Django's own errors into API answers instead of 500s."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus Django's validation and integrity errors as 400 instead of a 500.

    Deleting an object that others still refer to answers 409 and says how many refer to it.
    """
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, ProtectedError | RestrictedError):
        objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        kinds = sorted({str(obj._meta.verbose_name) for obj in objects})
        return Response(
            {
                "detail": f"仍有 {len(objects)} 条数据（{'、'.join(kinds)}）引用此对象，无法删除 / "
                f"cannot delete: {len(objects)} record(s) still refer to it"
            },
            status=409,
        )
    elif isinstance(exc, IntegrityError):
        return Response({"detail": f"数据冲突 / conflicting data: {exc}"}, status=400)
    return drf_exception_handler(exc, context)
