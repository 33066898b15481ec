from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from workflow.api import notification_urls, overdue_urls

urlpatterns = [
    # ADMIN_PATH: an address of the deployment's own (a deploy check warns on the default).
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/v1/auth/", include("accounts.urls")),
    path("api/v1/notifications/", include(notification_urls)),
    path("api/v1/overdue/", include(overdue_urls)),
    path("api/v1/", include("documents.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start script as a file (?script), not inline, so the
    # page runs under the CSP's script-src 'self'.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The UI (viewflow site, login, language) owns the root; the admin and /api/ stay above.
    path("", include("workflow.urls")),
]
