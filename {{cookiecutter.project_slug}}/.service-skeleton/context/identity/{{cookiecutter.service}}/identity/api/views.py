"""Identity endpoints. Each view parses the request, runs one use case and renders its result.

Registering, signing in, refreshing and the published keys need no token;
/me needs one.
"""

from typing import Any

from django.conf import settings
from drf_yasg.utils import swagger_auto_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chassis.api import valid
from chassis.openapi import problem_response

from identity.api import serializers
from identity.application import accounts, sessions
from identity.infrastructure.passwords import DjangoPasswordPolicy
from identity.infrastructure.repositories import DjangoUserRepository
from identity.infrastructure.tokens import JWTAccessTokenIssuer, SigningKeys
from identity.infrastructure.unit_of_work import DjangoIdentityUnitOfWork

WRONG_CREDENTIALS = problem_response("The credentials are wrong, expired or revoked.")
# What registering answers, whether the address was new or had an account.
REGISTRATION_ACCEPTED = (
    "If this address had no account, it has one now: sign in with it. "
    "If it had one, nothing changed, and its owner has been told by e-mail."
)


class RegisterView(generics.GenericAPIView):
    serializer_class = serializers.RegistrationAcceptedSerializer
    permission_classes = (permissions.AllowAny,)

    @swagger_auto_schema(
        operation_summary="Create an account",
        operation_description=(
            "Answers 202 with the same body whether or not the address has an account, so that "
            "nobody learns who has one: a new address gets its account, and sign-in works with "
            "this password; an address that has one keeps it unchanged, and its owner is told "
            "by e-mail that someone tried to register it."
        ),
        request_body=serializers.RegisterSerializer,
        responses={
            status.HTTP_202_ACCEPTED: serializers.RegistrationAcceptedSerializer,
            status.HTTP_400_BAD_REQUEST: problem_response(
                "The address is not one, the password is too weak, or the name is too long; "
                "`errors` names each field."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = valid(serializers.RegisterSerializer(data=request.data))
        accounts.handle_register(
            accounts.Register(**data), DjangoIdentityUnitOfWork(), DjangoPasswordPolicy()
        )
        return Response({"detail": REGISTRATION_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class SignInView(generics.GenericAPIView):
    serializer_class = serializers.TokenPairSerializer
    permission_classes = (permissions.AllowAny,)

    @swagger_auto_schema(
        operation_summary="Sign in: trade an e-mail address and password for tokens",
        request_body=serializers.SignInSerializer,
        responses={
            status.HTTP_200_OK: serializers.TokenPairSerializer,
            status.HTTP_401_UNAUTHORIZED: WRONG_CREDENTIALS,
            status.HTTP_429_TOO_MANY_REQUESTS: problem_response(
                "Too many tries for this address: try again after Retry-After seconds."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = valid(serializers.SignInSerializer(data=request.data))
        pair = sessions.handle_sign_in(
            sessions.SignIn(**data),
            DjangoIdentityUnitOfWork(),
            DjangoPasswordPolicy(),
            JWTAccessTokenIssuer(),
        )
        return Response(serializers.TokenPairSerializer(pair).data)


class RefreshView(generics.GenericAPIView):
    serializer_class = serializers.TokenPairSerializer
    permission_classes = (permissions.AllowAny,)

    @swagger_auto_schema(
        operation_summary="Trade a refresh token for new tokens",
        request_body=serializers.RefreshTokenSerializer,
        responses={
            status.HTTP_200_OK: serializers.TokenPairSerializer,
            status.HTTP_401_UNAUTHORIZED: WRONG_CREDENTIALS,
        },
    )
    def post(self, request: Request) -> Response:
        data = valid(serializers.RefreshTokenSerializer(data=request.data))
        pair = sessions.handle_refresh(
            sessions.Refresh(**data), DjangoIdentityUnitOfWork(), JWTAccessTokenIssuer()
        )
        return Response(serializers.TokenPairSerializer(pair).data)


class SignOutView(generics.GenericAPIView):
    serializer_class = serializers.RefreshTokenSerializer
    permission_classes = (permissions.AllowAny,)

    @swagger_auto_schema(
        operation_summary="Sign out: revoke the refresh token and every one of its sign-in",
        request_body=serializers.RefreshTokenSerializer,
        responses={status.HTTP_204_NO_CONTENT: "Signed out."},
    )
    def post(self, request: Request) -> Response:
        data = valid(serializers.RefreshTokenSerializer(data=request.data))
        sessions.handle_sign_out(sessions.SignOut(**data), DjangoIdentityUnitOfWork())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.GenericAPIView):
    serializer_class = serializers.UserSerializer
    # One account, not a list: no pages (drf-yasg would document a page of them).
    pagination_class = None

    @swagger_auto_schema(
        operation_summary="The account the token belongs to",
        responses={status.HTTP_200_OK: serializers.UserSerializer},
    )
    def get(self, request: Request) -> Response:
        user = accounts.handle_get_user(accounts.GetUser(request.user.id), DjangoUserRepository())
        return Response(serializers.UserSerializer(user).data)


class JWKSView(APIView):
    permission_classes = (permissions.AllowAny,)
    swagger_schema = None

    def get(self, request: Request) -> Response:
        return Response(SigningKeys().jwks())


class OpenIDConfigurationView(APIView):
    permission_classes = (permissions.AllowAny,)
    swagger_schema = None

    def get(self, request: Request) -> Response:
        issuer = settings.JWT_ISSUER
        configuration: dict[str, Any] = {
            "issuer": issuer,
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "token_endpoint": f"{issuer}/tokens/",
            "userinfo_endpoint": f"{issuer}/me/",
            "grant_types_supported": ["password", "refresh_token"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "subject_types_supported": ["public"],
            "response_types_supported": ["token"],
            "claims_supported": ["sub", "email", "name", "roles", "iss", "aud", "exp", "iat"],
        }
        return Response(configuration)
