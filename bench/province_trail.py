"""A plan (province_rows) as the rows the running system would have written for it.

What each step leaves behind is the services' (documents/services/): the document's
number and symbol taken from its register book at registration (``numbering.symbol_for``),
its search text as a save composes it (``searchtext.compose``), a version per submission,
its participants, each copy's incoming number at acknowledgement and its chủ trì handler at
assignment. The flows' processes and tasks are what ``workflow.bookkeeping.follow`` writes
at each step: the task the lifecycle declares for the new state (``Lifecycle.task_for``),
owned as ``bookkeeping.owner_fields`` says, the one the step took closed and credited to
whoever took it, or cancelled when the system moved on (a recall).

Audit events come out in time order across the whole province (a heap of what is due), each
appended to its organisation's chain as ``documents.audit`` appends: position, the previous
hash and ``audit.compute_hash`` over the canonical event.
"""

from __future__ import annotations

import bisect
import datetime
import heapq
import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import translation
from province_rows import ASSIGN, COMMENTS, DAY, DELIVER, REGISTER, US, Plan, settled
from viewflow.workflow import PROCESS, STATUS
from viewflow.workflow.fields import get_flow_ref, get_task_ref

from documents.audit import compute_hash
from documents.choices import DocType, SignatureStatus
from documents.lifecycle import DOCUMENT, RECEIPT, Lifecycle
from documents.models import AuditEvent
from documents.numbering import REGISTER_ZONE, symbol_for
from documents.searchtext import compose
from workflow.bookkeeping import HUMAN, owner_fields
from workflow.flows import IncomingFlow, OutgoingFlow

#: The decision a review or signature step records (``services.outgoing``), by its move.
DECISIONS = {"send_back": "return", "sign": "sign"}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
Sink = Callable[[str, tuple], None]


def moment(us: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=us)


class QuickHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 (same algorithm name, so the standard hasher verifies it) with few
    iterations; Django rehashes with its own count at the first sign-in."""

    iterations = 1000


class _Event:
    """What ``audit.canonical`` reads of an event, reused for every hash."""

    ip = None
    on_behalf_of_id = None
    chain: str
    position: int
    at: datetime.datetime
    actor_id: int | None
    organization_id: int
    action: str
    document_id: int
    receipt_id: int | None
    from_status: str
    to_status: str
    comment: str
    data: dict


class Trail:
    def __init__(self, sink: Sink, ids: dict[str, int], refs: dict[str, Any]) -> None:
        self.sink, self.ids, self.refs = sink, ids, refs
        self.orgs = refs["orgs"]  # id → (code, name, symbol, kind)
        self.usernames = refs["usernames"]
        self.titles = refs["titles"]
        self.books: dict[tuple, list[int]] = refs["books"]  # series → [id, last_number]
        self.new_books: list[tuple] = []
        self.heap: list[tuple] = []
        self.tiebreak = 0
        self.counts: dict[str, int] = {}
        self.due: list[tuple] = []
        #: Where due events go: a ``Chains`` here or in a process of its own.
        self.chains: Callable[[list[tuple]], None] = refs["chains"]
        with translation.override(None):
            self.type_names = {code: str(DocType(code).label) for code in DocType.values}
        self.flow_ref = {"d": get_flow_ref(OutgoingFlow), "r": get_flow_ref(IncomingFlow)}
        self.task_ref = {
            "d": {k: get_task_ref(getattr(OutgoingFlow, k)) for k in DOCUMENT.tasks()},
            "r": {k: get_task_ref(getattr(IncomingFlow, k)) for k in RECEIPT.tasks()},
        }
        self.years = [
            (int((datetime.datetime(y, 1, 1, tzinfo=REGISTER_ZONE) - EPOCH).total_seconds())) * US
            for y in range(2000, 2101)
        ]

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def emit(self, table: str, row: tuple) -> None:
        self.counts[table] = self.counts.get(table, 0) + 1
        self.sink(table, row)

    def year(self, us: int) -> int:
        """``numbering.registration_year``: the calendar of Vietnam."""
        return 1999 + bisect.bisect_right(self.years, us)

    def number(self, organization: int, direction: str, us: int, secret: bool) -> tuple[int, int]:
        key = (organization, direction, self.year(us), secret)
        book = self.books.get(key)
        if book is None:
            book = self.books[key] = [self.next_id("book"), 0]
            self.new_books.append(key)
        book[1] += 1
        return book[0], book[1]

    # -----------------------------------------------------------------------------------------

    def write(self, plan: Plan) -> tuple[int, int]:
        """All rows of one document; returns its id and how many audit events it has."""
        doc_id = self.next_id("document")
        issuer = plan.issuer
        code, name, symbol_of, kind = self.orgs[issuer]
        secret = plan.secrecy != "normal"
        people = plan.people
        book = number = issued_at = None
        symbol, version, events = "", 0, 0
        participants: dict[int, None] = {}
        versions = []
        for step, at, actor in plan.steps:
            data: dict = {}
            if step == REGISTER:
                book, number = self.number(issuer, "outgoing", at, secret)
                symbol = symbol_for(number=number, doc_type=plan.doc_type, issuer_symbol=symbol_of)
                issued_at = moment(at)
                data = {"number": number, "symbol": symbol}
            elif step[0] in ("review", "sign"):
                data = {"decision": DECISIONS.get(step[1], "approve")}
            elif step[0] == "submit":
                version += 1
                versions.append((version, at))
            comment = COMMENTS.get(step[1] if step[1] == "send_back" else step[0], "")
            if step[0] not in ("withdraw", "recall") and step[1] != "send_back":
                comment = ""
            self.push(at, issuer, actor, step[0], doc_id, None, step[2], step[3], comment, data)
            events += 1
            if actor is not None:
                participants[actor] = None
        status = plan.status
        mttq = kind in ("mttq", "ward", "commune")
        signer_title = self.titles.get(people["signer"], "CHỦ TỊCH")
        type_name = self.type_names.get(plan.doc_type, "")
        title_text, search_text = compose((type_name, plan.title, symbol, name), plan.body, ())
        created, updated = plan.steps[0][1], plan.steps[-1][1]
        open_receipts = 0
        copies = plan.copies
        dispatched = next((at for s, at, _a in plan.steps if s[0] == "dispatch"), None)
        recalled = next((at for s, at, _a in plan.steps if s[0] == "recall"), None)
        recipients = []
        for order, copy in enumerate(copies):
            rid = self.next_id("recipient")
            recipients.append(rid)
            self.emit("recipient", (rid, "", "", copy.purpose, order, doc_id, copy.organization))
        snapshot = json.dumps(self._snapshot(plan, code, signer_title, mttq))
        for n, at in versions:
            self.emit(
                "version",
                (self.next_id("version"), n, plan.title, plan.body, snapshot, moment(at),
                 people["drafter"], doc_id),
            )  # fmt: skip
        for user in participants:
            self.emit("participant", (self.next_id("participant"), doc_id, user))
        if dispatched is not None:
            for copy, rid in zip(copies, recipients, strict=True):
                unsettled, n = self._copy(doc_id, plan, copy, rid, dispatched, recalled, secret)
                open_receipts += unsettled
                events += n
        self.emit(
            "document",
            (doc_id, plan.doc_type, plan.title, plan.body, plan.urgency, plan.secrecy,
             "TM" if mttq else "", "BAN THƯỜNG TRỰC" if mttq else "", signer_title, "VT",
             status, version, number, symbol, issued_at, moment(created), moment(updated),
             people["drafter"], issuer, people["signer"], book, search_text, open_receipts, "",
             title_text),
        )  # fmt: skip
        artifact = SimpleNamespace(
            drafter_id=people["drafter"], signer_id=people["signer"], issuer_id=issuer
        )
        self._flow("d", DOCUMENT, doc_id, artifact, plan.steps, None)
        return doc_id, events

    def _snapshot(self, plan: Plan, code: str, signer_title: str, mttq: bool) -> dict:
        """What ``services.outgoing._snapshot`` keeps of a submitted version."""
        return {
            "issuer": code, "doc_type": plan.doc_type, "title": plan.title,
            "urgency": plan.urgency, "secrecy": plan.secrecy,
            "authority_prefix": "TM" if mttq else "",
            "collective_name": "BAN THƯỜNG TRỰC" if mttq else "",
            "signer_title": signer_title, "signer": self.usernames[plan.people["signer"]],
            "luu": "VT", "can_cu": "",
            "recipients": [
                {"organization": self.orgs[c.organization][0], "name": self.orgs[c.organization][1],
                 "email": "", "purpose": c.purpose}
                for c in plan.copies
            ],
            "references": [], "attachments": [], "obligations": [],
        }  # fmt: skip

    def _copy(self, doc_id, plan, copy, rid, dispatched, recalled, secret) -> tuple[int, int]:
        receipt_id = self.next_id("receipt")
        org = copy.organization
        delivered = received = deadline = book = incoming = None
        reason = report = instruction = ""
        for step, at, actor in copy.steps:
            data: dict = {}
            comment = ""
            if step == DELIVER:
                delivered = moment(at)
                data = {"signature_status": SignatureStatus.UNSIGNED}
            elif step[0] == "acknowledge":
                received = moment(at)
                book, incoming = self.number(org, "incoming", at, secret)
            elif step[0] == "refuse":
                reason = comment = COMMENTS["refuse"]
            elif step == ASSIGN:
                deadline = (moment(at + 10 * DAY)).astimezone(REGISTER_ZONE).date()
                instruction = comment = COMMENTS["assign"]
                data = {
                    "assignee": self.usernames[copy.assignee], "coordinators": [],
                    "informed": [], "deadline": deadline.isoformat(),
                }  # fmt: skip
                self.emit(
                    "handler",
                    (self.next_id("handler"), "chu_tri", "", None, moment(at), receipt_id,
                     copy.assignee),
                )  # fmt: skip
            elif step[0] == "complete":
                report = comment = COMMENTS["complete"]
            self.push(at, org, actor, step[0], doc_id, receipt_id, step[2], step[3], comment, data)
        unsettled = 0 if settled(copy) else 1
        updated = copy.steps[-1][1] if copy.steps else dispatched
        self.emit(
            "receipt",
            (receipt_id, copy.purpose, plan.urgency, copy.status, incoming, delivered, received,
             deadline, report, reason, "", "", "", None, "", "", moment(dispatched),
             moment(updated), copy.assignee, doc_id, org, rid, book, SignatureStatus.UNSIGNED,
             "", instruction, "", None),
        )  # fmt: skip
        artifact = SimpleNamespace(
            purpose=copy.purpose, assignee_id=copy.assignee, organization_id=org,
            document_id=doc_id, document=SimpleNamespace(status="dispatched"), given_back_at=None,
        )  # fmt: skip
        if copy.steps:
            self._flow("r", RECEIPT, receipt_id, artifact, copy.steps, recalled)
        return unsettled, len(copy.steps)

    def _flow(self, side, lifecycle: Lifecycle, pk, artifact, steps, recalled) -> None:
        """The process and tasks ``bookkeeping.follow`` leaves after each of ``steps``; a
        recall of the document at ``recalled`` cancels what its copy still had open."""
        process_id = self.next_id("process")
        start = steps[0][1]
        open_task = None  # [id, kind, fields, created]
        finished = None
        for step, at, actor in steps:
            artifact.status = step[3]
            declared = lifecycle.task_for(artifact)
            fields = owner_fields(lifecycle, declared, artifact) if declared else None
            if open_task is not None:
                same = declared is not None and open_task[1] == declared.kind
                if same and _same_owner(open_task[2], fields):
                    continue
                self._task(side, process_id, open_task, at, actor)
                open_task = None
            if declared is not None:
                open_task = [self.next_id("task"), declared.kind, fields, at]
                finished = None
            elif finished is None:
                finished = at
        if recalled is not None and open_task is not None:
            self._task(side, process_id, open_task, recalled, None)
            open_task, finished = None, recalled
        if open_task is not None:
            self._task(side, process_id, open_task, None, None)
        ct = self.refs["content_types"][side]
        status = PROCESS.NEW if finished is None else PROCESS.DONE
        self.emit(
            "process",
            (process_id, self.flow_ref[side], status, moment(start),
             moment(finished) if finished else None, ct, pk, "{}"),
        )  # fmt: skip

    def _task(self, side, process_id, task, closed, actor) -> None:
        task_id, kind, fields, created = task
        if closed is None:
            status, owner, finished = fields["status"], fields["owner_id"], None
        elif actor is not None:
            status, owner, finished = STATUS.DONE, actor, moment(closed)
        else:
            status, owner, finished = STATUS.CANCELED, fields["owner_id"], moment(closed)
        self.emit(
            "task",
            (task_id, self.task_ref[side][kind], HUMAN, str(status), moment(created), finished,
             "start", fields["owner_permission"], owner, process_id,
             fields["owner_permission_content_type_id"], fields["owner_permission_obj_pk"],
             moment(created) if fields["owner_id"] else None, "{}"),
        )  # fmt: skip

    # -----------------------------------------------------------------------------------------

    def push(self, at, org, actor, action, doc, receipt, source, target, comment, data) -> None:
        self.tiebreak += 1
        heapq.heappush(
            self.heap,
            (at, self.tiebreak, org, actor, action, doc, receipt, source, target, comment, data),
        )

    def flush(self, before: int | None = None) -> None:
        """Hand every event due before ``before`` (all of them without) to ``chains``, in
        batches: the chains may be appended to in another process."""
        heap, due = self.heap, self.due
        while heap and (before is None or heap[0][0] < before):
            entry = heapq.heappop(heap)
            due.append(entry[:1] + entry[2:])  # without the tiebreak
        if len(due) >= 5000 or (before is None and due):
            self.chains(due)
            self.due = []


class Chains:
    """Appends events, in the order given, to their organisations' hash chains, as
    ``documents.audit`` appends: the next position, the previous hash, ``compute_hash``."""

    def __init__(self, write_row: Callable[[tuple], None], heads: dict, seq: int) -> None:
        self.write_row, self.heads, self.seq, self.count = write_row, heads, seq, 0
        self.event = _Event()

    def __call__(self, events: list[tuple]) -> None:
        event, heads, write_row = self.event, self.heads, self.write_row
        for at, org, actor, action, doc, receipt, source, target, comment, data in events:
            chain = f"org:{org}"
            head = heads.get(chain)
            if head is None:
                head = heads[chain] = [0, ""]
            self.seq += 1
            when = moment(at)
            event.chain, event.position, event.at = chain, head[0] + 1, when
            event.actor_id, event.organization_id, event.action = actor, org, action
            event.document_id, event.receipt_id = doc, receipt
            event.from_status, event.to_status = source, target
            event.comment, event.data = comment, data
            digest = compute_hash(head[1], cast(AuditEvent, event))
            write_row(
                (self.seq, chain, head[0] + 1, when, action, source, target, comment,
                 json.dumps(data, ensure_ascii=False), head[1], digest, actor, org, doc,
                 receipt),
            )  # fmt: skip
            head[0], head[1] = head[0] + 1, digest
        self.count += len(events)


def _same_owner(fields: dict, new: dict | None) -> bool:
    """``bookkeeping._same_owner`` on the fields both tasks were given."""
    if new is None:
        return False
    if new["owner_id"] is not None:
        return fields["owner_id"] == new["owner_id"]
    return (
        fields["owner_permission"] == new["owner_permission"]
        and fields["owner_permission_obj_pk"] == new["owner_permission_obj_pk"]
    )
