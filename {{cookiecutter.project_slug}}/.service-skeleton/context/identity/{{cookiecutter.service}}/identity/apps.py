from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"

    def ready(self) -> None:
        # Importing them registers the signing key check and the new-user announcement.
        from identity import checks, signals  # noqa: F401
