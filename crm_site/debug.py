"""What Django's DEBUG error page may show: database URLs without their passwords."""

import re

from django.views.debug import SafeExceptionReporterFilter

# scheme://user:password@host... — the password part is replaced.
_URL_WITH_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.\-]*://[^:/@\s]*:)[^@\s]+(?=@)", re.I)


def mask_url_passwords(value: str) -> str:
    return _URL_WITH_PASSWORD.sub(
        lambda m: m.group("head") + SafeExceptionReporterFilter.cleansed_substitute, value
    )


class CredentialsMaskingFilter(SafeExceptionReporterFilter):
    """Django's filter (keys like PASSWORD/SECRET/KEY) plus any setting, environment or
    request.META value holding a URL with a password (DATABASE_URL and the like)."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL", flags=re.I
    )

    def cleanse_setting(self, key, value):
        # Also used for each request.META item, so the environment is covered too.
        value = super().cleanse_setting(key, value)
        if type(value) is str:  # not lazy strings
            return mask_url_passwords(value)
        return value
