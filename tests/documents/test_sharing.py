"""Sharing a document with one person (django-guardian rows, documents.lifecycle
``DOCUMENT.shares``): who may share, take a share back or give an opinion, in which state, and
what a share lets its holder see.

    ok   the service writes (or deletes) the guardian row and one audit event
    404  NotFound: the person may not see the document at all
    403  Forbidden: the person sees it but may not do this
    409  Conflict: the person may do this, but not in this state

The tables are written out by hand from the rules, not derived from the declaration:

- the document's drafter and the issuer's reviewer, clerk and signers share it for comment
  (xin ý kiến) until it is signed, and for information (để biết) in every state but withdrawn
  and recalled; they take either share back in any state;
- only the issuer's signers and leaders show a secret document to someone by name, and only
  one they can see themselves (a secret draft is seen by its drafter alone);
- the opinion is given by the person whose opinion was asked, and only until signing.

The states are built once per module in a rolled-back outer transaction; each cell runs in
its own savepoint. The holders' shares in the built states are written straight into
guardian's table, so the builder does not depend on the service under test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from documents import services
from documents.errors import Conflict, Forbidden, InvalidInput, NotFound
from documents.models import AuditEvent, Document
from documents.selectors import (
    get_visible_document,
    held_shares,
    may_give_opinion,
    share_purposes,
    visible_documents,
)
from orgchart.models import RoleCode
from tests.factories import DelegationFactory, MembershipFactory, UserFactory
from tests.support import advance, new_draft, settle_all, user

pytestmark = pytest.mark.django_db

STATES = {
    "draft": "draft",
    "review": "in_review",
    "format": "format_check",
    "return": "returned",
    "await": "awaiting_signature",
    "signed": "signed",
    "issued": "issued",
    "disp": "dispatched",
    "done": "completed",
    "wdrawn": "withdrawn",
    "recall": "recalled",
}

#: Whose opinion was asked (a comment share), who was informed (an inform share) on every
#: built ordinary document; the one the secret documents were shown to; the one shared with
#: in the cells.
ASKED, INFORMED, SHOWN, TARGET = "cb.hoiphunu", "cb.ldld", "cb.hoiphunu", "cb.quangdai"

# An ordinary document of mttq-samson, sent to thanhuy (report), bacson and trungson
# (execute); vt.bacson sees it once its copy has arrived, vt.quangdai never.
ORDINARY = """
action          role         draft review format return await signed issued disp done wdrawn recall
share_comment   soanthao     ok    ok     ok     ok     ok    409    409    409  409  409    409
share_comment   truongban    ok    ok     ok     ok     ok    409    409    409  409  409    409
share_comment   vanthu       ok    ok     ok     ok     ok    409    409    409  409  409    409
share_comment   pct.huy      ok    ok     ok     ok     ok    409    409    409  409  409    409
share_comment   chutich      ok    ok     ok     ok     ok    409    409    409  409  409    409
share_comment   kiemtra      403   403    403    403    403   403    403    403  403  403    403
share_comment   vt.bacson    404   404    404    404    404   404    404    403  403  404    403
share_comment   vt.quangdai  404   404    404    404    404   404    404    404  404  404    404
share_comment   cb.hoiphunu  403   403    403    403    403   403    403    403  403  403    403
share_comment   cb.ldld      403   403    403    403    403   403    403    403  403  403    403

share_inform    soanthao     ok    ok     ok     ok     ok    ok     ok     ok   ok   409    409
share_inform    truongban    ok    ok     ok     ok     ok    ok     ok     ok   ok   409    409
share_inform    vanthu       ok    ok     ok     ok     ok    ok     ok     ok   ok   409    409
share_inform    pct.huy      ok    ok     ok     ok     ok    ok     ok     ok   ok   409    409
share_inform    chutich      ok    ok     ok     ok     ok    ok     ok     ok   ok   409    409
share_inform    kiemtra      403   403    403    403    403   403    403    403  403  403    403
share_inform    vt.bacson    404   404    404    404    404   404    404    403  403  404    403
share_inform    vt.quangdai  404   404    404    404    404   404    404    404  404  404    404
share_inform    cb.hoiphunu  403   403    403    403    403   403    403    403  403  403    403
share_inform    cb.ldld      403   403    403    403    403   403    403    403  403  403    403

