"""Hộp việc: the open tasks (all of them, and those offered to one of the person's roles),
and the archive of the steps the person took."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import generic

from documents.paging import BoundedPaginator

from ..middleware import request_grants
from . import inbox


class TaskListView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflow/task_list.html"
    title: str | Promise = ""
    kind = "inbox"
    paginate_by = 25
    queued = False
    flow_classes = None  # given by the viewset, unused: both flows are always listed
    viewset = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = request_grants(self.request)
        q = self.request.GET.get("q", "")
        rows = inbox.open_rows(self.request.user, grants, queued=self.queued, q=q)
        page = BoundedPaginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = inbox.attach(list(page.object_list))
        context.update(
            title=self.title,
            kind=self.kind,
            page=page,
            rows=inbox.mark_delegated(rows, self.request.user, grants),
            current={"q": q},
            searchable=True,
        )
        return context


class InboxView(TaskListView):
    title = _("Việc cần xử lý")
    kind = "inbox"


class QueueView(TaskListView):
    title = _("Việc chờ nhận")
    kind = "queue"
    queued = True


class ArchiveView(TaskListView):
    title = _("Việc đã xử lý")
    kind = "archive"

    def get_context_data(self, **kwargs):
        context = super(TaskListView, self).get_context_data(**kwargs)
        grants = request_grants(self.request)
        tasks = inbox.archive_tasks(self.request.user, grants)
        page = BoundedPaginator(tasks, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            title=self.title,
            kind=self.kind,
            page=page,
            rows=inbox.archived(inbox.tasks_of(list(page.object_list))),
            archived=True,  # a step taken is not late any more
        )
        return context
