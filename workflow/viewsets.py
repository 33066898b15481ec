"""The site: Hộp việc (both flows' inbox, queue and archive), Văn bản đi, Văn bản đến and the
org chart, on viewflow's Material frontend. viewflow's own per-flow pages (dashboard, process
and task lists, process detail) are narrowed to what documents.selectors lets the user see."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application, Site
from viewflow.workflow.flow import FlowViewset, WorkflowAppViewset
from viewflow.workflow.flow.views import (
    BulkAssignTasksActionView,
    BulkUnassignTasksActionView,
    DashboardProcessListView,
    DashboardTaskListView,
)
from viewflow.workflow.flow.viewset import NestedFlowsApp
from viewflow.workflow.models import Task

from accounts import views as sign_ins
from documents.choices import Direction
from documents.errors import NotFound
from documents.selectors.audit_log import may_audit
from documents.selectors.registers import readable_books, reads_registers
from orgchart.models import RoleCode

from .flows import IncomingFlow, OutgoingFlow
from .middleware import request_grants
from .views import (
    account,
    audit_log,
    delegations,
    desk,
    documents,
    inbox,
    lists,
    paper,
    receipts,
    receiving,
    registers,
    reports,
    rollup,
    search,
    sharing,
    versions,
)

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


#: The largest id a database key holds; a longer number in a URL names nothing.
MAX_ID = 2**63 - 1


def visible_process(request, flow_class, process_pk: int, task_pk: int | None = None):
    """The flow's process (and its task), when the user may see it; otherwise NotFound, as
    for every other page of a document (design §15.1: not visible → 404), the object in hand
    so that the refusal is on record."""
    if process_pk > MAX_ID or (task_pk is not None and task_pk > MAX_ID):
        raise NotFound()
    process = flow_class.process_class._default_manager.filter(
        pk=process_pk, flow_class=flow_class
    ).first()
    if process is None:
        raise NotFound()
    process = process.coerced
    if not flow_class.instance.has_view_permission(request.user, obj=process):
        raise NotFound(subject=process.artifact)
    if task_pk is not None and not Task.objects.filter(pk=task_pk, process=process).exists():
        raise NotFound()
    return process


#: The pages of viewflow a person reaches from the site: a task's screen, taking a task from
#: the queue, and the flow's index (it sends them to Hộp việc). The others (process and task
#: lists, a process's detail and chart, a task's detail, undo, cancel) are the engine's, for
#: administrators only (``is_administrator``); anyone else gets 404, as for a page that is
#: not there.
PERSON_PAGES = frozenset({"execute", "assign"})


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.is_staff))


def _guarded(view, flow_class, name: str | None = None):
    """Every page under a process (its detail, chart, task pages and actions) first finds
    the process visible; what the person may do there is the page's own check."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        # Visibility first, so a hidden document's refusal is on record whatever the page.
        if "process_pk" in kwargs:
            visible_process(request, flow_class, kwargs["process_pk"], kwargs.get("task_pk"))
        technical = name not in PERSON_PAGES and not (name == "index" and not kwargs)
        if technical and not is_administrator(request.user):
            raise NotFound()
        return view(request, *args, **kwargs)

    return guarded


