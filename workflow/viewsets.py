"""The site: Hộp việc (both flows' inbox, queue and archive), Văn bản đi, Văn bản đến and the
org chart, on viewflow's Material frontend. viewflow's own per-flow pages (dashboard, process
and task lists, process detail) are narrowed to what documents.selectors lets the user see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404
from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application, Site
from viewflow.workflow.flow import FlowViewset, WorkflowAppViewset
from viewflow.workflow.flow.views import (
    DashboardProcessListView,
    DashboardTaskListView,
    DetailProcessView,
)

from .flows import IncomingFlow, OutgoingFlow
from .middleware import request_grants
from .views import documents, inbox, lists, sharing

_Method = TypeVar("_Method", bound=Callable[..., Any])


def column(label: str | Promise) -> Callable[[_Method], _Method]:
    """Head a list view's column method with ``label`` (viewflow reads ``short_description``,
    as Django's admin does)."""

    def head(method: _Method) -> _Method:
        method.short_description = label  # type: ignore[attr-defined]  # a function attribute
        return method

    return head


class VisibleProcessListView(DashboardProcessListView):
    columns = ("process_id", "process_title", "created", "finished", "active_tasks")

    @column(_("Quy trình"))
    def process_title(self, process):
        return process.flow_class.process_title

    @column(_("Số"))
    def process_id(self, process):
        return super().process_id(process)

    @column(_("Việc đang mở"))
    def active_tasks(self, process):
        return process.active_tasks_count

    def get_queryset(self):
        grants = request_grants(self.request)
        return (
            super()
            .get_queryset()
            .filter(
                pk__in=inbox.human_tasks()
                .filter(inbox.visible_task_q(self.request.user, grants))
                .values("process_id")
            )
            .order_by("-created")
        )


class VisibleTaskListView(DashboardTaskListView):
    columns = ("task_id", "task_title", "created", "owner")

    @column(_("Việc"))
    def task_title(self, task):
        return task.flow_task.task_title or task.flow_task.name

    def get_queryset(self):
        grants = request_grants(self.request)
        return super().get_queryset().filter(inbox.visible_task_q(self.request.user, grants))


class VisibleProcessDetailView(DetailProcessView):
    """Not visible → 404, as for every other page of a document."""

    def dispatch(self, request, *args, **kwargs):
        process = self.get_object()
        if not self.flow_class.instance.has_view_permission(request.user, obj=process.coerced):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class VisibleFlowViewset(FlowViewset):
    process_list_view_class = VisibleProcessListView
    task_list_view_class = VisibleTaskListView
    process_detail_view_class = VisibleProcessDetailView

    @property
    def index_path(self):
        # viewflow's kanban dashboard lists every process; the task lists are the way in.
        return path("", RedirectView.as_view(url="/workflow/inbox/"), name="index")


class SignedInMixin:
    """Every application is open to anyone signed in; what each person sees inside is
    decided per object by documents.selectors."""

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated


class InboxApp(SignedInMixin, WorkflowAppViewset):
    title = _("Hộp việc")
    icon = "inbox"
    menu_template_name = "workflow/menu_inbox.html"
    inbox_view_class = lists.InboxView
    queue_view_class = lists.QueueView
    archive_view_class = lists.ArchiveView

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name="workflow:inbox"), name="index")

    def get_context_data(self, request):
        # The menu badges: two COUNTs, whatever the number of tasks or guardian rows.
        grants = request_grants(request)
        return {
            "user_inbox": inbox.open_rows(request.user, grants),
            "user_queue": inbox.open_rows(request.user, grants, queued=True),
        }


class OutgoingApp(SignedInMixin, Application):
    app_name = "outgoing"
    title = _("Văn bản đi")
    icon = "outbox"
    menu_template_name = "workflow/menu_outgoing.html"

    index_path = path("", documents.OutgoingListView.as_view(), name="index")
    create_path = path("soan-thao/", documents.DraftCreateView.as_view(), name="create")
    detail_path = path("<int:pk>/", documents.DocumentDetailView.as_view(), name="detail")
    pdf_path = path("<int:pk>/pdf/", documents.DocumentPdfView.as_view(), name="pdf")
    share_path = path("<int:pk>/chia-se/", sharing.ShareView.as_view(), name="share")
    unshare_path = path("<int:pk>/thoi-chia-se/", sharing.UnshareView.as_view(), name="unshare")
    opinion_path = path("<int:pk>/cho-y-kien/", sharing.OpinionView.as_view(), name="opinion")


class IncomingApp(SignedInMixin, Application):
    app_name = "incoming"
    title = _("Văn bản đến")
    icon = "move_to_inbox"
    menu_template_name = "workflow/menu_incoming.html"

    index_path = path("", documents.IncomingListView.as_view(), name="index")


class OrgChartApp(SignedInMixin, Application):
    app_name = "orgchart"
    title = _("Sơ đồ tổ chức")
    icon = "account_tree"
    menu_template_name = "workflow/menu_orgchart.html"

    index_path = path("", documents.OrgChartView.as_view(), name="index")


class VanBanSite(Site):
    title = _("Văn bản MTTQ")
    primary_color = "#b71c1c"
    secondary_color = "#f9a825"

    def has_view_permission(self, user, obj=None):
        return True


site = VanBanSite(
    viewsets=[
        InboxApp(
            flow_viewsets=[
                VisibleFlowViewset(OutgoingFlow, icon="outbox"),
                VisibleFlowViewset(IncomingFlow, icon="move_to_inbox"),
            ]
        ),
        OutgoingApp(),
        IncomingApp(),
        OrgChartApp(),
    ]
)
