"""The lifecycle of a document and of each of its receipts, declared once.

For every state: the actions that may be taken in it, who may take each, the state each FSM
transition leads to, and the task that waits in it. Everything else is derived from this
module or checked against it by a test:

- the FSM transitions of ``models.Document``/``models.Receipt`` take their sources and targets
  from ``fsm()``;
- who may do what (``selectors.permissions``), the secret-visibility clauses for whoever must act
  now (``selectors.visibility``), ``allowed_actions`` and the inbox (``selectors.inbox``);
- the flows' nodes, routing and queues (``workflow.flows``), the task screens' step table and
  the history labels (``workflow.views``);
- who may share a document with one person, what that lets the person do, and in which states
  (``Lifecycle.shares``, read by ``selectors.sharing`` and ``selectors.visibility``).

Adding a state means one ``State`` entry here and the service that takes the action.
See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orgchart.models import RoleCode


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Chờ duyệt nội dung")
    FORMAT_CHECK = "format_check", _("Chờ kiểm tra thể thức")
    RETURNED = "returned", _("Bị trả lại")
    AWAITING_SIGNATURE = "awaiting_signature", _("Chờ ký")
    SIGNED = "signed", _("Đã ký")
    # Decree 30 Art. 15–18: numbered and dated (cấp số), then released (phát hành); "ban
    # hành" would name both, so neither state is called by it.
    ISSUED = "issued", _("Đã cấp số, chờ phát hành")
    DISPATCHED = "dispatched", _("Đã phát hành")
    COMPLETED = "completed", _("Hoàn thành")
    WITHDRAWN = "withdrawn", _("Đã hủy")
    RECALLED = "recalled", _("Đã thu hồi")


class ReceiptStatus(models.TextChoices):
    PENDING = "pending", _("Chờ chuyển")
    DELIVERED = "delivered", _("Đã đến")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    ACKNOWLEDGED = "acknowledged", _("Đã tiếp nhận")
    ASSIGNED = "assigned", _("Đã phân công")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    COMPLETED = "completed", _("Hoàn thành")


class Purpose(models.TextChoices):
    REPORT = "report", _("Để báo cáo (b/c)")
    EXECUTE = "execute", _("Để thực hiện (t/h)")
    COORDINATE = "coordinate", _("Để phối hợp (p/h)")
    INFORM = "inform", _("Để biết")


class SharePurpose(models.TextChoices):
    """Why a document is shared with one person beyond what the org chart lets them see."""

    COMMENT = "comment", _("Xin ý kiến")
    INFORM = "inform", _("Chuyển để biết")
    SECRET = "secret", _("Được xem văn bản mật")


#: Purposes whose recipients must handle the document and report back; the others stop at
#: acknowledgement.
ACTION_PURPOSES = (Purpose.EXECUTE, Purpose.COORDINATE)

S, R = DocumentStatus, ReceiptStatus


# ---------------------------------------------------------------------------------------------
# Who


@dataclass(frozen=True)
class Actor:
    """Who may take an action, or who owns a task.

    ``role`` is a role held in the artifact's organisation (the issuer of a document, the
    recipient organisation of a receipt); ``person`` names the artifact's field holding one
    person (``drafter``, ``signer``, ``assignee``). With both, the person named, or a deputy
    holding that person's ``role`` by delegation that day; while nobody is named, any holder
    of ``role``. ``handler``: each person given that part of a receipt's assignment
    (``handling.HandlerRole``) while it is open. ``any_of`` joins several. An actor with
    none of them is the system itself (delivery, settling): no person may take its actions.
    """

    role: str = ""
    person: str = ""
    handler: str = ""
    any_of: tuple[Actor, ...] = ()

    def __or__(self, other: Actor) -> Actor:
        return Actor(any_of=(*self.alternatives(), *other.alternatives()))

    def alternatives(self) -> tuple[Actor, ...]:
        return self.any_of or (self,)

    @property
    def is_system(self) -> bool:
        return not (self.role or self.person or self.handler or self.any_of)

    @property
    def is_queue(self) -> bool:
        """Offered to every holder of a role, not to one person."""
        return bool(self.role) and not self.person and not self.any_of

    def roles(self) -> set[str]:
        return {a.role for a in self.alternatives() if a.role}


def role(code: str) -> Actor:
    return Actor(role=code)


def person(field_name: str) -> Actor:
    return Actor(person=field_name)


def designated(field_name: str, code: str) -> Actor:
    return Actor(role=code, person=field_name)


SYSTEM = Actor()
DRAFTER = person("drafter")
ASSIGNEE = person("assignee")
#: The phối hợp handlers of a receipt, each until they have sent their contribution.
COORDINATOR = Actor(handler="phoi_hop")
DESIGNATED_SIGNER = designated("signer", RoleCode.SIGNER)


# ---------------------------------------------------------------------------------------------
# What


@dataclass(frozen=True)
class Guard:
    """A condition on the artifact besides its state, in Python and in SQL alike."""

    name: str
    check: Callable[[Any], bool]
    q: Callable[[], Q]


MUST_ACT = Guard(
    "must_act",
    lambda receipt: receipt.purpose in ACTION_PURPOSES,
    lambda: Q(purpose__in=ACTION_PURPOSES),
)


def _document_live(receipt) -> bool:
    recalled = receipt.document_id and receipt.document.status == S.RECALLED
    return not recalled and receipt.given_back_at is None


#: A recalled document is void: its copies stay readable, but nobody handles them any more;
#: so is a copy from outside once our clerk agreed to give it back (edXML 15).
NOT_RECALLED = Guard(
    "not_recalled",
    _document_live,
    lambda: ~Q(document__status=DocumentStatus.RECALLED) & Q(given_back_at__isnull=True),
)


@dataclass(frozen=True)
class Action:
    """``moves`` maps the FSM transitions this action may take here to where they lead; an
    action without moves changes the artifact but not its state. ``step_up``: taken by a
    holder of one of ``STEP_UP_ROLES`` it needs a fresh one-time code (``documents.stepup``)."""

    name: str
    who: Actor
    moves: dict[str, str] = field(default_factory=dict)
    when: Guard | None = None
    step_up: bool = False


#: Whose step-up actions need a fresh one-time code: those who hold these roles in the
#: artifact's organisation (design §15.2). A signer issues in the Front's name, a clerk holds
#: its seal.
STEP_UP_ROLES = (RoleCode.SIGNER, RoleCode.CLERK)


@dataclass(frozen=True)
class Task:
    """The work waiting in a state: ``kind`` names the flow node, the inbox row and the task
    screen; it is owned by whoever may take ``action``."""

    kind: str
    title: Promise
    action: str


@dataclass(frozen=True)
class State:
    # ``side_task`` waits beside ``task`` for each of several people, e.g. phối hợp handlers.
    status: str
    actions: tuple[Action, ...] = ()
    task: Task | None = None
    side_task: Task | None = None

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)


@dataclass(frozen=True)
class Share:
    """A way of sharing a document with one person: a per-object grant the org chart cannot
    express, kept as a django-guardian row of ``permission`` (a codename of
    ``models.Document.Meta.permissions``) on the document.

    ``who`` may give it while the document is in one of ``states`` and take it back in any
    state. Its holder may read the document, a secret one only when ``shows_secret``, and
    take each action of ``lets`` in the states listed there.

    Shares are not ``State.actions``: giving one is not a step of the document (its state,
    its task and everyone's ``allowed_actions`` stay as they are), and its holder is named by
    a guardian row, which the ``Actor`` vocabulary of roles and named fields does not cover.
    """

    purpose: str
    permission: str
    who: Actor
    states: tuple[str, ...]
    shows_secret: bool = False
    lets: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Lifecycle:
    name: str
    #: The organisation whose roles count, and where the artifact's audit chain lives.
    organization_field: str
    states: tuple[State, ...]
    #: Holds in every state, on top of each action's own guard.
    always: Guard | None = None
    #: History labels of every audit verb of this artifact: its actions and its other events.
    labels: dict[str, Promise] = field(default_factory=dict)
    #: The ways the artifact may be shared with one person, by purpose.
    shares: tuple[Share, ...] = ()
    #: The moves (FSM transitions) the other side reads in the trail — a document's public
    #: steps, which its recipients see — each with whether its comment goes along. Every
    #: other event stays with the artifact's own side (design §15.1).
    published: dict[str, bool] = field(default_factory=dict)

    def state(self, status: str) -> State:
        return self._by_status[status]

    @property
    def _by_status(self) -> dict[str, State]:
        return {s.status: s for s in self.states}

    def action_names(self, *, people_only: bool = True) -> list[str]:
        """Every action in declaration order; by default without the system's own."""
        names: dict[str, None] = {}
        for state in self.states:
            for action in state.actions:
                if not (people_only and action.who.is_system):
                    names[action.name] = None
        return list(names)

    def declarations(self, action: str) -> Iterator[tuple[State, Action]]:
        for state in self.states:
            declared = state.action(action)
            if declared is not None:
                yield state, declared

    def fsm(self, transition: str) -> dict[str, Any]:
        """``source`` and ``target`` for django-fsm's ``@transition`` of this name."""
        sources, targets = [], set()
        for state in self.states:
            for action in state.actions:
                if transition in action.moves:
                    sources.append(state.status)
                    targets.add(action.moves[transition])
        if not sources or len(targets) != 1:
            raise LookupError(f"{self.name}: transition {transition!r} has targets {targets}")
        return {"source": list(dict.fromkeys(sources)), "target": targets.pop()}

    def transitions(self) -> set[tuple[str, str, str]]:
        """(transition, source, target) for every declared move."""
        return {
            (name, state.status, target)
            for state in self.states
            for action in state.actions
            for name, target in action.moves.items()
        }

    def tasks(self) -> dict[str, Task]:
        """Task kind → task, in declaration order (a task may wait in several states)."""
        found: dict[str, Task] = {}
        for state in self.states:
            if state.task is not None:
                found.setdefault(state.task.kind, state.task)
        return found

    def task_states(self) -> dict[str, Task]:
        return {s.status: s.task for s in self.states if s.task is not None}

    def side_task_states(self) -> dict[str, Task]:
        return {s.status: s.side_task for s in self.states if s.side_task is not None}

    def task_owner(self, task: Task, status: str) -> tuple[Actor, Guard | None]:
        declared = self.state(status).action(task.action)
        if declared is None:
            raise LookupError(f"{self.name}: task {task.kind} offers no action in {status}")
        return declared.who, declared.when

    def waiting_q(self, status: str) -> Q:
        """Rows in ``status`` whose task is really waiting (its guards hold), in SQL: the
        counterpart of ``task_for``."""
        task = self.state(status).task
        if task is None:
            return Q(pk__in=[])
        q = Q(status=status)
        _who, when = self.task_owner(task, status)
        if when is not None:
            q &= when.q()
        if self.always is not None:
            q &= self.always.q()
        return q

    def task_for(self, artifact) -> Task | None:
        """The task the artifact waits on now, if any."""
        task = self.state(artifact.status).task
        if task is None:
            return None
        if self.always is not None and not self.always.check(artifact):
            return None
        _, when = self.task_owner(task, artifact.status)
        if when is not None and not when.check(artifact):
            return None
        return task

    def step_up_actions(self) -> frozenset[str]:
        """The actions that need a fresh one-time code from holders of ``STEP_UP_ROLES``."""
        return frozenset(
            action.name for state in self.states for action in state.actions if action.step_up
        )

    def label(self, verb: str) -> str:
        return str(self.labels.get(verb, verb))

    def published_q(self, *, with_comment: bool | None = None) -> Q:
        """The audit events of the published moves, in SQL: an event names its action and
        where it led, so a signature (``sign`` → signed) is told from a return by the signer
        (``sign`` → returned). ``with_comment`` narrows to the moves whose comment goes along
        (True) or stays behind (False)."""
        q = Q(pk__in=[])
        for state in self.states:
            for action in state.actions:
                for move, target in action.moves.items():
                    shows = self.published.get(move)
                    if shows is None or (with_comment is not None and shows != with_comment):
                        continue
                    q |= Q(action=action.name, to_status=target)
        return q

    def share(self, purpose: str) -> Share:
        for declared in self.shares:
            if declared.purpose == purpose:
                return declared
        raise LookupError(f"{self.name}: no share {purpose!r}")


#: Who may share a document: its drafter and the issuer's reviewers, clerks and signers.
SHARERS = DRAFTER | role(RoleCode.REVIEWER) | role(RoleCode.CLERK) | role(RoleCode.SIGNER)
#: Who may show a secret document to someone by name.
SECRET_KEEPERS = role(RoleCode.SIGNER) | role(RoleCode.LEADER)
#: Who chases (đôn đốc) the recipients of a dispatched or completed document: the issuer's
#: clerks, who keep the dispatch book, and the drafter and signer, who answer for the document
#: being carried out.
CHASERS = role(RoleCode.CLERK) | DRAFTER | person("signer")
BEFORE_SIGNATURE = (S.DRAFT, S.IN_REVIEW, S.FORMAT_CHECK, S.RETURNED, S.AWAITING_SIGNATURE)
LIVE = tuple(s for s in DocumentStatus if s not in (S.WITHDRAWN, S.RECALLED))

#: A draft, new or returned, is its drafter's to change, submit or withdraw.
DRAFTING = (
    Action("edit", DRAFTER),
    Action("attach", DRAFTER),
    Action("submit", DRAFTER, {"submit": S.IN_REVIEW}),
    Action("withdraw", DRAFTER, {"withdraw": S.WITHDRAWN}),
)

DOCUMENT = Lifecycle(
    name="document",
    organization_field="issuer",
    states=(
        State(
            S.DRAFT,
            actions=DRAFTING,
            task=Task("submit", _("Trình duyệt dự thảo"), "submit"),
        ),
        # Decree 30 Art. 12: the unit's leader checks the content, the clerk the format; an
        # issuer without a format check goes from the content review straight to signing.
        State(
            S.IN_REVIEW,
            actions=(
                Action(
                    "review",
                    role(RoleCode.REVIEWER),
                    {
                        "approve_content": S.FORMAT_CHECK,
                        "approve_content_skip_format": S.AWAITING_SIGNATURE,
                        "send_back": S.RETURNED,
                    },
                ),
            ),
            task=Task("review", _("Duyệt nội dung"), "review"),
        ),
        State(
            S.FORMAT_CHECK,
            actions=(
                Action(
                    "review",
                    role(RoleCode.CLERK),
                    {"approve_format": S.AWAITING_SIGNATURE, "send_back": S.RETURNED},
                ),
            ),
            task=Task("format_check", _("Kiểm tra thể thức"), "review"),
        ),
        State(
            S.RETURNED,
            actions=DRAFTING,
            task=Task("revise", _("Sửa và trình lại"), "submit"),
        ),
        # The designated signer signs (or a deputy holding that signer's role that day);
        # handing the document to another signer is a step of its own.
        State(
            S.AWAITING_SIGNATURE,
            actions=(
                Action(
                    "sign",
                    DESIGNATED_SIGNER,
                    {"sign": S.SIGNED, "send_back": S.RETURNED},
                    step_up=True,
                ),
                Action("hand_over", DESIGNATED_SIGNER | DRAFTER),
            ),
            task=Task("sign", _("Ký văn bản"), "sign"),
        ),
        State(
            S.SIGNED,
            actions=(
                Action("register", role(RoleCode.CLERK), {"register": S.ISSUED}, step_up=True),
            ),
            task=Task("register", _("Vào sổ, cấp số"), "register"),
        ),
        State(
            S.ISSUED,
            actions=(
                Action("dispatch", role(RoleCode.CLERK), {"dispatch": S.DISPATCHED}, step_up=True),
            ),
            task=Task("dispatch", _("Phát hành"), "dispatch"),
        ),
        State(
            S.DISPATCHED,
            actions=(
                Action("recall", role(RoleCode.SIGNER), {"recall": S.RECALLED}, step_up=True),
                # Reminding the recipients that lag changes no state (services.chase).
                Action("chase", CHASERS),
                # The last receipt to settle completes the document.
                Action("complete", SYSTEM, {"complete": S.COMPLETED}),
            ),
        ),
        State(
            S.COMPLETED,
            actions=(
                Action("recall", role(RoleCode.SIGNER), {"recall": S.RECALLED}, step_up=True),
                # Every copy settled, but a plan or a report may still be owed, due later
                # (services.chase_obligations); no copy is left for services.chase.
                Action("chase", CHASERS),
            ),
        ),
        State(S.WITHDRAWN),
        State(S.RECALLED),
    ),
    labels={
        "create": _("Tạo dự thảo"),
        "edit": _("Sửa dự thảo"),
        "attach": _("Đính kèm tệp"),
        "submit": _("Trình duyệt"),
        "review": _("Duyệt / kiểm tra"),
        "sign": _("Ký"),
        "hand_over": _("Chuyển người ký"),
        "register": _("Vào sổ, cấp số"),
        "dispatch": _("Phát hành"),
        "withdraw": _("Hủy dự thảo"),
        "recall": _("Thu hồi"),
        "complete": _("Hoàn thành"),
        "chase": _("Đôn đốc"),
        "grant": _("Chia sẻ văn bản"),
        "revoke": _("Thôi chia sẻ"),
        "opinion": _("Cho ý kiến"),
    },
    # Sharing, for the issuer's people with a part in the document's flow; showing a secret
    # document to someone by name, for its signers and leaders only. Opinions are asked
    # while the text can still change; nothing is shared any more once the draft is
    # withdrawn or the document recalled (a grant can still be taken back).
    shares=(
        Share(
            SharePurpose.COMMENT,
            "comment_document",
            SHARERS,
            BEFORE_SIGNATURE,
            lets={"opinion": BEFORE_SIGNATURE},
        ),
        Share(SharePurpose.INFORM, "inform_document", SHARERS, LIVE),
        Share(SharePurpose.SECRET, "read_secret_document", SECRET_KEEPERS, LIVE, shows_secret=True),
    ),
    # What a recipient reads of the issuer's trail: the signature, the number, the dispatch
    # and a recall with its reason; never the drafting, the review or a return.
    published={"sign": False, "register": False, "dispatch": False, "recall": True},
)

#: The chủ trì handler reports and completes; each phối hợp handler sends a contribution,
#: their own task; both post progress on the way, which leaves the state as it is.
HANDLING = (
    Action("progress", ASSIGNEE | COORDINATOR),
    Action("contribute", COORDINATOR),
    Action("complete", ASSIGNEE, {"complete": R.COMPLETED}),
)
HANDLE_TASK = Task("complete", _("Xử lý và báo cáo"), "complete")
COORDINATE_TASK = Task("coordinate", _("Phối hợp xử lý"), "contribute")

RECEIPT = Lifecycle(
    name="receipt",
    organization_field="organization",
    always=NOT_RECALLED,
    states=(
        State(R.PENDING, actions=(Action("deliver", SYSTEM, {"deliver": R.DELIVERED}),)),
        State(
            R.DELIVERED,
            actions=(
                Action("acknowledge", role(RoleCode.CLERK), {"acknowledge": R.ACKNOWLEDGED}),
                Action("refuse", role(RoleCode.CLERK), {"refuse": R.REFUSED}),
            ),
            task=Task("acknowledge", _("Tiếp nhận văn bản đến"), "acknowledge"),
        ),
        # Recipients that only report or take note stop here.
        State(
            R.ACKNOWLEDGED,
            actions=(
                Action("assign", role(RoleCode.LEADER), {"assign": R.ASSIGNED}, when=MUST_ACT),
            ),
            task=Task("assign", _("Phân công xử lý"), "assign"),
        ),
        State(
            R.ASSIGNED,
            actions=(Action("start", ASSIGNEE, {"start": R.IN_PROGRESS}), *HANDLING),
            task=HANDLE_TASK,
            side_task=COORDINATE_TASK,
        ),
        State(R.IN_PROGRESS, actions=HANDLING, task=HANDLE_TASK, side_task=COORDINATE_TASK),
        State(R.REFUSED),
        State(R.COMPLETED),
    ),
    labels={
        "deliver": _("Đã đến"),
        "acknowledge": _("Tiếp nhận"),
        "refuse": _("Từ chối tiếp nhận"),
        "assign": _("Phân công"),
        "start": _("Bắt đầu xử lý"),
        "progress": _("Cập nhật tiến độ"),
        "contribute": _("Gửi ý kiến phối hợp"),
        "complete": _("Hoàn thành"),
        "delivery_problem": _("Lỗi chuyển văn bản"),
        "register_incoming": _("Vào sổ văn bản đến"),
        # The recall exchange over edXML: the copy's state stays, the request is beside it.
        "recall_asked": _("Yêu cầu lấy lại"),
        "recall_accepted": _("Đồng ý lấy lại"),
        "recall_refused": _("Từ chối lấy lại"),
    },
)

LIFECYCLES = (DOCUMENT, RECEIPT)

#: Every task kind, documents' first: the inbox's ``kind`` values; side tasks have no flow node.
TASK_KINDS = tuple(dict.fromkeys([*DOCUMENT.tasks(), *RECEIPT.tasks()]))
SIDE_TASKS = {t.kind: t for lc in LIFECYCLES for t in lc.side_task_states().values()}
