"""Hộp việc: the unified inbox, queue and archive across both flows."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from django.views import generic

from ..middleware import request_grants
from . import common


class TaskListView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflow/task_list.html"
    title = ""
    kind = "inbox"
    paginate_by = 25
    flow_classes = None  # given by the viewset, unused: both flows are always listed
    viewset = None

    def tasks(self, user, grants):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = request_grants(self.request)
        queryset = (
            self.tasks(self.request.user, grants)
            .select_related("process")
            .order_by("-created", "-pk")
        )
        page = Paginator(queryset, self.paginate_by).get_page(self.request.GET.get("page"))
        tasks = common.attach_artifacts(list(page.object_list))
        context.update(title=self.title, kind=self.kind, page=page, tasks=tasks)
        return context


class InboxView(TaskListView):
    title = _("Việc cần xử lý")
    kind = "inbox"

    def tasks(self, user, grants):
        return common.inbox_tasks(user, grants)


class QueueView(TaskListView):
    title = _("Việc chờ nhận")
    kind = "queue"

    def tasks(self, user, grants):
        return common.queue_tasks(user, grants)


class ArchiveView(TaskListView):
    title = _("Việc đã xử lý")
    kind = "archive"

    def tasks(self, user, grants):
        return common.archive_tasks(user, grants)
