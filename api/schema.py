"""OpenAPI extensions: how the API's own authentication classes appear in the schema."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import PolymorphicProxySerializer
from drf_standardized_errors import openapi as standardized_openapi
from drf_standardized_errors import openapi_serializers as standardized_serializers
from rest_framework import serializers


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'API token from the API tokens page, sent as "Token <key>".',
        }


class BasicScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Only where the server sets API_BASIC_AUTH=true (off by default).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


# --- the error shape in the schema ----------------------------------------------------


class ValidationErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=_(
            'A short machine-readable code: "required", "invalid", "max_length", '
            '"unknown_field", "null_characters_not_allowed", "unique", or a rule\'s own code.'
        )
    )
    detail = serializers.CharField(
        help_text=_("The message, in the language of the request's Accept-Language.")
    )
    attr = serializers.CharField(
        allow_null=True,
        help_text=_(
            'The field (or query parameter) the error is about; "non_field_errors" '
            "for the whole object."
        ),
    )

    class Meta:
        ref_name = "ValidationErrorItem"


class ValidationErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=(("validation_error", "validation_error"),),
        help_text=_("Always validation_error for a 400 with field errors."),
    )
    errors = ValidationErrorItemSerializer(many=True, help_text=_("One entry per message."))

    class Meta:
        ref_name = "ValidationErrorResponse"


class AutoSchema(standardized_openapi.AutoSchema):
    """drf-standardized-errors' schema with one shared validation-error shape.

    Its default lists, per endpoint, every field and the codes DRF's fields can raise;
    our services raise their own codes on their own fields and any endpoint refuses a
    NUL character in its query, so one honest, shared shape documents every 400.
    """

    def _should_add_validation_error_response(self) -> bool:
        return True

    def _get_http400_serializer(self):
        return PolymorphicProxySerializer(
            component_name="ErrorResponse400",
            serializers={
                "validation_error": ValidationErrorResponseSerializer,
                "client_error": standardized_serializers.ParseErrorResponseSerializer,
            },
            resource_type_field_name="type",
        )


# --- descriptions drf-spectacular leaves out ---------------------------------------------


def _path_parameter_descriptions() -> dict[tuple[str, str], str]:
    """(first path segment after /api/v1/, parameter) -> description."""
    from django.utils.translation import gettext as _

    number = _("may contain /, as every number does")
    return {
        ("contacts", "no"): _("The contact's no. (%(rule)s).") % {"rule": number},
        ("contacts", "code"): _("The business relation code (e.g. CUST, PROSPECT)."),
        ("customers", "no"): _("The customer's no. (%(rule)s).") % {"rule": number},
        ("vendors", "no"): _("The vendor's no. (%(rule)s).") % {"rule": number},
        ("bank-accounts", "no"): _("The bank account's no. (%(rule)s).") % {"rule": number},
        ("opportunities", "no"): _("The opportunity's no. (%(rule)s).") % {"rule": number},
        ("duplicates", "id"): _("The duplicate pair's id (from the list)."),
        ("interactions", "entry_no"): _("The interaction log entry's no."),
        ("interaction-templates", "code"): _("The interaction template's code."),
        ("interaction-groups", "code"): _("The interaction group's code."),
        ("number-series", "code"): _("The number series' code."),
        ("jobs", "id"): _("The job's id (from the list)."),
    }


def _envelope_descriptions() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "results": _("The records of this page."),
        "errors": _("One entry per problem."),
        "detail": _("The message, in the language of the request's Accept-Language."),
        "attr": _("The field the error is about; null for errors about the whole request."),
        "code": _("A short machine-readable code."),
        "type": _("The kind of error."),
        "next": _("The next page's URL (null on the last page)."),
        "previous": _("The previous page's URL (null on the first page)."),
    }


def describe_everything(result, generator, request, public):
    """Postprocessing hook: every path parameter and every property of the error and
    page envelopes gets a description (the serializers describe their own fields)."""
    parameters = _path_parameter_descriptions()
    for path, operations in result.get("paths", {}).items():
        segment = path.removeprefix("/api/v1/").split("/", 1)[0]
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("description"):
                    continue
                text = parameters.get((segment, parameter.get("name")))
                if text:
                    parameter["description"] = text
    envelope = _envelope_descriptions()
    for schema in result.get("components", {}).get("schemas", {}).values():
        for name, prop in (schema.get("properties") or {}).items():
            if not prop.get("description") and name in envelope:
                prop["description"] = envelope[name]
    return result
