"""A deployment check: identity cannot sign tokens without a key, so `check --deploy` says so."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from identity.infrastructure.tokens import load_signing_key


@register(deploy=True)
def signing_key_is_usable(app_configs: object, **kwargs: object) -> list[Error]:
    if not settings.IDENTITY_SIGNING_KEY or not settings.IDENTITY_SIGNING_KEY_ID:
        return [
            Error(
                "IDENTITY_SIGNING_KEY and IDENTITY_SIGNING_KEY_ID are not set.",
                hint="make setup writes them into .env.",
                id="identity.E001",
            )
        ]
    try:
        load_signing_key(settings.IDENTITY_SIGNING_KEY)
    except ImproperlyConfigured as error:
        return [Error(str(error), id="identity.E002")]
    return []
