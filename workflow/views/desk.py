"""The clerk's desk beside the task lists: the person's notifications (the bell and its page)
and the sender's overdue copies to chase (Văn bản quá hạn). Each list is the API's own
selector, paginated; marking read is the one write of ``workflow.notifications``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View, generic

from documents import selectors
from documents.errors import NotFound
from documents.models import ReceiptStatus
from documents.paging import BoundedPaginator

from ..middleware import request_grants
from ..notifications import mark_read, own_notifications


def notification_url(notification) -> str:
    """Where a notification leads: its document's page, or the copy's own."""
    if notification.document_id is not None:
        return reverse("outgoing:detail", args=[notification.document_id])
    if notification.receipt_id is not None:
        return reverse("incoming:copy", args=[notification.receipt_id])
    return reverse("account:notifications")


class NotificationListView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflow/notifications.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notes = own_notifications(self.request.user)
        page = BoundedPaginator(notes, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = [{"note": n, "url": notification_url(n)} for n in page.object_list]
        context.update(page=page, rows=rows, title=gettext_lazy("Thông báo"))
        return context


class MarkReadView(LoginRequiredMixin, View):
    """One notification (``pk``) or all of the person's; another person's id changes nothing
    and is answered as absent (404)."""

    http_method_names = ["post"]

    def post(self, request, pk: int | None = None):
        changed = mark_read(user=request.user, pk=pk)
        if pk is not None and not changed and not own_notifications(request.user).filter(pk=pk):
            raise NotFound()
        if pk is None:
            messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
        return redirect(reverse("account:notifications") + _page(request))


def _page(request) -> str:
    page = request.POST.get("page", "")
    return f"?page={page}" if page.isdigit() else ""


class OverdueListView(LoginRequiredMixin, generic.TemplateView):
    """Recipients of the person's organisations' documents that are late: not acknowledged in
    time, or past their handling deadline (``selectors.overdue_receipts``, as the API)."""

    template_name = "workflow/overdue.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        receipts = (
            selectors.overdue_receipts(self.request.user, request_grants(self.request))
            .select_related("document", "organization", "recipient", "assignee")
            .order_by("delivered_at", "pk")
        )
        page = BoundedPaginator(receipts, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        for receipt in rows:
            receipt.not_acknowledged = receipt.status == ReceiptStatus.DELIVERED
        context.update(page=page, receipts=rows, title=gettext_lazy("Văn bản quá hạn"))
        return context
