"""The OpenAPI document, with the decisions a client needs that the shapes alone do not say."""

from drf_spectacular.views import SpectacularAPIView

DESCRIPTION = """
Văn bản MTTQ — document approval and circulation. JSON over `/api/v1/`.

**Authentication.** `POST /api/v1/auth/token/ {"username", "password"}` answers `{"token"}`;
send it as `Authorization: Token <token>`. A browser may use its Django session instead (then
unsafe methods need the CSRF token). Without credentials every endpoint but the token one
answers 401.

**Errors.** Every error body is `{"detail": "...", "code": "..."}`; messages are bilingual
("Vietnamese / English"). A 400 adds `errors`, a map from field to a list of messages; nested
fields use paths such as `recipients.0.purpose`, errors not tied to a field use
`non_field_errors`. Codes: 400 `invalid` (or `invalid_credentials` from the token endpoint,
`parse_error` for malformed JSON); 401 `not_authenticated`/`authentication_failed`;
403 `permission_denied` (visible but not allowed); 404 `not_found` (absent, or not visible to
the caller — never 403 for what the caller may not know exists); 405 `method_not_allowed`;
409 `invalid_state` (wrong state), `concurrent_change` (someone else acted first),
`no_recipients`; 413 `too_large`; 415 `unsupported_media_type`.

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
form. `references` are ids of incoming receipts of the issuer. `q` searches words in the type,
title and symbol ignoring case and Vietnamese accents (`ke hoach` finds `Kế hoạch`).
`available_actions` lists what the caller may do now: `edit`, `submit`, `withdraw`, `attach`,
`review`, `sign`, `register`, `dispatch`, `recall` (on receipts: `acknowledge`, `refuse`,
`assign`, `start`, `complete`).

**Inbox.** `GET /api/v1/inbox/` lists the caller's open tasks `{kind, document, receipt, title,
urgency, due, status}`. `kind` is what the caller can do: `submit` (own draft), `revise` (own
returned draft), `review` (content review), `format_check` (the clerk's review at
`format_check`; act with `.../review/`), `sign`, `register`, `dispatch`, `acknowledge` (a
receipt that arrived), `assign` (an acknowledged receipt that must be handled), `complete`
(a receipt assigned to the caller). `receipt` is null for document tasks; `due` is the
receipt's deadline.

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


class SchemaView(SpectacularAPIView):
    custom_settings = {"DESCRIPTION": DESCRIPTION}
