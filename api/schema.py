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
