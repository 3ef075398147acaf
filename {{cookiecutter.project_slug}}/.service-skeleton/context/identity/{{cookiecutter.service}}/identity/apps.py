from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"

    def ready(self) -> None:
        # Importing it registers the deployment check of the signing key.
        from identity import checks  # noqa: F401