unshare_comment soanthao     ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_comment truongban    ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_comment vanthu       ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_comment pct.huy      ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_comment chutich      ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_comment kiemtra      403   403    403    403    403   403    403    403  403  403    403
unshare_comment vt.bacson    404   404    404    404    404   404    404    403  403  404    403
unshare_comment vt.quangdai  404   404    404    404    404   404    404    404  404  404    404
unshare_comment cb.hoiphunu  403   403    403    403    403   403    403    403  403  403    403
unshare_comment cb.ldld      403   403    403    403    403   403    403    403  403  403    403

unshare_inform  soanthao     ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_inform  truongban    ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_inform  vanthu       ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_inform  pct.huy      ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_inform  chutich      ok    ok     ok     ok     ok    ok     ok     ok   ok   ok     ok
unshare_inform  kiemtra      403   403    403    403    403   403    403    403  403  403    403
unshare_inform  vt.bacson    404   404    404    404    404   404    404    403  403  404    403
unshare_inform  vt.quangdai  404   404    404    404    404   404    404    404  404  404    404
unshare_inform  cb.hoiphunu  403   403    403    403    403   403    403    403  403  403    403
unshare_inform  cb.ldld      403   403    403    403    403   403    403    403  403  403    403

opinion         soanthao     403   403    403    403    403   403    403    403  403  403    403
opinion         truongban    403   403    403    403    403   403    403    403  403  403    403
opinion         vanthu       403   403    403    403    403   403    403    403  403  403    403
opinion         pct.huy      403   403    403    403    403   403    403    403  403  403    403
opinion         chutich      403   403    403    403    403   403    403    403  403  403    403
opinion         kiemtra      403   403    403    403    403   403    403    403  403  403    403
opinion         vt.bacson    404   404    404    404    404   404    404    403  403  404    403
opinion         vt.quangdai  404   404    404    404    404   404    404    404  404  404    404
opinion         cb.hoiphunu  ok    ok     ok     ok     ok    409    409    409  409  409    409
opinion         cb.ldld      403   403    403    403    403   403    403    403  403  403    403
"""

# The same document, secret (mật), on the same normal path. Who sees it: its drafter; whoever
# must act now (the reviewer at in_review, the clerk at format_check and after signing, every
# signer while it awaits a signature, since none was chosen); everyone who took a step
# (truongban from the review on, vanthu from the format check on, pct.huy from signing on);
# the recipients' clerks once their copy has arrived; cb.hoiphunu, who was shown it.
SECRET = """
action          role         draft review format return await signed issued disp done wdrawn recall
share_secret    soanthao     403   403    403    403    403   403    403    403  403  403    403
share_secret    truongban    404   403    403    403    403   403    403    403  403  404    403
share_secret    vanthu       404   404    403    404    403   403    403    403  403  404    403
share_secret    pct.huy      404   404    404    404    ok    ok     ok     ok   ok   404    409
share_secret    chutich      404   404    404    404    ok    404    404    404  404  404    404
share_secret    kiemtra      404   404    404    404    404   404    404    404  404  404    404
share_secret    vt.bacson    404   404    404    404    404   404    404    403  403  404    403
share_secret    vt.quangdai  404   404    404    404    404   404    404    404  404  404    404
share_secret    cb.hoiphunu  403   403    403    403    403   403    403    403  403  403    403

