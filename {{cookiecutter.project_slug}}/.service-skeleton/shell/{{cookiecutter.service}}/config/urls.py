"""The service's URLs: its API under /api/<name>/ (see chassis.urls)."""

from chassis.urls import service_urlpatterns

urlpatterns = service_urlpatterns()

handler400 = "chassis.problems.bad_request"
handler403 = "chassis.problems.permission_denied"
handler404 = "chassis.problems.page_not_found"
handler500 = "chassis.problems.server_error"
