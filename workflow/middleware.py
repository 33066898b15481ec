"""Request plumbing for the UI: the signed-in rule, the asker's org-chart grants computed once
per request, Vietnamese first, and service errors turned into a message instead of an error
page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import page_not_found, permission_denied
from django_fsm import ConcurrentTransition
from django_fsm import TransitionNotAllowed as FSMTransitionNotAllowed
from viewflow.fsm import TransitionNotAllowed as FlowTransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed

from documents.errors import Conflict, Forbidden, InvalidInput, NotFound
from documents.refusals import record_refusal
from orgchart.selectors import Grants, grants_of

#: Prefix of the pseudo-permissions that put a task in a queue: ``orgchart.role_clerk`` on an
#: organisation means "the clerks of that organisation".
ROLE_PERMISSION = "orgchart.role_{role}"


def role_permission(role: str) -> str:
    return ROLE_PERMISSION.format(role=role)


def request_grants(request) -> Grants:
    """The asker's roles, two queries the first time a request needs them."""
    grants = getattr(request, "_grants", None)
    if grants is None:
        grants = request._grants = grants_of(request.user)
    return grants


class VietnameseFirstMiddleware:
    """The UI speaks Vietnamese unless the user picked English (the language cookie): the
    browser's Accept-Language is not asked, so an English-configured browser at a ward office
    still gets the Vietnamese screens. Placed before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


#: Paths that handle their own authentication or need none (the admin's, ADMIN_PATH, too).
PUBLIC_PATHS = ("/api/", "/static/", "/media/", "/accounts/", "/i18n/", "/jsi18n/")


class SignInRequiredMiddleware:
    """Deny by default: every page of the UI needs a signed-in person (the API, the admin and
    the sign-in pages see to their own).

    It used to fill viewflow's ``_viewflow_per_object_perm_cache`` as well, so that
    viewflow's ``user_queue`` would not read every guardian row of the person. Nothing on
    these pages calls ``user_queue`` any more: Hộp việc's lists and badges come from
    documents.selectors (``workflow.views.lists``, ``InboxApp.get_context_data``), the task
    screens ask the lifecycle (``nodes.ServiceView``) and never look for a "next task", and
    the flows' own queue pages are not routed. tests/workflow/test_sharing_ui.py checks that
    a person holding many guardian rows gets no guardian query from viewflow on them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = request.path.startswith(PUBLIC_PATHS) or request.path.startswith(
            f"/{settings.ADMIN_PATH}"
        )
        if not public and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


CONCURRENT_MESSAGE = gettext_lazy(
    "Việc này vừa được người khác xử lý hoặc văn bản đã chuyển bước; trang đã được tải lại."
)


class ServiceErrorMiddleware:
    """Not visible → 404; a step that lost a race or no longer fits the state → a clear
    Vietnamese message and back to where the user was, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound | Forbidden):
            record_refusal(request, exception)
        if isinstance(exception, NotFound):
            return page_not_found(request, Http404())
        if isinstance(exception, Forbidden):
            return permission_denied(request, PermissionDenied())
        if isinstance(
            exception,
            Conflict
            | ConcurrentTransition
            | FSMTransitionNotAllowed
            | FlowTransitionNotAllowed
            | FlowLockFailed,
        ):
            messages.error(request, CONCURRENT_MESSAGE)
            return redirect(back_url(request))
        if isinstance(exception, OperationalError) and "locked" in str(exception):
            messages.error(request, _("Hệ thống đang bận; vui lòng thử lại sau giây lát."))
            return redirect(back_url(request))
        if isinstance(exception, InvalidInput):
            for field_messages in exception.errors.values():
                for message in field_messages:
                    messages.error(request, message)
            return redirect(back_url(request))
        return None


def back_url(request, default: str = "/") -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return default