unshare_secret  soanthao     403   403    403    403    403   403    403    403  403  403    403
unshare_secret  truongban    404   403    403    403    403   403    403    403  403  404    403
unshare_secret  vanthu       404   404    403    404    403   403    403    403  403  404    403
unshare_secret  pct.huy      404   404    404    404    ok    ok     ok     ok   ok   404    ok
unshare_secret  chutich      404   404    404    404    ok    404    404    404  404  404    404
unshare_secret  kiemtra      404   404    404    404    404   404    404    404  404  404    404
unshare_secret  vt.bacson    404   404    404    404    404   404    404    403  403  404    403
unshare_secret  vt.quangdai  404   404    404    404    404   404    404    404  404  404    404
unshare_secret  cb.hoiphunu  403   403    403    403    403   403    403    403  403  403    403
"""

ERRORS = {"404": NotFound, "403": Forbidden, "409": Conflict}


def parse(table: str) -> list[tuple[str, str, str, str]]:
    lines = [line.split() for line in table.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    assert header[:2] == ["action", "role"] and header[2:] == list(STATES), header
    cells = []
    for action, role, *outcomes in rows:
        assert len(outcomes) == len(STATES), (action, role)
        for column, outcome in zip(STATES, outcomes, strict=True):
            assert outcome in ("ok", *ERRORS), (action, role, column, outcome)
            cells.append((action, role, column, outcome))
    return cells


ORDINARY_CELLS = parse(ORDINARY)
SECRET_CELLS = parse(SECRET)

#: action → (service call, audit verb, purpose, whom it names)
ACTIONS = {
    "share_comment": ("share", "grant", "comment", TARGET),
    "share_inform": ("share", "grant", "inform", TARGET),
    "share_secret": ("share", "grant", "secret", TARGET),
    "unshare_comment": ("unshare", "revoke", "comment", ASKED),
    "unshare_inform": ("unshare", "revoke", "inform", INFORMED),
    "unshare_secret": ("unshare", "revoke", "secret", SHOWN),
    "opinion": ("give_opinion", "opinion", None, None),
}


def test_the_tables_cover_every_action_person_and_state():
    assert {a for a, *_ in ORDINARY_CELLS} | {a for a, *_ in SECRET_CELLS} == set(ACTIONS)
    for cells in (ORDINARY_CELLS, SECRET_CELLS):
        actions = {a for a, *_ in cells}
        roles = {r for _, r, *_ in cells}
        assert len(cells) == len(actions) * len(roles) * len(STATES)


# ---------------------------------------------------------------------------------------------
# The states, built once per module.


@dataclass
class Built:
    ordinary: dict[str, int]
    secret: dict[str, int]


def _document_at(state: str, **extra) -> Document:
    doc = new_draft(title=f"Kế hoạch ma trận chia sẻ: {state}", **extra)
    if extra.get("secrecy", "normal") == "normal":
        assign_perm("documents.comment_document", user(ASKED), doc)
        assign_perm("documents.inform_document", user(INFORMED), doc)
    else:
        assign_perm("documents.read_secret_document", user(SHOWN), doc)
    if state in ("dispatched", "completed", "recalled"):
        doc = advance(doc, "dispatched")
        for receipt in doc.receipts.order_by("pk"):
            services.deliver(receipt=receipt)
        if state == "completed":
            settle_all(doc)
        elif state == "recalled":
            services.recall(actor=user("pct.huy"), document=doc, reason="Ban hành nhầm")
        doc.refresh_from_db()
    else:
        doc = advance(doc, state)
    assert doc.status == state
    return doc


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            result = Built(
                ordinary={col: _document_at(s).pk for col, s in STATES.items()},
                secret={col: _document_at(s, secrecy="mat").pk for col, s in STATES.items()},
            )
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield result
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _rows(doc: Document):
    return set(
        UserObjectPermission.objects.filter(object_pk=str(doc.pk)).values_list(
            "user__username", "permission__codename"
        )
    )


def _run(action: str, actor, doc: Document):
    name, _, purpose, person = ACTIONS[action]
    if name == "give_opinion":
        return services.give_opinion(actor=actor, document=doc, comment="Đề nghị bổ sung mục III.")
    return getattr(services, name)(actor=actor, document=doc, person=person, purpose=purpose)


CODENAME = {"comment": "comment_document", "inform": "inform_document"}
CODENAME["secret"] = "read_secret_document"


def _check(action, role, doc, outcome):
    actor = user(role)
    state = doc.status
    _, verb, purpose, person = ACTIONS[action]
    rows_before = _rows(doc)
    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    if outcome == "ok":
        result = _run(action, actor, doc)
        new = list(AuditEvent.objects.filter(seq__gt=last_seq))
        assert [(e.action, e.actor_id, e.document_id, e.from_status, e.to_status) for e in new] == [
            (verb, actor.pk, doc.pk, state, state)
        ]
        if verb == "opinion":
            assert result == new[0] and new[0].comment == "Đề nghị bổ sung mục III."
            assert _rows(doc) == rows_before
        else:
            assert result is True
            assert new[0].data == {"person": person, "purpose": purpose}
            row = (person, CODENAME[purpose])
            if verb == "grant":
                assert _rows(doc) == rows_before | {row}
            else:
                assert row in rows_before and _rows(doc) == rows_before - {row}
    else:
        with pytest.raises(ERRORS[outcome]) as raised:
            _run(action, actor, doc)
        assert type(raised.value) is ERRORS[outcome]
        assert not AuditEvent.objects.filter(seq__gt=last_seq).exists()
        assert _rows(doc) == rows_before
    doc.refresh_from_db()
    assert doc.status == state


def _ids(cells):
    return [f"{action}-{role}-{column}" for action, role, column, _ in cells]


@pytest.mark.parametrize("action, role, column, outcome", ORDINARY_CELLS, ids=_ids(ORDINARY_CELLS))
def test_sharing_an_ordinary_document(built, action, role, column, outcome):
    _check(action, role, Document.objects.get(pk=built.ordinary[column]), outcome)


@pytest.mark.parametrize("action, role, column, outcome", SECRET_CELLS, ids=_ids(SECRET_CELLS))
def test_sharing_a_secret_document(built, action, role, column, outcome):
    _check(action, role, Document.objects.get(pk=built.secret[column]), outcome)


@pytest.mark.parametrize("column", list(STATES))
def test_what_the_page_offers_agrees_with_the_tables(built, column):
    """The purposes offered in the "Chia sẻ" form and the "Cho ý kiến" form, cell for cell."""
    for cells, docs in ((ORDINARY_CELLS, built.ordinary), (SECRET_CELLS, built.secret)):
        doc = Document.objects.get(pk=docs[column])
        for role in sorted({r for _, r, *_ in cells}):
            person = user(role)
            if not visible_documents(person).filter(pk=doc.pk).exists():
                continue
            mine = [(a, o) for a, r, c, o in cells if r == role and c == column]
            for prefix, giving in (("share_", True), ("unshare_", False)):
                expected = {ACTIONS[a][2] for a, o in mine if a.startswith(prefix) and o == "ok"}
                got = set(share_purposes(person, doc, giving=giving))
                # A table covers its own purposes only.
                got &= {ACTIONS[a][2] for a, _ in mine if a.startswith(prefix)}
                assert got == expected, (role, column, prefix)
            if any(a == "opinion" for a, _ in mine):
                expected_opinion = ("opinion", "ok") in mine
                assert may_give_opinion(person, doc, held_shares(person, doc)) == expected_opinion


# ---------------------------------------------------------------------------------------------
# What a share shows


def _sees(username: str, doc: Document) -> bool:
    person = user(username)
    listed = visible_documents(person).filter(pk=doc.pk).exists()
    try:
        get_visible_document(person, doc.pk)
        fetched = True
    except NotFound:
        fetched = False
    assert listed == fetched, "the list and the detail disagree"
    return listed


@pytest.mark.parametrize("purpose", ["comment", "inform"])
def test_a_share_shows_an_ordinary_document_and_taking_it_back_hides_it(world, purpose):
    doc = new_draft()
    assert not _sees(TARGET, doc)
    assert services.share(actor=user("soanthao"), document=doc, person=TARGET, purpose=purpose)
    assert _sees(TARGET, doc)
    assert held_shares(user(TARGET), doc) == {purpose}
    # Nobody else sees it through that share.
    assert not _sees("vt.quangdai", doc)
    assert services.unshare(actor=user("truongban"), document=doc, person=TARGET, purpose=purpose)
    assert not _sees(TARGET, doc)


def test_an_inform_share_does_not_show_a_secret_document_but_a_secret_share_does(world):
    doc = advance(new_draft(secrecy="mat"), "awaiting_signature")
    signer = user("pct.huy")
    assert not _sees(TARGET, doc)
    # Informing someone who may not read it would promise what visibility does not keep.
    with pytest.raises(InvalidInput) as raised:
        services.share(actor=signer, document=doc, person=TARGET, purpose="inform")
    assert list(raised.value.errors) == ["person"]
    assert _rows(doc) == set()
    # A guardian row for "inform" alone (written by hand) does not show it either.
    assign_perm("documents.inform_document", user(TARGET), doc)
    assert not _sees(TARGET, doc)
    assert services.share(actor=signer, document=doc, person=TARGET, purpose="secret")
    assert _sees(TARGET, doc)
    assert services.share(actor=signer, document=doc, person=TARGET, purpose="comment")
    # Taking the secret share back hides it again, whatever else remains.
    assert services.unshare(actor=user("chutich"), document=doc, person=TARGET, purpose="secret")
    assert held_shares(user(TARGET), doc) == {"inform", "comment"}
    assert not _sees(TARGET, doc)


def test_other_guardian_rows_show_nothing(world):
    doc = new_draft()
    assign_perm("documents.view_document", user(TARGET), doc)
    assign_perm("documents.change_document", user(TARGET), doc)
    assert not _sees(TARGET, doc)


def test_the_list_costs_one_query_however_many_shares(world):
    person = user(TARGET)
    docs = [new_draft(title=f"Kế hoạch {i}") for i in range(5)]
    for doc in docs:
        services.share(actor=user("soanthao"), document=doc, person=person, purpose="inform")
    from orgchart.selectors import grants_of

    grants = grants_of(person)
    with CaptureQueriesContext(connection) as queries:
        seen = list(visible_documents(person, grants).filter(pk__in=[d.pk for d in docs]))
    assert len(queries) == 1
    assert {d.pk for d in seen} == {d.pk for d in docs}


# ---------------------------------------------------------------------------------------------
# Twice, bad input, delegations


def test_sharing_twice_or_taking_back_twice_changes_nothing_the_second_time(world):
    doc = new_draft()
    drafter = user("soanthao")
    assert services.share(actor=drafter, document=doc, person=TARGET, purpose="comment") is True
    assert services.share(actor=drafter, document=doc, person=TARGET, purpose="comment") is False
    assert services.unshare(actor=drafter, document=doc, person=TARGET, purpose="comment") is True
    assert services.unshare(actor=drafter, document=doc, person=TARGET, purpose="comment") is False
    assert services.unshare(actor=drafter, document=doc, person=TARGET, purpose="inform") is False
    trail = AuditEvent.objects.filter(document=doc).order_by("seq")
    assert list(trail.values_list("action", flat=True)) == ["create", "grant", "revoke"]


def _bad_inputs(world):
    outside = UserFactory(username="ngoai.so.do")
    gone = MembershipFactory(
        user=UserFactory(username="da.nghi"), organization=world.org("hoiphunu")
    ).user
    gone.is_active = False
    gone.save()
    return [
        ({"person": TARGET, "purpose": "xin-y-kien"}, "purpose"),
        ({"person": TARGET, "purpose": ""}, "purpose"),
        ({"person": TARGET, "purpose": "secret"}, "purpose"),  # not a secret document
        ({"person": "", "purpose": "comment"}, "person"),
        ({"person": None, "purpose": "comment"}, "person"),
        ({"person": "khong.co.ai", "purpose": "comment"}, "person"),
        ({"person": outside.username, "purpose": "comment"}, "person"),  # not on the chart
        ({"person": gone.username, "purpose": "inform"}, "person"),  # account closed
        ({"person": "pct.huy", "purpose": "inform"}, "person"),  # oneself
    ]


def test_bad_input_is_refused_field_by_field_and_writes_nothing(world):
    doc = new_draft()
    for arguments, field in _bad_inputs(world):
        with pytest.raises(InvalidInput) as raised:
            services.share(actor=user("pct.huy"), document=doc, **arguments)
        assert list(raised.value.errors) == [field], arguments
    with pytest.raises(InvalidInput) as raised:
        services.unshare(actor=user("soanthao"), document=doc, person="khong.co.ai", purpose="x")
    assert list(raised.value.errors) == ["purpose"]
    with pytest.raises(InvalidInput) as raised:
        services.unshare(
            actor=user("soanthao"), document=doc, person="khong.co.ai", purpose="inform"
        )
    assert list(raised.value.errors) == ["person"]
    assert _rows(doc) == set()
    assert list(AuditEvent.objects.filter(document=doc).values_list("action", flat=True)) == [
        "create"
    ]


def test_an_unknown_purpose_from_someone_who_may_not_share_is_a_403(world):
    doc = new_draft()
    with pytest.raises(Forbidden):
        services.share(actor=user("kiemtra"), document=doc, person=TARGET, purpose="xyz")


def test_an_opinion_needs_words_and_at_most_4000_characters(world):
    doc = new_draft()
    services.share(actor=user("soanthao"), document=doc, person=ASKED, purpose="comment")
    asked = user(ASKED)
    for comment in ("", "   ", "x" * 4001):
        with pytest.raises(InvalidInput) as raised:
            services.give_opinion(actor=asked, document=doc, comment=comment)
        assert list(raised.value.errors) == ["comment"]
    assert not AuditEvent.objects.filter(document=doc, action="opinion").exists()
    event = services.give_opinion(actor=asked, document=doc, comment="  Đồng ý.  ")
    assert event.comment == "Đồng ý." and event.organization_id == doc.issuer_id


def test_a_deputy_signer_shows_a_secret_document_on_the_principals_behalf(world):
    DelegationFactory(
        principal=world.user("pct.huy"),
        deputy=world.user("truongban"),
        organization=world.org("mttq-samson"),
        roles=[RoleCode.SIGNER],
    )
    doc = advance(new_draft(secrecy="mat"), "awaiting_signature")
    assert services.share(actor=user("truongban"), document=doc, person=TARGET, purpose="secret")
    event = AuditEvent.objects.get(document=doc, action="grant")
    assert event.actor == user("truongban") and event.on_behalf_of == user("pct.huy")


def test_outside_the_issuer_a_person_sees_only_their_own_share_events(world):
    from documents.selectors import trail as read_trail

    doc = new_draft()
    drafter = user("soanthao")
    services.share(actor=drafter, document=doc, person=ASKED, purpose="comment")
    services.share(actor=drafter, document=doc, person=TARGET, purpose="comment")
    services.give_opinion(actor=user(ASKED), document=doc, comment="Ý kiến thứ nhất")
    services.give_opinion(actor=user(TARGET), document=doc, comment="Ý kiến thứ hai")
    services.unshare(actor=drafter, document=doc, person=ASKED, purpose="comment")

    def trail(username):
        person = user(username)
        events = read_trail(person, doc)
        return [(e.action, e.data.get("person") or e.actor.username) for e in events]

    everything = [
        ("create", "soanthao"),
        ("grant", ASKED),
        ("grant", TARGET),
        ("opinion", ASKED),
        ("opinion", TARGET),
        ("revoke", ASKED),
    ]
    assert trail("soanthao") == trail("kiemtra") == everything
    # Outside the issuer, the drafting is not theirs to read either (design §15.1).
    assert trail(TARGET) == [("grant", TARGET), ("opinion", TARGET)]
