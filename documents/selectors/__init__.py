"""Every read that depends on who asks: visibility (in SQL), permissions (derived from
documents.lifecycle), shares, a copy's handling, the inbox and the overdue list."""

from ..lifecycle import TASK_KINDS
from .handling import HANDLING_PREFETCH, Handling, handling_of, prefetch_handling
from .inbox import open_tasks
from .obligations import Owing, in_period, owed, owing, owing_copies, rollup
from .overdue import late_q, overdue_receipts, working_day_cutoff
from .permissions import Authorization, allowed_actions, authorize, can, decide, lifecycle_of
from .receipts import receipt_table
from .report_forms import GivenAnswers, draft_answers, owed_forms, reply_answers
from .search import matching_documents, matching_receipts, search
from .sharing import (
    ShareRow,
    authorize_opinion,
    authorize_share,
    held_shares,
    may_give_opinion,
    share_purposes,
    shareable_people,
    shares_of,
)
from .trail import refusals_about, trail
from .visibility import (
    get_visible_document,
    get_visible_receipt,
    incoming_receipts,
    is_issuer_side,
    is_visible,
    issuer_side_documents,
    not_visible,
    visible_documents,
    visible_receipts,
)

__all__ = [
    "HANDLING_PREFETCH",
    "TASK_KINDS",
    "Authorization",
    "GivenAnswers",
    "Handling",
    "Owing",
    "ShareRow",
    "allowed_actions",
    "authorize",
    "authorize_opinion",
    "authorize_share",
    "can",
    "decide",
    "draft_answers",
    "get_visible_document",
    "get_visible_receipt",
    "handling_of",
    "held_shares",
    "in_period",
    "incoming_receipts",
    "is_issuer_side",
    "is_visible",
    "issuer_side_documents",
    "late_q",
    "lifecycle_of",
    "matching_documents",
    "matching_receipts",
    "may_give_opinion",
    "not_visible",
    "open_tasks",
    "overdue_receipts",
    "owed",
    "owed_forms",
    "owing",
    "owing_copies",
    "prefetch_handling",
    "receipt_table",
    "refusals_about",
    "reply_answers",
    "rollup",
    "search",
    "share_purposes",
    "shareable_people",
    "shares_of",
    "trail",
    "visible_documents",
    "visible_receipts",
    "working_day_cutoff",
]
