from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView

from documents.api.schema import SchemaView
from workflow.api import notification_urls, overdue_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/auth/", include("accounts.urls")),
    path("api/v1/notifications/", include(notification_urls)),
    path("api/v1/overdue/", include(overdue_urls)),
    path("api/v1/", include("documents.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # The UI (viewflow site, login, language) owns the root; /admin/ and /api/ stay above.
    path("", include("workflow.urls")),
]
