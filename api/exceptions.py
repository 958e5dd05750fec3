"""One error shape for every API response that is not a success.

drf-standardized-errors gives `{"type": "validation_error" | "client_error" |
"server_error", "errors": [{"code", "detail", "attr"}]}`; `attr` names the field for a
validation error. Messages follow the request's Accept-Language (LocaleMiddleware).
The services raise Django's ValidationError: here it becomes a 400 with the same
field names and codes, so the API needs no copy of their rules.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

#: The words for a database that cannot be reached (the site's 503 page says them too).
DATABASE_UNAVAILABLE = _("The CRM cannot reach its database just now. Try again in a minute.")

#: Service field names that the API calls differently.
FIELD_NAMES = {NON_FIELD_ERRORS: None}


def _details(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
    details = []
    for error in errors:
        code = error.code or "invalid"
        for message in error.messages:
            details.append(ErrorDetail(message, code=code))
    return details


def drf_validation_error(
    error: DjangoValidationError, *, field_names: dict[str, str] | None = None
) -> exceptions.ValidationError:
    """A Django ValidationError (from a model or a service) as DRF's, field by field."""
    names = {**FIELD_NAMES, **(field_names or {})}
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(error, "error_dict"):
        detail: dict[str, list[ErrorDetail]] = {}
        for field, errors in error.error_dict.items():
            name = names.get(field, field) or non_field
            detail.setdefault(name, []).extend(_details(errors))
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError({non_field: _details(error.error_list)})


class DatabaseUnavailable(exceptions.APIException):
    """The database cannot be reached (restart, lost connection, SQLite busy past its
    timeout): 503, try again, as the pages say."""

    status_code = 503
    default_code = "database_unavailable"
    wait = 30  # Retry-After
    default_detail = DATABASE_UNAVAILABLE


class ApiExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            return drf_validation_error(exc)
        if isinstance(exc, OperationalError | InterfaceError):
            return DatabaseUnavailable()
        return super().convert_known_exceptions(exc)
