"""The one door for every state change (docs/ARCHITECTURE.md §3).

Each service is keyword-only, takes the acting user, and in one transaction: locks the row,
checks the actor may act (``selectors.authorize``), runs the FSM transition, writes the audit
event and tells the flows, whose task bookkeeping commits or rolls back with the step. Nothing
else sets a state or writes an audit row. One module per stage of the lifecycle.
"""

from .chasing import Chase, ObligationChase, chase, chase_obligations
from .compiling import compile_report
from .delegation import delegate, end_delegation
from .drafting import RecipientInput, add_attachment, create_draft, edit_draft
from .handling import contribute, post_progress
from .outgoing import (
    Decision,
    dispatch,
    hand_over,
    recall,
    register,
    review,
    sign,
    submit,
    withdraw,
)
from .receiving import (
    acknowledge,
    assign,
    complete,
    deliver,
    deliver_many,
    mark_delivery_problem,
    refuse,
    register_incoming,
    start_handling,
)
from .sharing import give_opinion, share, unshare

__all__ = [
    "Chase",
    "Decision",
    "ObligationChase",
    "RecipientInput",
    "acknowledge",
    "add_attachment",
    "assign",
    "chase",
    "chase_obligations",
    "compile_report",
    "complete",
    "contribute",
    "create_draft",
    "delegate",
    "deliver",
    "deliver_many",
    "dispatch",
    "edit_draft",
    "end_delegation",
    "give_opinion",
    "hand_over",
    "mark_delivery_problem",
    "post_progress",
    "recall",
    "refuse",
    "register",
    "register_incoming",
    "review",
    "share",
    "sign",
    "start_handling",
    "submit",
    "unshare",
    "withdraw",
]
