"""The audit trail: append-only and hash-chained (docs/ARCHITECTURE.md §3).

Each event's hash is sha256(prev_hash + canonical JSON of the event). Events are chained per
organisation in whose name the action happens (the issuer for a document's steps, the
recipient for a receipt's), so recipients acknowledging at once do not queue on one lock,
while each chain stays strictly linear: its head row is locked for every append.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AuditChain, AuditEvent, Document, Receipt

SYSTEM_CHAIN = "system"


def chain_key(organization_id: int | None) -> str:
    return f"org:{organization_id}" if organization_id else SYSTEM_CHAIN


def canonical(event: AuditEvent) -> str:
    payload = {
        "chain": event.chain,
        "position": event.position,
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "on_behalf_of": event.on_behalf_of_id,
        "organization": event.organization_id,
        "action": event.action,
        "document": event.document_id,
        "receipt": event.receipt_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "comment": event.comment,
        "data": event.data,
        "ip": event.ip,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode("utf-8")).hexdigest()


def record(
    *,
    actor,
    action: str,
    document: Document | None = None,
    receipt: Receipt | None = None,
    organization_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    data: dict | None = None,
    on_behalf_of_id: int | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event, inside the transaction of the change it records (a transaction of
    its own when there is none: sign-ins)."""
    fields = {
        "on_behalf_of_id": on_behalf_of_id,
        "from_status": from_status or "",
        "to_status": to_status or "",
        "comment": comment or "",
        "data": _jsonable(data or {}),
        "ip": ip,
    }
    if organization_id is None:
        if receipt is not None and receipt.organization_id:
            organization_id = receipt.organization_id
        elif document is not None:
            organization_id = document.issuer_id
        elif receipt is not None and receipt.document is not None:
            organization_id = receipt.document.issuer_id
    key = chain_key(organization_id)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # Sign-ins arrive outside any transaction; a step's events join the step's own.
        with transaction.atomic():
            return _append(key, organization_id, actor, action, document, receipt, **fields)
    return _append(key, organization_id, actor, action, document, receipt, **fields)


def _append(key, organization_id, actor, action, document, receipt, **fields) -> AuditEvent:
    """Three statements: lock the chain's head, insert the event, move the head."""
    head = AuditChain.objects.select_for_update().filter(key=key).first()
    if head is None:
        head = _new_head(key)
    event = AuditEvent(
        chain=key,
        position=head.length + 1,
        at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        organization_id=organization_id,
        action=action,
        document=document if document is not None else (receipt.document if receipt else None),
        receipt=receipt,
        prev_hash=head.head_hash,
        **fields,
    )
    event.hash = compute_hash(head.head_hash, event)
    event.save(force_insert=True)
    AuditChain.objects.filter(pk=head.pk).update(length=event.position, head_hash=event.hash)
    return event


