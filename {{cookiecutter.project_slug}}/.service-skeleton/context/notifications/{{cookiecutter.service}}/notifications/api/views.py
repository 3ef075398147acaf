"""Notification endpoints: the caller's own notifications only; anyone else's is a 404."""

from uuid import UUID

from drf_yasg.utils import swagger_auto_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from notifications.api.serializers import NotificationSerializer
from notifications.application import notifications
from notifications.infrastructure.repositories import DjangoNotificationReader


class NotificationListView(generics.GenericAPIView):
    serializer_class = NotificationSerializer

    @swagger_auto_schema(operation_summary="List my notifications, newest first")
    def get(self, request: Request) -> Response:
        query = notifications.FindNotifications(request.user.id)
        page = self.paginate_queryset(
            notifications.handle_find_notifications(query, DjangoNotificationReader())
        )
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationDetailView(generics.GenericAPIView):
    serializer_class = NotificationSerializer

    @swagger_auto_schema(operation_summary="Get one of my notifications")
    def get(self, request: Request, notification_id: UUID) -> Response:
        query = notifications.GetNotification(request.user.id, notification_id)
        notification = notifications.handle_get_notification(query, DjangoNotificationReader())
        return Response(NotificationSerializer(notification).data)
