"""The floor: the lifecycle of bench/lifecycle.py written as hand-made SQL, for comparison.

A floor lifecycle writes the rows the service layer writes, in the same transactions (one per
step, one per receipt delivery, one per acknowledgement, assignment and completion: 75 for
20 recipients of which 14 must act), with the fewest statements that keep the domain's
guarantees: every state change is a conditional ``UPDATE ... WHERE status = ...`` (the row lock
and the state check in one statement), register numbers are taken with ``UPDATE ... RETURNING``
on the locked book, the document is completed under its row lock when the last receipt
settles, and every state change appends to its organisation's audit chain exactly as
documents/audit.py does (head row locked and updated, ``sha256(prev_hash + canonical JSON)``).

What it leaves out is the point of the comparison: viewflow's Process and Task rows, and the
reads that decide who may act (the demo people's ids, roles and clerks are looked up once,
before timing). It drives the straight path only (draft, approvals, signature, register,
dispatch, every recipient acknowledging and the ones that must act completing).

SQL is written once for SQLite (3.35+: RETURNING) and PostgreSQL; values go through the
backend's own adapters (``connection.ops``) so they are stored as the ORM stores them.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from documents import audit, numbering
from documents.models import (
    ACTION_PURPOSES,
    AuditEvent,
    Direction,
    Document,
    DocumentVersion,
    Receipt,
    Recipient,
)
from orgchart.models import Organization
from orgchart.selectors import clerks_of
from workflow.models import Notification
from workflow.notifications import describe, urgency_tag

ACTING = tuple(str(p) for p in ACTION_PURPOSES)

#: documents.models.SETTLED in SQL, for a receipt ``r`` joined to its organisation ``o``.
SETTLED_SQL = f"""(
    r.status = 'refused'
    OR (r.status = 'delivered' AND (r.organization_id IS NULL OR o.kind = 'external'))
    OR (r.purpose IN {ACTING} AND r.status = 'completed')
    OR (r.purpose NOT IN {ACTING}
        AND r.status IN ('acknowledged', 'assigned', 'in_progress', 'completed'))
)"""

NOT_RECALLED = """NOT EXISTS (SELECT 1 FROM documents_document d
    WHERE d.id = documents_receipt.document_id AND d.status = 'recalled')"""

#: The straight path's document steps (the key is the action, or the state a review is in):
#: (state required, new state as SQL, the audit event's data).
DOCUMENT_MOVES = {
    "submit": ("draft", "'in_review'", None),
    # The content review skips the format check when the issuer has none, as the service.
    "in_review": (
        "in_review",
        """CASE WHEN (SELECT requires_format_check FROM orgchart_organization o
            WHERE o.id = documents_document.issuer_id)
        THEN 'format_check' ELSE 'awaiting_signature' END""",
        {"decision": "approve"},
    ),
    "format_check": ("format_check", "'awaiting_signature'", {"decision": "approve"}),
    "sign": ("awaiting_signature", "'signed'", {"decision": "sign"}),
    "register": ("signed", "'issued'", None),
    "dispatch": ("issued", "'dispatched'", None),
}

#: A receipt's steps: (state required, new state, what else must hold).
RECEIPT_MOVES = {
    # Delivered only while its document is still dispatched (not recalled), as deliver_one.
    "deliver": (
        "pending",
        "delivered",
        """EXISTS (SELECT 1 FROM documents_document d
            WHERE d.id = documents_receipt.document_id AND d.status = 'dispatched')""",
    ),
    "acknowledge": ("delivered", "acknowledged", NOT_RECALLED),
    "assign": ("acknowledged", "assigned", f"purpose IN {ACTING} AND {NOT_RECALLED}"),
    "complete": ("assigned", "completed", NOT_RECALLED),
}

#: The signer and their title: their position in the issuer, read inside the UPDATE.
SIGNER_SQL = """signer_id = %s, signer_title = COALESCE(NULLIF((
    SELECT p.name FROM orgchart_membership m JOIN orgchart_position p ON p.id = m.position_id
    WHERE m.user_id = %s AND m.organization_id = documents_document.issuer_id
    AND (m.valid_from IS NULL OR m.valid_from <= %s) AND (m.valid_to IS NULL OR m.valid_to >= %s)
    ORDER BY m.id LIMIT 1), ''), signer_title)"""

#: The document's columns that services._snapshot records, in its order after the title.
SNAPSHOT_FIELDS = (
    "doc_type, urgency, secrecy, authority_prefix, collective_name, signer_title, signer_id, luu"
)


class FloorError(RuntimeError):
    """A floor step found its row missing or in another state: the transaction rolls back."""


@dataclass
class FloorDocument:
    """What the lifecycle knows of its document. Type, title, urgency and secrecy cannot change
    after submit, so later steps use them without reading the row again."""

    id: int
    title: str
    doc_type: str
    urgency: str
    secret: bool
    notice: str = ""  # the clerks' notification text, known once the document is numbered


@dataclass(frozen=True)
class FloorReceipt:
    id: int
    organization_id: int
    purpose: str

    @property
    def must_act(self) -> bool:
        return self.purpose in ACTING


class Floor:
    """The demo's people and organisations, looked up once; then lifecycles in raw SQL."""

    def __init__(self, draft: dict, recipients: list[dict], people: dict, meter, *, steps):
        """``draft``: the fields the service lifecycle drafts with; ``steps``: the names the
        meter charges the dispatch transaction and the delivery to."""
        self.meter, (self.dispatch_step, self.delivery_step) = meter, steps
        self.draft = {k: v for k, v in draft.items() if k != "issuer"}
        self.transactions = 0
        self.ops = connection.ops
        self.issuer = Organization.objects.get(code=draft["issuer"])
        self.people = {name: user.pk for name, user in people.items()}
        self.usernames = {user.pk: name for name, user in people.items()}
        orgs = {o.code: o for o in Organization.objects.filter(code__in=_codes(recipients))}
        self.orgs = {o.pk: o for o in orgs.values()}
        self.recipients = [(orgs[r["organization"]], r["purpose"]) for r in recipients]
        self.clerks = {o.pk: sorted(u.pk for u in clerks_of(o)) for o in orgs.values()}
        if not all(self.clerks.values()):
            raise SystemExit("the floor needs a clerk in every recipient organisation")
        self.handlers = {}
        for org in orgs.values():
            handler = people.get(f"cb.{org.code}") or people[f"ld.{org.code}"]
            self.handlers[org.pk] = (people[f"ld.{org.code}"].pk, handler.pk, handler.username)

    # -----------------------------------------------------------------------------------------
    # The lifecycle, step by step, charged to the same steps as the service layer's

    def lifecycle(self, index: int) -> int:
        step = self.meter.step
        with step("create"):
            doc = self.create(index)
        with step("submit"):
            self.submit(doc)
        with step("review"):
            self.review(doc, "truongban", "in_review")
        with step("review"):
            self.review(doc, "vanthu", "format_check")
        with step("sign"):
            self.sign(doc)
        with step("register"):
            self.register(doc)
        with step(self.delivery_step):
            with step(self.dispatch_step):
                receipts = self.dispatch(doc)
            for receipt in receipts:  # after the dispatch committed, as on_commit delivery
                self.deliver(doc, receipt)
        deadline = timezone.localdate() + datetime.timedelta(days=14)
        for receipt in receipts:
            with step("acknowledge"):
                self.acknowledge(doc, receipt)
            if receipt.must_act:
                with step("assign"):
                    self.assign(doc, receipt, deadline)
                with step("complete"):
                    self.complete(doc, receipt, "Đã xây dựng kế hoạch.")
        return doc.id

    def _transaction(self):
        self.transactions += 1
        return transaction.atomic()

    def create(self, index: int) -> FloorDocument:
        now, d, drafter = self._now(), self.draft, self.people["soanthao"]
        title = f"Kế hoạch đo hiệu năng số {index + 1} (SQL)"
        search_text = Document(doc_type=d["doc_type"], title=title).searchable_text()
        with self._transaction(), connection.cursor() as cur:
            cur.execute(
                """INSERT INTO documents_document (issuer_id, doc_type, title, body, urgency,
                    secrecy, authority_prefix, collective_name, signer_title, signer_id,
                    drafter_id, luu, status, version, book_id, number, symbol, issued_at,
                    search_text, open_receipts, created_at, updated_at)
                VALUES (%s, %s, %s, %s, 'normal', 'normal', %s, %s, %s, NULL, %s, '', 'draft', 0,
                    NULL, NULL, '', NULL, %s, 0, %s, %s)
                RETURNING id""",
                [
                    *(self.issuer.pk, d["doc_type"], title, d["body"], d["authority_prefix"]),
                    *(d["collective_name"], d["signer_title"], drafter, search_text, now, now),
                ],
            )
            doc = FloorDocument(cur.fetchone()[0], title, d["doc_type"], "normal", secret=False)
            rows = [(doc.id, o.pk, o.email, p, i) for i, (o, p) in enumerate(self.recipients)]
            cur.execute(
                "INSERT INTO documents_recipient (document_id, organization_id, name, email, "
                'purpose, "order") VALUES ' + ", ".join(["(%s, %s, '', %s, %s, %s)"] * len(rows)),
                [value for row in rows for value in row],
            )
            self._participant(cur, doc, drafter)
            self._audit(cur, self.issuer.pk, "create", drafter, doc.id, to_status="draft")
        return doc

    def submit(self, doc: FloorDocument) -> None:
        actor = self.people["soanthao"]
        with self._transaction(), connection.cursor() as cur:
            returning = "version, title, body, " + SNAPSHOT_FIELDS
            row = self._step(cur, doc, "submit", actor, "version = version + 1", ret=returning)
            _, version, title, body, *fields = row
            snapshot = self._snapshot(cur, doc, title, fields)
            cur.execute(
                """INSERT INTO documents_documentversion (document_id, number, title, body,
                    snapshot, created_by_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)""",
                [doc.id, version, title, body, self._json(snapshot), actor, self._now()],
            )

    def review(self, doc: FloorDocument, username: str, source: str) -> None:
        with self._transaction(), connection.cursor() as cur:
            self._step(cur, doc, "review", self.people[username], source=source)

    def sign(self, doc: FloorDocument) -> None:
        actor, today = self.people["pct.huy"], self.ops.adapt_datefield_value(self._today())
        with self._transaction(), connection.cursor() as cur:
            self._step(cur, doc, "sign", actor, SIGNER_SQL, [actor, actor, today, today])

    def register(self, doc: FloorDocument) -> None:
        actor, now = self.people["vanthu"], timezone.now()
        with self._transaction(), connection.cursor() as cur:
            book, number = self._take_number(cur, self.issuer.pk, Direction.OUTGOING, doc, now)
            symbol = numbering.symbol_for(
                number=number, doc_type=doc.doc_type, issuer_symbol=self.issuer.symbol
            )
            search = Document(doc_type=doc.doc_type, title=doc.title, symbol=symbol)
            sets = "book_id = %s, number = %s, symbol = %s, issued_at = %s, search_text = %s"
            params = [book, number, symbol, self._dt(now), search.searchable_text()]
            data = {"number": number, "symbol": symbol}
            self._step(cur, doc, "register", actor, sets, params, data=data)
        issued = Document(
            issuer=self.issuer, doc_type=doc.doc_type, title=doc.title, symbol=symbol, issued_at=now
        )
        doc.notice = f"{urgency_tag(doc.urgency)}Văn bản đến: {describe(issued)}"

    def dispatch(self, doc: FloorDocument) -> list[FloorReceipt]:
        """The receipts are one INSERT ... SELECT from the recipients: no read, whatever the
        number of recipients."""
        actor, now = self.people["vanthu"], self._now()
        with self._transaction(), connection.cursor() as cur:
            self._step(cur, doc, "dispatch", actor)
            cur.execute(
                """INSERT INTO "documents_receipt" (document_id, recipient_id, organization_id,
                    purpose, urgency, status, book_id, incoming_number, delivered_at,
                    received_at, assignee_id, deadline, report, reason, delivery_problem,
                    sender_name, sender_symbol, sender_date, sender_title, sender_doc_type,
                    created_at, updated_at)
                SELECT r.document_id, r.id, r.organization_id, r.purpose, d.urgency, 'pending',
                    NULL, NULL, NULL, NULL, NULL, NULL, '', '', '', '', '', NULL, '', '', %s, %s
                FROM documents_recipient r JOIN documents_document d ON d.id = r.document_id
                WHERE r.document_id = %s ORDER BY r."order", r.id
                RETURNING id, organization_id, purpose""",
                [now, now, doc.id],
            )
            receipts = sorted((FloorReceipt(*row) for row in cur.fetchall()), key=lambda r: r.id)
            if not receipts:
                raise FloorError(f"document {doc.id} has no recipients")
        return receipts

    def deliver(self, doc: FloorDocument, receipt: FloorReceipt) -> None:
        """Arrived (01), and the recipient's clerks told in the same transaction."""
        now = self._now()
        with self._transaction(), connection.cursor() as cur:
            sets = "delivered_at = %s, delivery_problem = ''"
            self._receipt_step(cur, doc, receipt, "deliver", None, sets, [now])
            clerks = self.clerks[receipt.organization_id]
            cur.execute(
                'INSERT INTO workflow_notification (user_id, kind, document_id, receipt_id, "key", '
                '"text", created_at, read_at) VALUES '
                + ", ".join(["(%s, 'delivered', %s, %s, '', %s, %s, NULL)"] * len(clerks))
                + " ON CONFLICT DO NOTHING",
                [v for clerk in clerks for v in (clerk, doc.id, receipt.id, doc.notice, now)],
            )

    def acknowledge(self, doc: FloorDocument, receipt: FloorReceipt) -> None:
        """The next số đến of the recipient's incoming book, taken under its lock."""
        actor, now = self.people[f"vt.{self.orgs[receipt.organization_id].code}"], timezone.now()
        with self._transaction(), connection.cursor() as cur:
            org = receipt.organization_id
            book, number = self._take_number(cur, org, Direction.INCOMING, doc, now)
            sets = "book_id = %s, incoming_number = %s, received_at = %s"
            params = [book, number, self._dt(now)]
            self._receipt_step(cur, doc, receipt, "acknowledge", actor, sets, params)
            if not receipt.must_act:  # reporting and informed recipients settle here
                self._settle(cur, doc)

    def assign(self, doc: FloorDocument, receipt: FloorReceipt, deadline: datetime.date) -> None:
        leader, handler, username = self.handlers[receipt.organization_id]
        with self._transaction(), connection.cursor() as cur:
            params = [handler, self.ops.adapt_datefield_value(deadline)]
            data = {"assignee": username, "deadline": deadline.isoformat()}
            sets = "assignee_id = %s, deadline = %s"
            self._receipt_step(cur, doc, receipt, "assign", leader, sets, params, data=data)

    def complete(self, doc: FloorDocument, receipt: FloorReceipt, report: str) -> None:
        _, handler, _ = self.handlers[receipt.organization_id]
        with self._transaction(), connection.cursor() as cur:
            sets, params = "report = %s", [report]
            self._receipt_step(cur, doc, receipt, "complete", handler, sets, params, comment=report)
            self._settle(cur, doc)

    # -----------------------------------------------------------------------------------------
    # The shared pieces

    def _step(self, cur, doc, action, actor, sets="", params=(), *, source="", data=None, ret=""):
        """A document step: its row lock, state check and transition in one UPDATE, the actor
        as participant, the audit event. Returns the row's new status and ``ret`` columns."""
        source, target, default_data = DOCUMENT_MOVES[source or action]
        cur.execute(
            f"UPDATE documents_document SET status = {target}{', ' if sets else ''}{sets}, "
            f"updated_at = %s WHERE id = %s AND status = %s "
            f"RETURNING status{', ' if ret else ''}{ret}",
            [*params, self._now(), doc.id, source],
        )
        row = cur.fetchone()
        if row is None:
            raise FloorError(f"document {doc.id} is not {source}")
        self._participant(cur, doc, actor)
        data = data or default_data
        self._audit(cur, self.issuer.pk, action, actor, doc.id, source, row[0], data=data)
        return row

    def _receipt_step(self, cur, doc, receipt, action, actor, sets, params, **audit_fields):
        """A receipt step: lock, state check and transition in one UPDATE, the audit event."""
        source, target, check = RECEIPT_MOVES[action]
        cur.execute(
            f"UPDATE documents_receipt SET status = %s, {sets}, updated_at = %s "
            f"WHERE id = %s AND status = %s AND {check} RETURNING id",
            [target, *params, self._now(), receipt.id, source],
        )
        if cur.fetchone() is None:
            raise FloorError(f"receipt {receipt.id} is not {source}")
        org, receipt_id = receipt.organization_id, receipt.id
        self._audit(
            cur, org, action, actor, doc.id, source, target, receipt=receipt_id, **audit_fields
        )

    def _participant(self, cur, doc: FloorDocument, user_id: int) -> None:
        cur.execute(
            "INSERT INTO documents_document_participants (document_id, user_id) "
            "VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [doc.id, user_id],
        )

    def _snapshot(self, cur, doc: FloorDocument, title: str, fields: list) -> dict:
        """services._snapshot from one read: recipients, references and attachments."""
        doc_type, urgency, secrecy, prefix, collective, signer_title, signer_id, luu = fields
        cur.execute(
            """SELECT 0, r."order", r.id, o.code, COALESCE(o.name, r.name), r.email, r.purpose
                FROM documents_recipient r
                LEFT JOIN orgchart_organization o ON o.id = r.organization_id
                WHERE r.document_id = %s
            UNION ALL SELECT 1, 0, x.receipt_id, NULL, NULL, NULL, NULL
                FROM documents_document_references x WHERE x.document_id = %s
            UNION ALL SELECT 2, 0, a.id, NULL, a.original_name, NULL, NULL
                FROM documents_attachment a WHERE a.document_id = %s
            ORDER BY 1, 2, 3""",
            [doc.id, doc.id, doc.id],
        )
        rows = cur.fetchall()
        return {
            "issuer": self.issuer.code,
            "doc_type": doc_type,
            "title": title,
            "urgency": urgency,
            "secrecy": secrecy,
            "authority_prefix": prefix,
            "collective_name": collective,
            "signer_title": signer_title,
            "signer": self.usernames.get(signer_id) if signer_id else None,
            "luu": luu,
            "recipients": [
                {"organization": code, "name": name, "email": email, "purpose": purpose}
                for kind, _, _, code, name, email, purpose in rows
                if kind == 0
            ],
            "references": sorted(row[2] for row in rows if row[0] == 1),
            "attachments": [row[4] for row in rows if row[0] == 2],
        }

    def _take_number(self, cur, organization_id, direction, doc, at) -> tuple[int, int]:
        """numbering.take_number in one statement: the book row locked and advanced."""
        key = [organization_id, str(direction), numbering.registration_year(at), doc.secret]
        for _attempt in range(2):
            cur.execute(
                "UPDATE documents_registerbook SET last_number = last_number + 1 WHERE "
                'organization_id = %s AND direction = %s AND "year" = %s AND secret = %s '
                "RETURNING id, last_number",
                key,
            )
            row = cur.fetchone()
            if row is not None:
                return row
            # First number of the series: create its book (once per organisation and year).
            cur.execute(
                "INSERT INTO documents_registerbook (organization_id, direction, "
                '"year", secret, last_number) VALUES (%s, %s, %s, %s, 0) ON CONFLICT DO NOTHING',
                key,
            )
        raise FloorError(f"no register book for {key}")

    def _settle(self, cur, doc: FloorDocument) -> None:
        """services._settle_document: under the document's row lock, complete it when no
        receipt is left unsettled (the lock makes the last of concurrent settlers see all)."""
        cur.execute(
            "UPDATE documents_document SET status = status WHERE id = %s RETURNING status",
            [doc.id],
        )
        if cur.fetchone()[0] != "dispatched":
            return
        cur.execute(
            f"""UPDATE documents_document SET status = 'completed', updated_at = %s
            WHERE id = %s AND NOT EXISTS (SELECT 1 FROM documents_receipt r
                LEFT JOIN orgchart_organization o ON o.id = r.organization_id
                WHERE r.document_id = %s AND NOT {SETTLED_SQL})
            RETURNING id""",
            [self._now(), doc.id, doc.id],
        )
        if cur.fetchone() is not None:
            self._audit(cur, self.issuer.pk, "complete", None, doc.id, "dispatched", "completed")

    def _audit(
        self,
        cur,
        organization_id: int,
        action: str,
        actor_id: int | None,
        document_id: int,
        from_status: str = "",
        to_status: str = "",
        *,
        receipt: int | None = None,
        comment: str = "",
        data: dict | None = None,
    ) -> None:
        """audit.record in three statements: the chain's head locked and advanced, the event,
        the head's new hash."""
        key = audit.chain_key(organization_id)
        for _attempt in range(2):
            cur.execute(
                'UPDATE documents_auditchain SET length = length + 1 WHERE "key" = %s '
                "RETURNING id, length, head_hash",
                [key],
            )
            head = cur.fetchone()
            if head is not None:
                break
            cur.execute(
                'INSERT INTO documents_auditchain ("key", length, head_hash) '
                "VALUES (%s, 0, '') ON CONFLICT DO NOTHING",
                [key],
            )
        else:
            raise FloorError(f"no audit chain {key}")
        chain_id, position, prev_hash = head
        event = AuditEvent(
            chain=key,
            position=position,
            at=timezone.now(),
            actor_id=actor_id,
            on_behalf_of_id=None,
            organization_id=organization_id,
            action=action,
            document_id=document_id,
            receipt_id=receipt,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
            # What is hashed is what the JSON column gives back, as audit._jsonable ensures.
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            ip=None,
            prev_hash=prev_hash,
        )
        event.hash = audit.compute_hash(prev_hash, event)
        cur.execute(
            """INSERT INTO documents_auditevent (chain, "position", "at", actor_id,
                on_behalf_of_id, organization_id, action, document_id, receipt_id, from_status,
                to_status, comment, data, ip, prev_hash, hash)
            VALUES (%s, %s, %s, %s, NULL, %s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s)""",
            [
                *(key, position, self._dt(event.at), actor_id, organization_id, action),
                *(document_id, receipt, from_status, to_status, comment),
                *(self._json(event.data), prev_hash, event.hash),
            ],
        )
        cur.execute(
            "UPDATE documents_auditchain SET head_hash = %s WHERE id = %s", [event.hash, chain_id]
        )

    def _now(self):
        return self._dt(timezone.now())

    def _dt(self, value: datetime.datetime):
        return self.ops.adapt_datetimefield_value(value)

    def _json(self, value):
        return self.ops.adapt_json_value(value, None)

    @staticmethod
    def _today() -> datetime.date:
        return timezone.localdate()


