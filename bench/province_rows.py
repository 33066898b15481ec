"""Five years of the province's documents, each generated with its whole life at once.

A document is drafted at its moment of the five years and walks the declared lifecycle
(documents/lifecycle.py) to a final state chosen by its age: old ones are nearly all
completed, recent ones in every state. Its copies walk the receipt lifecycle the same way.
``Province.document`` returns the plan; ``province_trail`` turns it into the rows a running
system would have written (documents, recipients, copies, versions, participants,
handlers, the flows' processes and tasks, the audit events).

Every move a plan makes is checked against ``DOCUMENT.transitions()`` and
``RECEIPT.transitions()`` when this module loads, so a changed lifecycle fails here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from documents.lifecycle import ACTION_PURPOSES, DOCUMENT, RECEIPT, DocumentStatus, Purpose
from documents.lifecycle import ReceiptStatus as R

S = DocumentStatus
US = 1_000_000
HOUR, DAY = 3600 * US, 86400 * US

#: (action, FSM move, from, to, who): who names the plan's person taking it.
Step = tuple[str, str, str, str, str]
CREATE: Step = ("create", "", "", S.DRAFT, "drafter")
SUBMIT: Step = ("submit", "submit", S.DRAFT, S.IN_REVIEW, "drafter")
RESUBMIT: Step = ("submit", "submit", S.RETURNED, S.IN_REVIEW, "drafter")
APPROVE: Step = ("review", "approve_content", S.IN_REVIEW, S.FORMAT_CHECK, "reviewer")
RETURN_CONTENT: Step = ("review", "send_back", S.IN_REVIEW, S.RETURNED, "reviewer")
FORMAT: Step = ("review", "approve_format", S.FORMAT_CHECK, S.AWAITING_SIGNATURE, "clerk")
RETURN_FORMAT: Step = ("review", "send_back", S.FORMAT_CHECK, S.RETURNED, "clerk")
SIGN: Step = ("sign", "sign", S.AWAITING_SIGNATURE, S.SIGNED, "signer")
RETURN_SIGN: Step = ("sign", "send_back", S.AWAITING_SIGNATURE, S.RETURNED, "signer")
REGISTER: Step = ("register", "register", S.SIGNED, S.ISSUED, "clerk")
DISPATCH: Step = ("dispatch", "dispatch", S.ISSUED, S.DISPATCHED, "clerk")
COMPLETE: Step = ("complete", "complete", S.DISPATCHED, S.COMPLETED, "")
RECALL: Step = ("recall", "recall", S.DISPATCHED, S.RECALLED, "signer")
RECALL_DONE: Step = ("recall", "recall", S.COMPLETED, S.RECALLED, "signer")
WITHDRAW: Step = ("withdraw", "withdraw", S.DRAFT, S.WITHDRAWN, "drafter")
WITHDRAW_RETURNED: Step = ("withdraw", "withdraw", S.RETURNED, S.WITHDRAWN, "drafter")

DELIVER: Step = ("deliver", "deliver", R.PENDING, R.DELIVERED, "")
ACKNOWLEDGE: Step = ("acknowledge", "acknowledge", R.DELIVERED, R.ACKNOWLEDGED, "clerk")
REFUSE: Step = ("refuse", "refuse", R.DELIVERED, R.REFUSED, "clerk")
ASSIGN: Step = ("assign", "assign", R.ACKNOWLEDGED, R.ASSIGNED, "leader")
START: Step = ("start", "start", R.ASSIGNED, R.IN_PROGRESS, "assignee")
FINISH: Step = ("complete", "complete", R.IN_PROGRESS, R.COMPLETED, "assignee")
FINISH_AT_ONCE: Step = ("complete", "complete", R.ASSIGNED, R.COMPLETED, "assignee")

#: The mean wait before each kind of step, in hours.
WAITS = {
    "submit": 20, "review": 10, "sign": 8, "register": 3, "dispatch": 2, "withdraw": 48,
    "recall": 72, "deliver": 0.005, "acknowledge": 5, "refuse": 5, "assign": 10, "start": 20,
    "complete": 96,
}  # fmt: skip


def _check_moves() -> None:
    declared = DOCUMENT.transitions() | RECEIPT.transitions()
    for step in [v for v in globals().values() if isinstance(v, tuple) and len(v) == 5]:
        _action, move, source, target, _who = step
        if move and (move, source, target) not in declared:
            raise RuntimeError(f"the lifecycle no longer declares {step}")


_check_moves()

#: Final states of a document by age: (state, weight).
OLD = ((S.COMPLETED, 86), (S.DISPATCHED, 6), (S.WITHDRAWN, 4), (S.RECALLED, 2), (S.DRAFT, 1),
       (S.RETURNED, 1))  # fmt: skip
RECENT = ((S.DRAFT, 8), (S.IN_REVIEW, 6), (S.FORMAT_CHECK, 5), (S.RETURNED, 5),
          (S.AWAITING_SIGNATURE, 6), (S.SIGNED, 4), (S.ISSUED, 4), (S.DISPATCHED, 35),
          (S.COMPLETED, 20), (S.WITHDRAWN, 4), (S.RECALLED, 3))  # fmt: skip
RECENT_DAYS = 90
#: Final states of a copy that must act (t/h, p/h) and of one that only takes note.
ACTING = ((R.COMPLETED, 45), (R.IN_PROGRESS, 15), (R.ASSIGNED, 12), (R.ACKNOWLEDGED, 10),
          (R.DELIVERED, 12), (R.REFUSED, 3), (R.PENDING, 3))  # fmt: skip
NOTING = ((R.ACKNOWLEDGED, 75), (R.DELIVERED, 20), (R.REFUSED, 5))

TOPICS = (
    "công tác tuyên truyền xây dựng Đảng, xây dựng hệ thống chính trị",
    "cuộc vận động Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh",
    "giám sát và phản biện xã hội", "quỹ Vì người nghèo và an sinh xã hội",
    "tổ chức Ngày hội Đại đoàn kết toàn dân tộc", "công tác dân vận chính quyền",
    "tiếp xúc cử tri của đại biểu Quốc hội và Hội đồng nhân dân",
    "phòng, chống thiên tai và cứu trợ", "xây dựng khu dân cư văn hóa",
    "thực hiện Quy chế dân chủ ở cơ sở", "hỗ trợ xây nhà Đại đoàn kết",
    "tổng kết công tác Mặt trận và phương hướng nhiệm vụ",
)  # fmt: skip
SENTENCES = (
    "Căn cứ chương trình công tác năm, Ban Thường trực xây dựng kế hoạch như sau.",
    "Các đơn vị triển khai đến các khu dân cư, bảo đảm đúng tiến độ và hiệu quả.",
    "Kết quả thực hiện báo cáo về Ban Thường trực để tổng hợp.",
    "Kinh phí thực hiện từ nguồn ngân sách được giao và nguồn vận động hợp pháp.",
    "Phối hợp chặt chẽ với các tổ chức thành viên và chính quyền cùng cấp.",
    "Chú trọng lồng ghép với các phong trào thi đua yêu nước ở địa phương.",
)
COMMITTEE_TYPES = (("KH", 30), ("CV", 25), ("TB", 12), ("HD", 10), ("BC", 10), ("GM", 8),
                   ("QĐ", 5))  # fmt: skip
LOCAL_TYPES = (("BC", 50), ("CV", 25), ("KH", 15), ("TTr", 10))
URGENCY = (("normal", 85), ("khan", 10), ("thuong_khan", 4), ("hoa_toc", 1))
WORDS = {
    "KH": "Kế hoạch", "CV": "Về việc", "TB": "Thông báo về", "HD": "Hướng dẫn",
    "BC": "Báo cáo kết quả", "GM": "Mời dự hội nghị về", "QĐ": "Quyết định về",
    "TTr": "Tờ trình về",
}  # fmt: skip
COMMENTS = {
    "send_back": "Đề nghị bổ sung số liệu và chỉnh sửa thể thức trước khi trình lại.",
    "withdraw": "Không còn cần ban hành.",
    "recall": "Văn bản có sai sót về số liệu, thu hồi để ban hành lại.",
    "refuse": "Văn bản không thuộc thẩm quyền xử lý của đơn vị.",
    "assign": "Đề nghị đồng chí chủ trì triển khai, báo cáo kết quả đúng hạn.",
    "complete": "Đã triển khai thực hiện và báo cáo kết quả.",
}


def pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class Copy:
    """One recipient's copy: its organisation, purpose, and its steps (step, at, actor)."""

    organization: int
    purpose: str
    steps: list[tuple[Step, int, int | None]] = field(default_factory=list)
    assignee: int | None = None
    deadline_from: int = 0

    @property
    def status(self) -> str:
        return self.steps[-1][0][3] if self.steps else R.PENDING


