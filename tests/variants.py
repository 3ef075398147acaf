"""The answer sets the suite bakes, in the manner of cookiecutter-django's matrix:
the defaults, each answer changed alone, and the combinations that interact."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_SERVICES = ("identity", "catalog", "orders", "notifications")


@dataclass(frozen=True)
class Variant:
    id: str
    answers: dict[str, str] = field(default_factory=dict)
    # Representative bakes also run every service's own checks and tests (the default bake
    # runs them, and the chassis's, through its own `make test`: test_generated_project).
    run_service_suites: bool = False

    @property
    def services(self) -> list[str]:
        services = self.answers.get("services", ",".join(DEFAULT_SERVICES))
        return [name.strip() for name in services.split(",")]


VARIANTS = [
    Variant("default"),
    # One answer at a time.
    Variant("project-name", {"project_name": "Northwind Traders 2.0"}),
    Variant("longest-project-name", {"project_name": "N" * 30 + " " + "T" * 29, "project_slug": "northwind"}),
    Variant("custom-slug", {"project_slug": "nw"}),
    Variant("description", {"description": "Orders, stock and mail for Northwind & friends."}),
    Variant(
        "author-email-domain",
        {"author_name": "Jane Roe", "email": "jane@northwind.test", "domain_name": "api.northwind.test"},
    ),
    Variant("version", {"version": "2.3.4"}),
    Variant("python-3.13", {"python_version": "3.13"}),
    Variant("python-3.11", {"python_version": "3.11"}),
    Variant("license-bsd", {"license": "BSD-3-Clause"}),
    Variant("license-apache", {"license": "Apache-2.0"}),
    Variant("license-proprietary", {"license": "Proprietary"}),
    # The services answer, which shapes most of the project.
    Variant("single-custom-service", {"services": "identity,inventory"}, run_service_suites=True),
    Variant("smallest", {"services": "ab", "auth_provider": "keycloak"}, run_service_suites=True),
    Variant("longest-name", {"services": "identity,abcdefghijklmnopqrstuvwx"}),
    Variant("catalog-orders", {"services": "identity,catalog,orders"}),
    Variant("samples-and-custom", {"services": "identity, catalog,orders ,notifications,inventory,billing"}),
    # The task queues, alone and together: what runs the e-mail, the reports and the expiry.
    Variant("no-celery", {"use_celery": "no"}),
    Variant("no-django-q", {"use_django_q": "no"}),
    Variant("no-task-queues", {"use_celery": "no", "use_django_q": "no"}, run_service_suites=True),
    Variant("no-kubernetes", {"use_kubernetes": "no"}),
    # Where to see the system: without the stack, Compose and the overlays carry none of it.
    Variant("no-observability", {"observability": "no"}),
    Variant("gitlab", {"ci_tool": "gitlab"}),
    Variant("gitlab-without-kubernetes", {"ci_tool": "gitlab", "use_kubernetes": "no"}),
    Variant("no-ci", {"ci_tool": "none"}),
    # The frontend, with each token issuer and each pipeline.
    Variant("react", {"frontend": "react"}),
    Variant(
        "react-keycloak",
        {"frontend": "react", "auth_provider": "keycloak", "services": "catalog,orders,notifications"},
    ),
    Variant("react-gitlab-without-kubernetes", {"frontend": "react", "ci_tool": "gitlab", "use_kubernetes": "no"}),
    # The token issuer, and what it changes with the services around it.
    Variant(
        "keycloak", {"auth_provider": "keycloak", "services": "catalog,orders,notifications"}, run_service_suites=True
    ),
]

# Answer sets the pre-generation hook must refuse, with a fragment of its message.
INVALID_ANSWERS = [
    ({"project_slug": "Bad-Slug"}, "project_slug: 'Bad-Slug' is not valid"),
    ({"project_slug": "9lives"}, "project_slug: '9lives' is not valid"),
    ({"project_slug": "a" * 31}, "use up to 30 lowercase letters"),
    ({"project_name": 'The "Best" Shop'}, "project_name: 'The \"Best\" Shop' is not valid"),
    ({"description": "Uses {braces} and $dollars"}, "description: 'Uses {braces} and $dollars' is not valid"),
    ({"email": "not-an-address"}, "email: 'not-an-address' is not valid"),
    ({"domain_name": "Example.COM"}, "domain_name: 'Example.COM' is not valid"),
    ({"version": "1.0"}, "version: '1.0' is not valid; use MAJOR.MINOR.PATCH"),
    ({"services": ""}, "services: '' is not valid; name at least one service"),
    ({"services": " , "}, "name at least one service"),
    ({"services": "identity,gateway"}, "'gateway' is reserved"),
    ({"services": "libs"}, "'libs' is reserved"),
    ({"services": "frontend"}, "'frontend' is reserved"),
    ({"services": "test"}, "'test' is reserved"),
    ({"services": "email"}, "'email' is reserved"),
    ({"services": "django"}, "'django' is reserved"),
    ({"services": "class"}, "'class' is reserved"),
    ({"services": "Catalog"}, "'Catalog' must be 2 to 24 lowercase letters and digits"),
    ({"services": "order_history"}, "'order_history' must be 2 to 24 lowercase letters and digits"),
    ({"services": "x"}, "'x' must be 2 to 24 lowercase letters and digits"),
    ({"services": "a" * 25}, "must be 2 to 24 lowercase letters and digits"),
    ({"services": "identity,catalog,catalog"}, "name each service once (catalog repeats)"),
    ({"services": "identity,orders"}, "orders needs catalog in the list too"),
    ({"services": "catalog,orders"}, "auth_provider identity needs the identity service in the list"),
    ({"auth_provider": "keycloak"}, "with auth_provider keycloak, leave identity out"),
    (
        {"frontend": "react", "services": "identity,catalog,orders"},
        "frontend: 'react' is not valid; the React frontend shows the sample shop: add notifications",
    ),
]

# Choices Cookiecutter itself refuses before any hook runs.
INVALID_CHOICES = [
    ({"license": "GPL"}, "GPL provided for choice variable license"),
    ({"python_version": "2.7"}, "2.7 provided for choice variable python_version"),
    ({"use_celery": "maybe"}, "maybe provided for choice variable use_celery"),
    ({"use_django_q": "true"}, "true provided for choice variable use_django_q"),
    ({"frontend": "vue"}, "vue provided for choice variable frontend"),
    ({"observability": "maybe"}, "maybe provided for choice variable observability"),
]
