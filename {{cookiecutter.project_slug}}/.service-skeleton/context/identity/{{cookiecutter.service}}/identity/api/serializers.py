from rest_framework import serializers

from identity.domain.users import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH


class UserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class RegisterSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=EMAIL_MAX_LENGTH)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    full_name = serializers.CharField(
        max_length=NAME_MAX_LENGTH, required=False, default="", allow_blank=True
    )


class SignInSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=EMAIL_MAX_LENGTH)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)


class RefreshTokenSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=128)


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the access token lasts.")
    refresh_token = serializers.CharField(
        help_text="Single use: each refresh returns the next one."
    )
