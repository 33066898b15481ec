"""Small node subclasses the open-source viewflow lacks: a human task whose completion is a
documents service call, queued by org-chart role and organisation, and closable when the step
was taken elsewhere (the API, another screen)."""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.timezone import now
from django.utils.translation import gettext as _
from viewflow.utils import is_owner
from viewflow.workflow import STATUS, Activation, flow
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_finished

from .middleware import grant_keys, role_permission

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class TaskGone(Exception):
    """The task was taken or finished by someone else meanwhile."""


class ServiceActivation(ViewActivation):
    @Activation.status.transition(source=list(OPEN), target=STATUS.DONE)
    def complete_elsewhere(self, user=None):
        """The step this task stands for was taken through another door; record who took it
        so it lands in their archive, and move on."""
        if user is not None:
            self.task.owner = user
        self.task.finished = now()
        self.task.save()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


def _user_grant_keys(user) -> frozenset[str]:
    keys = getattr(user, "_viewflow_per_object_perm_cache", None)
    if keys is None:
        from orgchart.selectors import grants_of

        keys = grant_keys(grants_of(user))
    return keys


class ServiceView(flow.View):
    """A human step. ``.Queue(role, organization)`` offers it to everyone holding ``role`` in
    the organisation computed for this very task (not just the process: pitfall 5);
    ``.Assign(callable)`` gives it to one person when that person is known."""

    activation_class = ServiceActivation

    def __init__(self, view, **kwargs):
        super().__init__(view, **kwargs)
        self._queue_role = None
        self._queue_org = None

    def Queue(self, role: str, organization):  # noqa: N802  (viewflow's fluent style)
        self._queue_role = role
        self._queue_org = organization
        self._owner_permission = role_permission(role)
        self._owner_permission_obj = organization
        return self

    def calc_owner(self, activation):
        owner = self._owner
        if callable(owner):
            return owner(activation)
        return None

    def calc_owner_permission_obj(self, activation):
        if self._queue_org is not None:
            return self._queue_org(activation)
        return None

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        if not task.owner_permission:
            return False
        key = f"{task.owner_permission}_{task.owner_permission_obj_pk}"
        return key in _user_grant_keys(user)

    def can_execute(self, user, task):
        return task.owner_id is not None and is_owner(task.owner, user)

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


def claim(request) -> None:
    """Take the task of ``request.activation`` for the requesting user and start it: a queued
    task becomes theirs. Called by the task view inside the locked transaction."""
    activation = request.activation
    if activation.task.status == STATUS.NEW:
        activation.assign(request.user)
    activation.start(request)


def guarded_task_view(flow_task, origin_view, claim_only: bool = False):
    """Run a task view under the process lock. A task offered to a queue is claimed by the
    first person who acts on it; whoever comes second finds it gone and gets a message, not
    an error page."""

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
            activation = flow_task.activation_class(task)
            request.activation = activation
            if task.status == STATUS.NEW:
                if not flow_task.can_assign(request.user, task):
                    raise PermissionDenied
                if claim_only and request.method == "POST":
                    activation.assign(request.user)
                    messages.success(request, _("Bạn đã nhận việc này."))
                    return redirect(flow_task.reverse("execute", args=[process_pk, task_pk]))
            elif task.status == STATUS.ASSIGNED:
                if not flow_task.can_execute(request.user, task):
                    raise TaskGone
                if claim_only:
                    return redirect(flow_task.reverse("execute", args=[process_pk, task_pk]))
            else:
                raise TaskGone
            return origin_view(request, *args, **kwargs)

        try:
            if request.method == "POST":
                with flow_task.flow_class.lock(process_pk), transaction.atomic():
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
