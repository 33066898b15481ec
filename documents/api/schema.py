"""The OpenAPI document, with the decisions a client needs that the shapes alone do not say.

The same document is served at ``/api/schema/`` and written by ``manage.py spectacular``: the
description is set by a postprocessing hook (``SPECTACULAR_SETTINGS``), not by the view.
"""

from drf_spectacular.hooks import postprocess_schema_enums
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

DESCRIPTION = """
Văn bản MTTQ (the API's title is kept in ASCII, `Vanban MTTQ API`, because client generators
name their packages after it) — document approval and circulation. JSON over `/api/v1/`.

**Authentication.** `POST /api/v1/auth/token/ {"username", "password"}` answers `{"token",
"expiry"}`; send the token as `Authorization: Token <token>`. A token stops working at `expiry`
(ISO 8601, `TOKEN_TTL_HOURS` after sign-in, default 10), when `POST /api/v1/auth/logout/` is
sent with it (204), or when its person revokes it: `GET /api/v1/auth/tokens/` lists the
caller's own tokens `{id, created, expiry, current}` (`id` is a short name, not the token),
`DELETE /api/v1/auth/tokens/{id}/` revokes one (204; another person's: 404). Tokens are stored
as digests only. A browser may use its Django session instead (then unsafe methods need the
CSRF token). Without credentials, or with an expired or revoked token, every endpoint but the
token one answers 401. After `LOGIN_FAILURE_LIMIT` (default 5) failed sign-ins of one username
from one address, that username answers 429 `locked_out` from that address, even to the right
password, for 15 minutes, doubled on each further lock-out within a day; `Retry-After` gives
the seconds left. Other usernames from that address, and that username from elsewhere, are
not affected. Sign-ins, sign-outs, lock-outs and failed sign-ins are in the audit trail.

**Errors.** Every error body is `{"detail": "...", "code": "..."}`; messages are in
Vietnamese, in English with `Accept-Language: en`. A 400 adds `errors`, a map from field to a
list of messages; nested fields use paths such as `recipients.0.purpose`, errors not tied to
a field use `non_field_errors`. Codes: 400 `invalid` (or `invalid_credentials` from the token
endpoint, `parse_error` for a body that is not JSON or not UTF-8, its reason under
`non_field_errors`); 401 `not_authenticated`/`authentication_failed`;
403 `permission_denied` (visible but not allowed); 404 `not_found` (absent, or not visible to
the caller — never 403 for what the caller may not know exists); 405 `method_not_allowed`;
409 `invalid_state` (wrong state), `concurrent_change` (someone else acted first),
`no_recipients`, `already_chased`; 413 `too_large`; 415 `unsupported_media_type`; 429 `locked_out`.

**Bodies** are JSON (`Content-Type: application/json`), except an upload (multipart) and an
edXML package (`application/xml`, `POST /api/v1/edxml/`).

**edXML** (QCVN 102:2016). `GET /api/v1/documents/{id}/edxml/` is the package of an issued
document (issuer side), `POST /api/v1/edxml/` registers a package as an incoming document of
the clerk's organisation, `GET /api/v1/receipts/{id}/status/` is the status message of a copy
(01 delivered … 06 completed, 13 recalled). These answer `application/xml`; their errors are
JSON like every other. Organisations are addressed by their QCVN 102 identifier (`OrganId`).

**Bad input** is a 400, never a 500, and changes nothing: JSON nested deeper than 50 levels
(`invalid`), a value of the wrong type, a string longer than the field it is stored in (each
field's limit is its column's), and a NUL byte anywhere — in a query parameter or a header
(the parameter is named under `errors`), or in any string or key of a body (by its path). A
body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MB by default) is a 413 `too_large`.
Attachments are recognised by their content (PDF, DOCX, XLSX, ODT, PNG, JPEG), at most
`ATTACHMENT_MAX_BYTES`; an archive that would unpack to far more than any document (a
compressed bomb) is a 400 `invalid` with the message under `errors.file`.

**Lists** are paginated: `{"count", "next", "previous", "results"}` with `?page=` (from 1) and
`?page_size=` (default 50, at most 500). This holds for every list, including organisations,
a document's receipts, its audit trail and the inbox.

**Documents.** Organisations are named by their `code` everywhere. `signing_authority` (thể
thức ký) is optional and accepted in two shapes: a string holding the prefix, with or without
its dot and optionally followed by the collective name (`"TM"`, `"TM."`, `"TM. BAN THƯỜNG
TRỰC"`), or an object `{"prefix": "TM", "collective_name": "BAN THƯỜNG TRỰC", "signer_title":
"PHÓ CHỦ TỊCH", "signer": "pct.huy"}` with every key optional. The flat fields
`authority_prefix`, `collective_name`, `signer_title` and `signer` are accepted too and win over
the object. Prefixes: `TM`, `KT`, `TL`, `TUQ`, `Q` or empty. Responses always carry the object
form. `references` are ids of incoming receipts of the issuer. `can_cu` (optional) holds the
legal bases (Căn cứ) as text, one a line; the printed document sets them in italics above the
body, each ending in ";" and the last in ".", so send them without that punctuation. A
recipient is `{organization, purpose}`, `{name, email, purpose}` for an outside recipient, or
`{group, purpose, exclude}` for a group of the org chart seen from the issuer (`superiors`,
`members`, `wards`); with a group the list is kept in the order of Nơi nhận. `q` searches
words in the type, title and symbol ignoring case and Vietnamese accents (`ke hoach` finds
`Kế hoạch`).
`available_actions` lists what the caller may do now: `edit`, `submit`, `withdraw`, `attach`,
`review`, `sign`, `register`, `dispatch`, `recall`, `chase` (on receipts: `acknowledge`, `refuse`,
`assign`, `start`, `progress`, `contribute`, `complete`).

**Handling an incoming document.** `POST /api/v1/receipts/{id}/assign/ {"assignee", "deadline",
"coordinators", "informed", "instruction"}`: the leader names the chủ trì handler (`assignee`,
who completes with the report), optionally the phối hợp handlers (`coordinators`, usernames;
each gets a `coordinate` task) and the people để biết (`informed`, usernames; each is
notified), and the ý kiến chỉ đạo (`instruction`). Everyone named must be a member of the
receiving organisation and appear once (else 400 on that field); a request with `assignee` and
`deadline` only works as before. `POST .../progress/ {"note"}`: a progress note (cập nhật tiến
độ) from the chủ trì or an open phối hợp handler, the state unchanged (200 with the receipt;
409 once completed). `POST .../contribute/ {"contribution"}`: a phối hợp handler's part, which
closes their `coordinate` task. A receipt's `handling` (instruction, coordinators with their
contributions, informed, progress notes oldest first) is shown to the receiving
organisation's people and those it names, null to the issuer's side, which sees the
`assignee`, `deadline` and `report`.

**Search.** `GET /api/v1/search/?q=` finds, among what the caller may see, the documents of the
caller's side (`kind: "document"`, `id` a document id) and the copies that arrived at the
caller's organisations, from the system or from outside (`kind: "receipt"`, `id` a receipt id;
a recipient finds its copy, never the issuer's document): `{kind, id, title, symbol, status}`,
paginated. Every word must match the type, title, symbol (`01/KH`), issuer, body or the text
of an attachment (PDF, DOCX, ODT, XLSX), or an outside document's sender, title or files,
ignoring case, Vietnamese accents and Unicode form; the query is cut at 200 characters and 8
words. Ordered by relevance: first those whose symbol starts with the query, then those with
every word in the type, title, symbol or issuer, then those matched only in the body or an
attachment; newest first within each. The lists' `q` (documents here, receipts on screen) is
the same search.

**Obligations.** A draft may carry `obligations: [{kind: "plan"|"report", title, due,
organizations: [codes]}]` (create and PATCH while editable; a PATCH replaces the list); each
organisation must be a recipient with purpose `execute`, else 400 on `obligations`.
`GET /api/v1/documents/{id}/obligations/` (issuer side; a recipient gets 403) answers
`[{id, kind, title, due, counts: {total, fulfilled, late, pending, refused}, items:
[{organization, status, document, fulfilled_at}]}]`; the counts partition the items
(`fulfilled` on time, `late` fulfilled after the due date, `pending` not yet, overdue or
not), and `status` is `pending`, `fulfilled`, `fulfilled_late`, `overdue` or `refused`. A
recipient answers with a document of its own: `POST /api/v1/documents/` with `issuer` its
code, `replies_to` its receipt's id and `fulfils` the obligation ids, addressed to the
obligation's issuer (else 400 on `recipients`); the copy answered becomes one of its
`references`. When that document is delivered to the issuer the item is fulfilled; a later
reply replaces an earlier one in the roll-up (`document` names the latest). Receipts carry
`obligations: [{id, kind, title, due, status}]`, what their organisation owes.

**Recurring obligations.** An obligation may add `recurrence` (`monthly`, `quarterly`,
`half_yearly`, `yearly`; `""` once, the default) and `until` (its last due date: by default
31 December of the first due date's year, at most 5 years on); period n falls due n months,
quarters, half-years or years after `due` (the day kept, or the month's last). Each
organisation then owes an item per period, and each item carries `period` (its key: `2023-06`,
`2023-Q2`, `2023-H1`, `2023`; null once), `period_label` ("6 tháng đầu năm 2023") and `due`.
A reply answers one period of each obligation it fulfils: by default the earliest its issuer
has not fulfilled yet, or the one named in `fulfils_periods: {"<obligation id>": "<key>"}`
(400 for a key the obligation does not have); a later reply for the same period replaces the
earlier one. `?period=<key>` narrows the roll-up to that period, and the compile action takes
`?period=` too (by default the current period: the first not yet due, else the last).

**Registers.** `GET /api/v1/registers/?organization=<code>&direction=outgoing|incoming&year=YYYY`
(year defaults to this one; `secret=true` for the secret book; `from`/`to` dates narrow it to
what was registered between them) answers the sổ đăng ký's rows in number order, paginated:
`{number, document, receipt, columns}` where `number` is the số (outgoing) or the số đến
(incoming) and `columns` holds the ten columns of Decree 30's register forms (outgoing:
`symbol, date, title, signer, recipients, luu, copies, dispatched, signed_for, note`; incoming:
`arrived, number, author, symbol, date, title, handler, handed_over, signed_for, note`; dates as
`YYYY-MM-DD` in Vietnam's time). `format=xlsx` or `format=pdf` returns the whole book (at most
5,000 rows; a longer one answers 400 asking for a date range) as a workbook or as the printed,
bindable register. The organisation's clerks, leaders, signers and auditors read its books (the
secret one: clerks, leaders and signers); anyone else 403; an unknown organisation 404.

**Inbox.** `GET /api/v1/inbox/` lists the caller's open tasks `{kind, document, receipt, title,
urgency, due, status}`. `kind` is what the caller can do: `submit` (own draft), `revise` (own
returned draft), `review` (content review), `format_check` (the clerk's review at
`format_check`; act with `.../review/`), `sign`, `register`, `dispatch`, `acknowledge` (a
receipt that arrived), `assign` (an acknowledged receipt that must be handled), `complete`
(a receipt assigned to the caller as chủ trì), `coordinate` (a receipt whose phối hợp part is
the caller's; act with `.../contribute/`). `receipt` is null for document tasks; `due` is the
receipt's deadline.

**Chasing (đôn đốc).** `POST /api/v1/documents/{id}/chase/ {"receipts": [ids]}` reminds the
recipients of those copies of a dispatched document that they lag: a copy not yet
acknowledged, acknowledged and awaiting its handler, or being handled and not yet reported.
Who may: the issuer's clerks, the document's drafter and its signer (others 403; a document
not dispatched, or a copy that no longer lags, 409 `invalid_state`). Each copy is chased at
most once a day: copies already chased today are left out, and when all were, nothing is
written and the answer is 409 `already_chased`. An id that is not a copy of this document is
a 400 under `errors.receipts`. The answer is the document (200). Each copy chased is a trail
event `chase` on that copy, and whoever it waits on is notified: its clerks until it is
acknowledged, its leaders until a handler is named, then the handler.

**Sharing.** A document may be shared with one active person of the org chart beyond what
the chart lets them see: `comment` (xin ý kiến: they may read it and give an opinion), `inform`
(để biết: they may read it) or `secret` (they may read it although it is secret; a secret
document is shown through `comment`/`inform` only to someone who may already read it).
`GET /api/v1/documents/{id}/shares/` lists the shares `{person, full_name, purpose,
purpose_label, granted_at, granted_by}` (issuer side only, others get 403).
`POST .../shares/ {"person": "<username>", "purpose"}` shares it: 201, or 200 when it was
already shared so (no second trail event). `DELETE .../shares/{person}/{purpose}/` takes it
back: 204, also when it was not shared so. Who may share: the document's drafter and the
issuer's reviewers, clerks and signers; `secret` only the issuer's signers and leaders. A
`comment` share is given while the text can still change (draft to awaiting signature),
`inform` and `secret` in every state but withdrawn and recalled (else 409); a share is taken
back in any state by whoever may give it. `POST /api/v1/documents/{id}/opinion/ {"comment"}`:
the opinion of someone holding a `comment` share, before signing (201 with the trail event
`opinion`; anyone else 403, after signing 409). Shares and opinions are in the audit trail
(`grant`, `revoke`, `opinion`).

**Uploads.** `POST /api/v1/documents/{id}/attachments/` (multipart, field `file`): PDF, DOCX,
XLSX, ODT, PNG or JPEG, recognised by content, not by name (else 415); larger than the
configured limit (default 20 MB) → 413. The stored name is generated; the original name is
kept as metadata.
"""


