from django.urls import path

from chassis.urls import service_urlpatterns

from tests import views

urlpatterns = service_urlpatterns(
    api=[
        path("widgets/", views.WidgetList.as_view()),
        path("widgets/<int:number>/", views.WidgetDetail.as_view()),
        path("failures/<str:kind>/", views.Failure.as_view()),
        path("me/", views.Me.as_view()),
        path("staff-only/", views.StaffOnly.as_view()),
        path("effects/", views.Effects.as_view()),
        path("effects/cached/", views.CachedEffects.as_view()),
        path("effects/page/", views.effects_page),
    ]
)

handler400 = "chassis.problems.bad_request"
handler403 = "chassis.problems.permission_denied"
handler404 = "chassis.problems.page_not_found"
handler500 = "chassis.problems.server_error"
