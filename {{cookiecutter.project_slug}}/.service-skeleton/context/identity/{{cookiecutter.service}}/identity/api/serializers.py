from rest_framework import serializers

from identity.application.sessions import REFRESH_TOKEN_ALPHABET, REFRESH_TOKEN_LENGTH
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
        max_length=NAME_MAX_LENGTH,
        required=False,
        default="",
        allow_blank=True,
        help_text=f"How messages greet the person; at most {NAME_MAX_LENGTH} characters.",
    )


class RegistrationAcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField(
        help_text="The same whether or not the address had an account: sign in next."
    )


class SignInSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=EMAIL_MAX_LENGTH)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)


class RefreshTokenSerializer(serializers.Serializer):
    # Anything else cannot be one of ours: refused as invalid, not looked up.
    refresh_token = serializers.RegexField(
        REFRESH_TOKEN_ALPHABET, min_length=REFRESH_TOKEN_LENGTH, max_length=REFRESH_TOKEN_LENGTH
    )


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the access token lasts.")
    refresh_token = serializers.CharField(
        help_text="Single use: each refresh returns the next one."
    )
