"""Views: parse the request, call one service or selector, shape the answer. Nothing here
decides who may do what; ``documents.selectors`` and ``documents.services`` do."""

from .account import MeView, OrganizationViewSet
from .common import ACT, ATTACHMENT_ID, ID, LIST, READ, ActorMixin, errors
from .documents import DocumentViewSet
from .receipts import InboxView, ReceiptViewSet

__all__ = [
    "ACT",
    "ATTACHMENT_ID",
    "ID",
    "LIST",
    "READ",
    "ActorMixin",
    "DocumentViewSet",
    "InboxView",
    "MeView",
    "OrganizationViewSet",
    "ReceiptViewSet",
    "errors",
]
