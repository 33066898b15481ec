"""``/api/v1/auth/``: mounted in config/urls.py before the rest of ``/api/v1/``."""

from django.urls import path

from . import api

app_name = "auth"

urlpatterns = [
    path("token/", api.TokenView.as_view(), name="token"),
    path("logout/", api.LogoutView.as_view(), name="logout"),
    path("tokens/", api.TokenListView.as_view(), name="tokens"),
    path("tokens/<str:id>/", api.TokenDetailView.as_view(), name="token-detail"),
]