@dataclass
class Plan:
    issuer: int
    doc_type: str
    title: str
    body: str
    urgency: str
    secrecy: str
    people: dict[str, int]
    steps: list[tuple[Step, int, int | None]]
    copies: list[Copy]

    @property
    def status(self) -> str:
        return self.steps[-1][0][3]


class Province:
    """Draws documents; ``roster`` is organisation → role → user ids (the demo's and the
    generated people alike), ``tiers`` the organisations that issue, by tier."""

    def __init__(self, rng, roster, tiers, children, parents, province_id, until_us):
        self.rng, self.roster, self.until = rng, roster, until_us
        self.children, self.parents, self.province_id = children, parents, province_id
        self.tiers = {t: orgs for t, orgs in tiers.items() if orgs}
        self.wards = set(self.tiers.get("ward", ()))
        self.shares = [(t, {"committee": 40, "ward": 35, "member": 25}[t]) for t in self.tiers]

    def issuer(self) -> int:
        return self.rng.choice(self.tiers[pick(self.rng, self.shares)])

    def document(self, created: int, *, state: str | None = None, wide: bool = False) -> Plan:
        rng = self.rng
        issuer = self.issuer() if not wide else self.tiers["committee"][0]
        committee = any(c in self.wards for c in self.children.get(issuer, ()))
        doc_type = pick(rng, COMMITTEE_TYPES if committee else LOCAL_TYPES)
        topic = rng.choice(TOPICS)
        year = 1970 + created // (365 * DAY + DAY // 4)
        roles = self.roster[issuer]
        people = {
            "drafter": rng.choice(roles["drafter"]),
            "reviewer": rng.choice(roles["reviewer"]),
            "clerk": roles["clerk"][0],
            "signer": rng.choice(roles["signer"]),
        }
        age_days = (self.until - created) // DAY
        if state is None:
            state = pick(rng, RECENT if age_days <= RECENT_DAYS else OLD)
        plan = Plan(
            issuer=issuer,
            doc_type=doc_type,
            title=f"{WORDS[doc_type]} {topic} năm {year}",
            body=" ".join(rng.sample(SENTENCES, rng.randint(2, 4))),
            urgency=pick(rng, URGENCY),
            secrecy="mat" if rng.random() < 0.02 and not wide else "normal",
            people=people,
            steps=[],
            copies=[],
        )
        path = self._path(state)
        copies = self._copies(issuer, committee, wide) if DISPATCH in path else []
        self._time(plan, path, copies, created, state, wide)
        return plan

    def _path(self, state: str) -> list[Step]:
        rng = self.rng
        path = [CREATE]
        if state == S.DRAFT:
            return path
        if state == S.WITHDRAWN:
            if rng.random() < 0.3:
                return [*path, SUBMIT, RETURN_CONTENT, WITHDRAW_RETURNED]
            return [*path, WITHDRAW]
        path.append(SUBMIT)
        if rng.random() < 0.15:
            path += [RETURN_CONTENT, RESUBMIT]
        if state == S.RETURNED:
            ends = ([RETURN_CONTENT], [APPROVE, RETURN_FORMAT], [APPROVE, FORMAT, RETURN_SIGN])
            return path + rng.choice(ends)
        for step in (APPROVE, FORMAT, SIGN, REGISTER, DISPATCH):
            if path[-1][3] == state:
                break
            path.append(step)
        if state == S.COMPLETED:
            path.append(COMPLETE)
        elif state == S.RECALLED:
            path += [COMPLETE, RECALL_DONE] if rng.random() < 0.3 else [RECALL]
        return path

    def _copies(self, issuer: int, committee: bool, wide: bool) -> list[Copy]:
        rng = self.rng
        copies = []
        if committee:
            kids = self.children[issuer]
            k = len(kids) if wide else min(len(kids), rng.randint(3, 20))
            for org in sorted(rng.sample(kids, k)):
                if org in self.wards:
                    purpose = pick(rng, (("execute", 55), ("inform", 30), ("coordinate", 15)))
                else:
                    purpose = pick(rng, (("coordinate", 40), ("inform", 60)))
                copies.append(Copy(org, purpose))
            if rng.random() < 0.3 and issuer != self.province_id:
                copies.append(Copy(self.province_id, Purpose.REPORT))
        else:
            parent = self.parents.get(issuer)
            if parent is not None:
                copies.append(Copy(parent, Purpose.REPORT))
            kids = self.children.get(issuer, [])
            if kids and rng.random() < 0.4:
                copies.append(Copy(rng.choice(kids), Purpose.INFORM))
        return copies

    def _wait(self, action: str) -> int:
        return max(US * 30, int(self.rng.expovariate(1 / (WAITS[action] * HOUR))))

    def _time(self, plan, path, copies, created, state, wide) -> None:
        """Times for every step, the copies' walks, and everything squeezed into what is
        left of the five years when the document is recent."""
        at, timed = 0, []
        dispatched_at = 0
        for step in path:
            if step == COMPLETE:
                timed.append((step, 0))  # when the last copy settles, below
                continue
            at += 0 if step == CREATE else self._wait(step[0])
            timed.append((step, at))
            if step == DISPATCH:
                dispatched_at = at
        completes = COMPLETE in path
        settled_by = 0
        force = wide and state == S.DISPATCHED
        for n, copy in enumerate(copies):
            walk_state = S.COMPLETED if completes else S.DISPATCHED
            settled_by = max(settled_by, self._walk_copy(copy, dispatched_at, walk_state, n, force))
        if completes:
            done = max(settled_by, dispatched_at) + US
            timed = [(s, done if s == COMPLETE else t) for s, t in timed]
            if path[-1] == RECALL_DONE:
                timed[-1] = (RECALL_DONE, done + self._wait("recall"))
        elif path[-1] == RECALL:
            for copy in copies:
                copy.steps = [s for s in copy.steps if s[1] < at]
                if ASSIGN not in [s for s, _t, _a in copy.steps]:
                    copy.assignee = None
        if copies and not completes and all(settled(c) for c in copies):
            _unsettle(copies[-1])
        latest = max([t for _s, t in timed] + [t for c in copies for _s, t, _a in c.steps])
        room = self.until - 60 * US - created
        factor = min(1.0, room / latest) if latest else 1.0
        people = plan.people
        plan.steps = [(s, created + int(t * factor), people.get(s[4])) for s, t in timed]
        for copy in copies:
            copy.steps = [(s, created + int(t * factor), a) for s, t, a in copy.steps]
            copy.deadline_from = created + int(copy.deadline_from * factor)
        plan.copies = copies

    def _walk_copy(self, copy: Copy, start: int, state: str, n: int, force: bool) -> int:
        rng = self.rng
        acting = copy.purpose in ACTION_PURPOSES
        target: str
        if force:  # one document shows every state of a copy
            states = list(R)
            target = states[n % len(states)]
            if target in (R.ASSIGNED, R.IN_PROGRESS, R.COMPLETED, R.ACKNOWLEDGED):
                copy.purpose, acting = Purpose.EXECUTE, True
        elif state == S.COMPLETED:
            target = (
                R.REFUSED if rng.random() < 0.04 else (R.COMPLETED if acting else R.ACKNOWLEDGED)
            )
        else:
            target = pick(rng, ACTING if acting else NOTING)
        if target == R.PENDING:
            return start
        roles = self.roster[copy.organization]
        clerk, leader = roles["clerk"][0], rng.choice(roles["leader"])
        copy.assignee = rng.choice(roles.get("drafter") or roles["leader"])
        at = start + self._wait("deliver")
        copy.steps.append((DELIVER, at, None))
        walks: dict[str, list[Step]] = {
            R.DELIVERED: [],
            R.REFUSED: [REFUSE],
            R.ACKNOWLEDGED: [ACKNOWLEDGE],
            R.ASSIGNED: [ACKNOWLEDGE, ASSIGN],
            R.IN_PROGRESS: [ACKNOWLEDGE, ASSIGN, START],
            R.COMPLETED: [ACKNOWLEDGE, ASSIGN, START, FINISH]
            if rng.random() < 0.6
            else [ACKNOWLEDGE, ASSIGN, FINISH_AT_ONCE],
        }
        walk = walks[target]
        who = {"clerk": clerk, "leader": leader, "assignee": copy.assignee}
        for step in walk:
            at += self._wait(step[0])
            copy.steps.append((step, at, who[step[4]]))
            if step is ASSIGN:
                copy.deadline_from = at
        if ASSIGN not in walk:
            copy.assignee = None
        return at


SETTLED_CACHE: dict[tuple[str, str], bool] = {}


def settled(copy: Copy) -> bool:
    """``Receipt.is_settled`` of a copy inside the system, asked of the model itself."""
    key = (copy.status, copy.purpose)
    if key not in SETTLED_CACHE:
        from documents.models import Receipt
        from orgchart.models import Organization, OrganizationKind

        ward = Organization(kind=OrganizationKind.WARD)
        SETTLED_CACHE[key] = Receipt(
            status=copy.status, purpose=copy.purpose, document_id=1, organization=ward
        ).is_settled
    return SETTLED_CACHE[key]


def _unsettle(copy: Copy) -> None:
    """A dispatched document still waits on a copy: the last one stays as it arrived."""
    copy.steps = copy.steps[:1]
    copy.assignee = None