def _codes(recipients: list[dict]) -> list[str]:
    return [r["organization"] for r in recipients]


# ---------------------------------------------------------------------------------------------
# Proof: the floor's rows are the service layer's rows


def shape(document_id: int) -> dict:
    """A document's rows with what legitimately differs between two lifecycles (ids, times,
    numbers, title, hashes) left out: the service's and the floor's documents must agree."""
    document = Document.objects.get(pk=document_id)
    receipts = Receipt.objects.filter(document_id=document_id).order_by("pk")
    version = DocumentVersion.objects.get(document_id=document_id)
    snapshot = {k: v for k, v in version.snapshot.items() if k != "title"}
    events = AuditEvent.objects.filter(document_id=document_id).order_by("seq")
    return {
        "document": (
            document.status,
            document.version,
            document.signer_id,
            document.signer_title,
            document.book_id is not None and document.number is not None,
            bool(document.symbol and document.issued_at),
        ),
        "recipients": list(
            Recipient.objects.filter(document_id=document_id)
            .order_by("order")
            .values_list("organization_id", "email", "purpose", "order")
        ),
        "participants": sorted(document.participants.values_list("pk", flat=True)),
        "version": (version.number, version.body, version.created_by_id, snapshot),
        "receipts": [
            (
                r.organization_id,
                r.purpose,
                r.status,
                r.book_id is not None and r.incoming_number is not None,
                bool(r.delivered_at and r.received_at),
                r.assignee_id,
                r.deadline,
                r.report,
            )
            for r in receipts
        ],
        "notifications": Counter(
            Notification.objects.filter(document_id=document_id).values_list("user_id", "kind")
        ),
        "audit": Counter(
            (
                *(e.action, e.actor_id, e.organization_id, e.chain, e.from_status, e.to_status),
                *(e.receipt_id is not None, e.comment, json.dumps(_stable(e.data), sort_keys=True)),
            )
            for e in events
        ),
    }


def _stable(data: dict) -> dict:
    """Register numbers differ between two documents; whether they are there does not."""
    return {k: (type(v).__name__ if k in ("number", "symbol") else v) for k, v in data.items()}
