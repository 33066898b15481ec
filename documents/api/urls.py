from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import sharing, views
from .exceptions import not_found
from .views.interchange import EdxmlImportView
from .views.obligations import ObligationChaseView, ObligationsView
from .views.registers import RegisterView
from .views.search import SearchView
from .views.stepup import OtpView

app_name = "api"

router = SimpleRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("receipts", views.ReceiptViewSet, basename="receipt")

urlpatterns = [
    path("auth/otp/", OtpView.as_view(), name="otp"),
    path("me/", views.MeView.as_view(), name="me"),
    path("edxml/", EdxmlImportView.as_view(), name="edxml-import"),
    path("inbox/", views.InboxView.as_view({"get": "list"}), name="inbox"),
    path("search/", SearchView.as_view({"get": "list"}), name="search"),
    path("registers/", RegisterView.as_view({"get": "list"}), name="registers"),
    path("documents/<int:id>/shares/", sharing.SharesView.as_view(), name="document-shares"),
    path(
        "documents/<int:id>/shares/<str:person>/<str:purpose>/",
        sharing.ShareView.as_view(),
        name="document-share",
    ),
    path("documents/<int:id>/obligations/", ObligationsView.as_view(), name="document-obligations"),
    path(
        "documents/<int:id>/obligations/<int:obligation_id>/chase/",
        ObligationChaseView.as_view(),
        name="document-obligation-chase",
    ),
    path("documents/<int:id>/opinion/", sharing.OpinionView.as_view(), name="document-opinion"),
    *router.urls,
    re_path(r"^[\s\S]*$", not_found),
]
