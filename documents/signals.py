"""Signals sent after commit, so that other apps (delivery, flows, notifications) can react
without ``documents`` importing them."""

from django.dispatch import Signal

#: Sent after a dispatch commits. kwargs: document_id, receipt_ids (pending receipts).
document_dispatched = Signal()

#: Sent after a document is recalled. kwargs: document_id.
document_recalled = Signal()

#: Sent after a receipt changes state. kwargs: receipt_id, action, to_status, actor_id.
receipt_changed = Signal()

#: Sent after a document is created or changes state through a service, so that the flows
#: follow a step taken anywhere (UI, API, a task). kwargs: document_id, action, to_status,
#: actor_id.
document_changed = Signal()