#: The routes a viewset has without ``@action``; their operation ids keep the method's verb.
STANDARD_ACTIONS = frozenset({"list", "create", "retrieve", "update", "partial_update", "destroy"})


class AutoSchema(SpectacularAutoSchema):
    """What a generated client is built from.

    A body the API reads as JSON is described as JSON only. The API also parses a form post
    there, but a schema offering three encodings of one nested body gives a generated client
    three identical types and no way to choose; uploads (no JSON parser) stay multipart.

    Operation ids are what a generated client names its functions: ``documents_submit``
    and ``receipts_acknowledge`` for the steps (a POST to an action that takes nothing but
    POST is that step, not a "create"), ``documents_list``, ``documents_retrieve``,
    ``documents_attachments_create`` and ``documents_pdf_retrieve`` for the rest. They follow
    the path, so they stay as long as the path does."""

    def map_parsers(self) -> list:
        media_types = super().map_parsers()
        return ["application/json"] if "application/json" in media_types else media_types

    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        action = getattr(self.view, "action", None)
        if self.method == "POST" and action and action not in STANDARD_ACTIONS:
            methods = getattr(getattr(self.view, action, None), "mapping", {})
            if set(methods) == {"post"}:
                return operation_id.removesuffix("_create")
        return operation_id


def describe(result, generator, request, public):
    """Postprocessing hook: the enums as drf-spectacular names them, then the description."""
    result = postprocess_schema_enums(result, generator, request=request, public=public)
    result["info"]["description"] = DESCRIPTION
    return result
