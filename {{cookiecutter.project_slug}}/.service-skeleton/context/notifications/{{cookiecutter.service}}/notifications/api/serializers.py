from rest_framework import serializers

from notifications.domain.notifications import Channel, DeliveryStatus


class NotificationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    channel = serializers.ChoiceField(choices=[channel.value for channel in Channel])
    address = serializers.CharField()
    template = serializers.CharField(source="message.template")
    subject = serializers.CharField(source="message.subject")
    body = serializers.CharField(source="message.body")
    status = serializers.ChoiceField(choices=[status.value for status in DeliveryStatus])
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
