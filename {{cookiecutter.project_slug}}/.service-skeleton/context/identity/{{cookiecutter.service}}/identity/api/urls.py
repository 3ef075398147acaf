from django.urls import path

from identity.api import views

urlpatterns = [
    path("accounts/", views.RegisterView.as_view(), name="register"),
    path("tokens/", views.SignInView.as_view(), name="sign-in"),
    path("tokens/refresh/", views.RefreshView.as_view(), name="refresh"),
    path("tokens/revoke/", views.SignOutView.as_view(), name="sign-out"),
    path("me/", views.MeView.as_view(), name="me"),
    path(".well-known/jwks.json", views.JWKSView.as_view(), name="jwks"),
    path(
        ".well-known/openid-configuration",
        views.OpenIDConfigurationView.as_view(),
        name="openid-configuration",
    ),
]