def record_many(
    *,
    action: str,
    receipts: list[Receipt],
    from_status: str,
    to_status: str,
    data_for: Callable[[Receipt], dict] | None = None,
    actor=None,
    organization_id: int | None = None,
):
    """One step done to many receipts at once (a delivery chunk, a chase): the heads of their
    chains locked in one statement, the events inserted in one, the heads moved in one. The
    events are chained in each receipt's organisation, or all in ``organization_id`` when the
    step is taken in its name (the issuer chasing its recipients)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_many must run inside the transaction of the change")
    org_of = (lambda r: organization_id) if organization_id else (lambda r: r.organization_id)
    keys = sorted({chain_key(org_of(r)) for r in receipts})
    heads = {h.key: h for h in AuditChain.objects.select_for_update().filter(key__in=keys)}
    for key in keys:
        if key not in heads:
            heads[key] = _new_head(key)
    now = timezone.now()
    events = []
    for receipt in receipts:
        head = heads[chain_key(org_of(receipt))]
        event = AuditEvent(
            chain=head.key,
            position=head.length + 1,
            at=now,
            actor=actor,
            organization_id=org_of(receipt),
            action=action,
            document_id=receipt.document_id,
            receipt=receipt,
            from_status=from_status,
            to_status=to_status,
            data=data_for(receipt) if data_for else {},
            prev_hash=head.head_hash,
        )
        event.hash = compute_hash(head.head_hash, event)
        head.length, head.head_hash = event.position, event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    AuditChain.objects.bulk_update(list(heads.values()), ["length", "head_hash"])
    return events


def _new_head(key: str) -> AuditChain:
    """The first event of an organisation's chain creates its head; of two at once, one
    creates it and both then lock it."""
    try:
        with transaction.atomic():
            AuditChain.objects.create(key=key)
    except IntegrityError:
        pass
    return AuditChain.objects.select_for_update().get(key=key)


def latest_step(artifact: Document | Receipt) -> tuple[object, str | None]:
    """Who took the step that led the artifact into its current state (None: the system),
    and the state it left; (None, None) when no event says."""
    events = AuditEvent.objects.filter(to_status=artifact.status).select_related("actor")
    if isinstance(artifact, Document):
        events = events.filter(document=artifact, receipt__isnull=True)
    else:
        # A receipt. mypy cannot narrow by isinstance here: both models have an untyped base
        # (django-fsm's mixin).
        events = events.filter(receipt=cast(Receipt, artifact))
    event = events.order_by("-seq").first()
    if event is None:
        return None, None
    return event.actor, event.from_status


def _jsonable(data: dict) -> dict:
    # Round-trip so that what is hashed is exactly what the JSON column gives back.
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int | None
    reason: str
    #: What kind of break, for a screen to name it in its own words: position, order, link,
    #: content, headless or head.
    kind: str = ""

    def __str__(self) -> str:
        where = f"event #{self.seq}" if self.seq is not None else "end of chain"
        return f"chain {self.chain}: {where}: {self.reason}"


def verify() -> Iterator[Break]:
    """Re-walk every chain; yield the first break of each broken chain."""
    heads = {c.key: c for c in AuditChain.objects.all()}
    keys = set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    for key in sorted(keys):
        problem = _verify_chain(key, heads.get(key))
        if problem:
            yield problem


def verify_chains(keys: list[str]) -> dict[str, Break | None]:
    """Re-walk the named chains only (an auditor's organisations): each one's first break,
    or None where it is intact (a chain with no event yet included)."""
    heads = {c.key: c for c in AuditChain.objects.filter(key__in=keys)}
    found: dict[str, Break | None] = {}
    for key in keys:
        if key not in heads and not AuditEvent.objects.filter(chain=key).exists():
            found[key] = None
            continue
        found[key] = _verify_chain(key, heads.get(key))
    return found


def _verify_chain(key: str, head: AuditChain | None) -> Break | None:
    prev_hash, expected_position, last_seq = "", 1, None
    events = AuditEvent.objects.filter(chain=key).order_by("position", "seq")
    for event in events.iterator(chunk_size=2000):
        if event.position != expected_position:
            return Break(
                key,
                event.seq,
                f"expected position {expected_position}, found "
                f"{event.position}: an event was removed or reordered",
                "position",
            )
        if last_seq is not None and event.seq <= last_seq:
            return Break(key, event.seq, "sequence goes backwards: events were reordered", "order")
        if event.prev_hash != prev_hash:
            return Break(key, event.seq, "prev_hash does not match the previous event", "link")
        if compute_hash(prev_hash, event) != event.hash:
            return Break(
                key, event.seq, "content does not match its hash: the event was altered", "content"
            )
        prev_hash, expected_position, last_seq = event.hash, expected_position + 1, event.seq
    length = expected_position - 1
    if head is None:
        return Break(key, None, "the chain has events but no head", "headless")
    if head.length != length or head.head_hash != prev_hash:
        return Break(
            key,
            None,
            f"the head records {head.length} events, found {length}: "
            "events at the end were removed or the head was altered",
            "head",
        )
    return None
