"""The human node the open-source viewflow lacks: a task whose screen is one documents service
call, and whose rights come from documents.lifecycle instead of viewflow's own owner and
permission fields (those only record whom the bookkeeping offered the task to)."""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from viewflow.workflow import STATUS, flow

from documents.errors import Forbidden
from documents.lifecycle import Lifecycle
from documents.selectors import can

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class TaskGone(Exception):
    """The task was taken or finished by someone else meanwhile."""


class ServiceView(flow.View):
    """One task kind of the lifecycle. Who may open and complete it is whoever the lifecycle
    lets take its action on the artifact now; a queued task may also be picked up ("Nhận
    việc") by one of them, which tells colleagues it is being handled."""

    # Cancelling, undoing or reviving a task by hand would change the bookkeeping without a
    # step: not offered.
    cancel_view_class = None
    undo_view_class = None
    revive_view_class = None

    def __init__(self, lifecycle: Lifecycle, kind: str, **kwargs):
        from .views.tasks import TaskView

        super().__init__(TaskView.as_view(step=kind), **kwargs)
        self.lifecycle = lifecycle
        self.kind = kind

    @property
    def action(self) -> str:
        return self.lifecycle.tasks()[self.kind].action

    def may_take(self, user, task) -> bool:
        return can(user, self.action, task.process.artifact, getattr(user, "_grants", None))

    def can_assign(self, user, task):
        if task.owner_id or not task.owner_permission:
            return False
        return user is not None and user.is_authenticated and self.may_take(user, task)

    def can_unassign(self, user, task):
        return task.owner_id is not None and task.owner_id == getattr(user, "pk", None)

    def can_execute(self, user, task):
        return user is not None and user.is_authenticated and self.may_take(user, task)

    def can_view(self, user, task):
        if not self.flow_class.instance.has_view_permission(user, task.process.coerced):
            raise Http404
        return True

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            guarded_task_view(self, self.view),
            name="execute",
        )

    @property
    def assign_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/assign/",
            guarded_task_view(self, self.assign_view, claim_only=True),
            name="assign",
        )


def guarded_task_view(flow_task: ServiceView, origin_view, claim_only: bool = False):
    """A task screen: 404 unless the document is visible; a message, not an error page, when
    the task was finished meanwhile; 403 for someone who may not take it. A POST runs in one
    transaction; the service it calls locks the document and, through the bookkeeping, the
    process, in that order, like every other step."""

    def view(request, *args, **kwargs):
        process_pk, task_pk = kwargs["process_pk"], kwargs["task_pk"]

        def call():
            task_class = flow_task.flow_class.task_class
            task = (
                task_class._default_manager.select_related("process")
                .filter(pk=task_pk, process_id=process_pk)
                .first()
            )
            if task is None or task.flow_task != flow_task:
                raise Http404
            flow_task.can_view(request.user, task)
            if task.status not in OPEN:
                raise TaskGone
            if not flow_task.can_execute(request.user, task):
                if task.owner_id and task.owner_id != request.user.pk:
                    raise TaskGone
                raise Forbidden(subject=task.process.coerced.artifact)
            activation = flow_task.activation_class(task)
            request.activation = activation
            if claim_only:
                if request.method == "POST" and flow_task.can_assign(request.user, task):
                    with flow_task.flow_class.lock(process_pk):
                        activation.assign(request.user)
                    messages.success(request, _("Bạn đã nhận việc này."))
                return redirect(flow_task.reverse("execute", args=[process_pk, task_pk]))
            return origin_view(request, *args, **kwargs)

        try:
            if request.method == "POST":
                with transaction.atomic():
                    return call()
            return call()
        except TaskGone:
            messages.error(
                request,
                _("Việc này đã được người khác nhận hoặc xử lý xong; không cần làm lại."),
            )
            return redirect("/")

    update_wrapper(view, origin_view)
    return view
