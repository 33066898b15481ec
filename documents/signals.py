"""Signals, so that other apps (flows, delivery, notifications) can react to steps without
``documents`` importing them."""

from django.dispatch import Signal

#: Sent inside a step's transaction, once the new state and its audit event are written.
#: kwargs: ``artifacts`` (a list of Documents, or of Receipts), ``action``, ``actor`` (None for
#: the system). The flows keep their tasks in line here: a receiver that fails rolls the whole
#: step back, so a step and its task bookkeeping commit together or not at all.
stepped = Signal()

#: Sent after a dispatch commits. kwargs: document_id.
document_dispatched = Signal()

#: Sent after a document is recalled. kwargs: document_id.
document_recalled = Signal()

#: Sent inside the chase's transaction (services.chase), once its events are written.
#: kwargs: ``document``, ``receipts`` (the copies chased, not those already chased that day),
#: ``actor``. The notifications go out from here.
receipts_chased = Signal()

#: Sent after a transaction that queued an edXML message (``documents/outbox.py``) commits.
#: kwargs: ``message_id``. The sending task is enqueued from here; the beat job sends what
#: this misses.
outbox_queued = Signal()

#: Sent inside the transaction that records a recall asked of us (13) or answered to us
#: (15, 16) over edXML. kwargs: ``recall`` (a ``Recall``), ``code``. The clerks are told.
recall_exchanged = Signal()

#: Sent inside the chase of one obligation's laggards (services.chase_obligations), before its
#: events are written. kwargs: ``document``, ``obligation``, ``receipts`` (the copies whose
#: organisation still owes it), ``overdue`` (a due date owed has passed), ``owed`` (each copy's
#: open items up to the current period, by the copy's id), ``actor``. A receiver
#: answers with the ids of the copies it reminded now: a copy reminded today already (by the
#: daily reminders or an earlier chase) is not reminded twice, and not counted as chased.
obligations_chased = Signal()
