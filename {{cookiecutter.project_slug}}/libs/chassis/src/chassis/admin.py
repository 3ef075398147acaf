"""Admin pages for looking, not changing.

Changes go through a service's API, where its domain rules apply (and caches
are invalidated, events published); the admin is where people inspect state.
It is served to operators alone: the gateway routes it on its operators' port.
"""

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


if apps.is_installed("django_q"):
    from django_q.admin import ScheduleAdmin
    from django_q.models import Schedule

    class DeclaredScheduleAdmin(ScheduleAdmin):
        """Django Q's schedules, each as the service declares it (``<app>/schedules.py``): an
        operator changes when it runs, or pauses it, but not what it runs. Django Q's own admin
        would run any dotted function with any arguments, the same as a shell on the server."""

        readonly_fields = (
            *ScheduleAdmin.__dict__.get("readonly_fields", ()),
            "func",
            "hook",
            "args",
            "kwargs",
            "cluster",
            "intended_date_kwarg",
        )

        def has_add_permission(self, request: HttpRequest) -> bool:
            # Every release makes the declared ones exist (chassis.schedules.install_schedules).
            return False

    admin.site.unregister(Schedule)
    admin.site.register(Schedule, DeclaredScheduleAdmin)
