from django.urls import path

from notifications.api import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/<uuid:notification_id>/",
        views.NotificationDetailView.as_view(),
        name="notification-detail",
    ),
]