def _guard_patterns(patterns: list, flow_class) -> list:
    """Wrap every view in place (viewflow's resolvers carry extras a copy would lose)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _guard_patterns(pattern.url_patterns, flow_class)
        elif isinstance(pattern, URLPattern):
            pattern.callback = _guarded(pattern.callback, flow_class, pattern.name)
    return patterns


class VisibleFlowViewset(FlowViewset):
    process_list_view_class = VisibleProcessListView
    task_list_view_class = VisibleTaskListView

    def _get_urls(self):
        return _guard_patterns(super()._get_urls(), self._flow_class)

    @property
    def index_path(self):
        # viewflow's kanban dashboard lists every process; the task lists are the way in.
        return path("", RedirectView.as_view(url="/workflow/inbox/"), name="index")


class VisibleBulkMixin:
    """Bulk assign/unassign: the confirmation lists, and the action touches, only tasks the
    person sees; ids that are not ids are no tasks (not a server error)."""

    request: Any

    def get_queryset(self):
        pks = [p for p in self.request.POST.getlist("pk") if p.isdigit() and int(p) <= MAX_ID]
        tasks = inbox.human_tasks().filter(
            inbox.visible_task_q(self.request.user, request_grants(self.request))
        )
        if not self.request.POST.get("select_all"):
            tasks = tasks.filter(pk__in=pks)
        self.object_list = tasks
        return tasks


class VisibleBulkAssignView(VisibleBulkMixin, BulkAssignTasksActionView):
    pass


class VisibleBulkUnassignView(VisibleBulkMixin, BulkUnassignTasksActionView):
    pass


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
    tasks_assign_view_class = VisibleBulkAssignView
    tasks_unassign_view_class = VisibleBulkUnassignView
    queue_view_class = lists.QueueView
    archive_view_class = lists.ArchiveView

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for child in self._children:
            if isinstance(child, NestedFlowsApp):
                # The task screens live under viewflow's app of the flows: their sidebar is
                # Hộp việc's, not a list of the flows' technical pages.
                child.title = self.title
                child.menu_template_name = self.menu_template_name
                child.get_context_data = self.get_context_data

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

    def get_context_data(self, request):
        # The menu offers drafting only to whom the draft form lets in, the register and the
        # overdue list to whom they concern (from the grants in hand: no query).
        grants = request_grants(request)
        return {
            "may_draft": documents.may_draft(request),
            "menu_registers": reads_registers(grants),
            "menu_overdue": bool(grants.orgs_with(RoleCode.CLERK)),
        }

    create_path = path("soan-thao/", documents.DraftCreateView.as_view(), name="create")
    detail_path = path("<int:pk>/", documents.DocumentDetailView.as_view(), name="detail")
    pdf_path = path("<int:pk>/pdf/", documents.DocumentPdfView.as_view(), name="pdf")
    version_path = path(
        "<int:pk>/phien-ban/<int:number>/", versions.VersionView.as_view(), name="version"
    )
    share_path = path("<int:pk>/chia-se/", sharing.ShareView.as_view(), name="share")
    unshare_path = path("<int:pk>/thoi-chia-se/", sharing.UnshareView.as_view(), name="unshare")
    opinion_path = path("<int:pk>/cho-y-kien/", sharing.OpinionView.as_view(), name="opinion")
    recall_path = path("<int:pk>/thu-hoi/", account.RecallView.as_view(), name="recall")
    withdraw_path = path("<int:pk>/huy-du-thao/", account.WithdrawView.as_view(), name="withdraw")
    chase_path = path("<int:pk>/don-doc/", receipts.ChaseView.as_view(), name="chase")
    register_path = path("so-dang-ky/", registers.RegisterView.as_view(), name="register")
    overdue_path = path("qua-han/", desk.OverdueListView.as_view(), name="overdue")
    receipts_xlsx_path = path(
        "<int:pk>/theo-doi.xlsx", receipts.ReceiptExportView.as_view(), name="receipts-xlsx"
    )
    rollup_path = path("<int:pk>/theo-doi-thuc-hien/", rollup.RollupView.as_view(), name="rollup")
    rollup_xlsx_path = path(
        "<int:pk>/theo-doi-thuc-hien.xlsx", rollup.RollupExportView.as_view(), name="rollup-xlsx"
    )
    rollup_chase_path = path(
        "<int:pk>/theo-doi-thuc-hien/<int:obligation>/don-doc/",
        rollup.ChaseOwingView.as_view(),
        name="rollup-chase",
    )
    rollup_compile_path = path(
        "<int:pk>/theo-doi-thuc-hien/<int:obligation>/tong-hop/",
        rollup.CompileView.as_view(),
        name="rollup-compile",
    )


class IncomingApp(SignedInMixin, Application):
    app_name = "incoming"
    title = _("Văn bản đến")
    icon = "move_to_inbox"
    menu_template_name = "workflow/menu_incoming.html"

    index_path = path("", documents.IncomingListView.as_view(), name="index")

    def get_context_data(self, request):
        return {
            "menu_registers": reads_registers(request_grants(request)),
            "menu_paper": paper.may_register_paper(request),
        }

    paper_path = path("vao-so/", paper.PaperCreateView.as_view(), name="paper")
    copy_path = path("ban/<int:pk>/", paper.CopyView.as_view(), name="copy")
    copy_file_path = path(
        "ban/<int:pk>/tep/<int:attachment_id>/", paper.CopyFileView.as_view(), name="copy-file"
    )
    register_path = path(
        "so-dang-ky/",
        registers.RegisterView.as_view(direction=Direction.INCOMING),
        name="register",
    )
    acknowledge_path = path("tiep-nhan/", receiving.AcknowledgeView.as_view(), name="acknowledge")
    progress_path = path("<int:pk>/tien-do/", receiving.HandlingNoteView.as_view(), name="progress")
    contribute_path = path(
        "<int:pk>/phoi-hop/",
        receiving.HandlingNoteView.as_view(kind="contribute"),
        name="contribute",
    )


class OrgChartApp(SignedInMixin, Application):
    app_name = "orgchart"
    title = _("Sơ đồ tổ chức")
    icon = "account_tree"
    menu_template_name = "workflow/menu_orgchart.html"

    index_path = path("", documents.OrgChartView.as_view(), name="index")
    delegations_path = path("uy-quyen/", delegations.DelegationsView.as_view(), name="delegations")
    end_delegation_path = path(
        "uy-quyen/<int:pk>/ket-thuc/",
        delegations.EndDelegationView.as_view(),
        name="end-delegation",
    )


class AuditApp(Application):
    """Nhật ký: the auditors' (and administrators') reading of the audit trail; the menu
    offers it to them only. Anyone else meets 403 (viewflow's middleware asks
    ``has_view_permission``): the page is no object to hide, only one they may not read."""

    app_name = "audit"
    title = _("Nhật ký")
    icon = "fact_check"
    menu_template_name = "workflow/menu_audit.html"

    def has_view_permission(self, user, obj=None):
        return bool(user.is_authenticated and may_audit(user))

    index_path = path("", audit_log.AuditLogView.as_view(), name="index")
    security_path = path("an-ninh/", audit_log.AuditLogView.as_view(security=True), name="security")
    verify_path = path("kiem-tra/", audit_log.VerifyView.as_view(), name="verify")


class ReportsApp(Application):
    """Báo cáo: in the menu of those who may read an organisation's registers, whose
    figures the reports are; the page itself asks the same rule (403 otherwise)."""

    app_name = "reports"
    title = _("Báo cáo")
    icon = "insights"
    menu_template_name = "workflow/menu_reports.html"
    # The page loads Chart.js in its head: a full load, not Turbo's swap of the body.
    turbo_disabled = True

    def has_view_permission(self, user, obj=None):
        return bool(user.is_authenticated and readable_books(user))

    index_path = path("", reports.ReportView.as_view(), name="index")
    export_path = path("bao-cao.xlsx", reports.ReportExportView.as_view(), name="export")


class AccountApp(SignedInMixin, Application):
    """The person's own account: sessions and tokens (reached from the user menu,
    workflow/page.html) and the two-step verification."""

    app_name = "account"
    title = _("Tài khoản")
    icon = "manage_accounts"
    menu_template_name = "workflow/menu_account.html"

    index_path = path("", sign_ins.AccountView.as_view(), name="index")
    end_session_path = path(
        "phien/<str:id>/ket-thuc/", sign_ins.EndSessionView.as_view(), name="end-session"
    )
    revoke_token_path = path(
        "ma-truy-cap/<str:id>/thu-hoi/", sign_ins.RevokeTokenView.as_view(), name="revoke-token"
    )
    otp_path = path("xac-thuc-hai-buoc/", account.OtpEnrolView.as_view(), name="otp")
    notifications_path = path(
        "thong-bao/", desk.NotificationListView.as_view(), name="notifications"
    )
    notification_read_path = path(
        "thong-bao/<int:pk>/da-doc/", desk.MarkReadView.as_view(), name="notification-read"
    )
    notifications_read_all_path = path(
        "thong-bao/da-doc/", desk.MarkReadView.as_view(), name="notifications-read-all"
    )


class SearchApp(SignedInMixin, Application):
    """Tìm kiếm, reached from the search box of the top bar (workflow/_search_box.html)."""

    app_name = "search"
    title = _("Tìm kiếm")
    icon = "search"
    menu_template_name = "workflow/menu_search.html"

    index_path = path("", search.SearchView.as_view(), name="index")


class VanBanSite(Site):
    title = _("Văn bản MTTQ")
    # The theme's colours are in static/workflow/theme.css (no inline <style> under the CSP).

    def has_view_permission(self, user, obj=None):
        return True

    def menu_items(self):
        # The account is in the user menu and search in the top bar, not in the side menu.
        hidden = (AccountApp, SearchApp)
        return (app for app in super().menu_items() if not isinstance(app, hidden))


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
        ReportsApp(),
        AuditApp(),
        AccountApp(),
        SearchApp(),
    ]
)
