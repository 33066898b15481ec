"""documents.lifecycle is the one declaration of the lifecycle; everything derived from it must
agree with it, and it must agree with the hand-written witnesses.

- the FSM transitions of Document and Receipt have exactly the declared sources and targets;
- the permission matrix computed here from the declaration alone (each demo person's roles as
  a literal map, the facts of each matrix column) equals the hand-written tables of
  tests/documents/test_permissions.py, cell for cell, wherever the person may see the object;
- the inbox computed from the declared tasks equals the hand-written INBOX of
  tests/api/test_matrix.py;
- the flows' human nodes, their titles and the routing gate, the task screens' STEPS and the
  history labels cover exactly the declared task kinds and audit verbs.

Nothing here calls documents.selectors: the expectations come from the declaration, the
witnesses from the design, and the selectors are checked against the witnesses elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from documents.history import history_label
from documents.lifecycle import (
    DOCUMENT,
    LIFECYCLES,
    RECEIPT,
    TASK_KINDS,
    Actor,
    Lifecycle,
)
from documents.models import Document, DocumentStatus, Receipt, ReceiptStatus
from tests.api import test_matrix as api_witness
from tests.documents import test_permissions as witness
from workflow.flows import IncomingFlow, OutgoingFlow
from workflow.nodes import ServiceView
from workflow.views.tasks import STEPS

ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------
# The FSM transitions


def fsm_transitions(model) -> set[tuple[str, str, str]]:
    field = model._meta.get_field("status")
    return {(t.name, str(t.source), str(t.target)) for t in field.get_all_transitions(model)}


def declared(lifecycle: Lifecycle) -> set[tuple[str, str, str]]:
    return {(name, str(source), str(target)) for name, source, target in lifecycle.transitions()}


@pytest.mark.parametrize(
    "model, lifecycle", [(Document, DOCUMENT), (Receipt, RECEIPT)], ids=["document", "receipt"]
)
def test_the_fsm_transitions_are_exactly_the_declared_moves(model, lifecycle):
    assert fsm_transitions(model) == declared(lifecycle)


@pytest.mark.parametrize(
    "model, lifecycle", [(Document, DOCUMENT), (Receipt, RECEIPT)], ids=["document", "receipt"]
)
def test_each_transition_method_carries_the_declared_sources_and_target(model, lifecycle):
    names = {name for name, _s, _t in lifecycle.transitions()}
    for name in names:
        meta = getattr(model, name)._django_fsm
        sources = {str(s) for s in meta.transitions}
        targets = {str(t.target) for t in meta.transitions.values()}
        expected = lifecycle.fsm(name)
        assert sources == {str(s) for s in expected["source"]}, name
        assert targets == {str(expected["target"])}, name
        # No wildcard source: every source is a state of the declaration.
        assert sources <= {str(s.status) for s in lifecycle.states}, name


@pytest.mark.parametrize(
    "lifecycle, choices",
    [(DOCUMENT, DocumentStatus), (RECEIPT, ReceiptStatus)],
    ids=["document", "receipt"],
)
def test_every_state_is_declared_once_and_every_move_leads_to_a_state(lifecycle, choices):
    statuses = [str(s.status) for s in lifecycle.states]
    assert sorted(statuses) == sorted(choices.values)
    assert len(statuses) == len(set(statuses))
    for _name, _source, target in lifecycle.transitions():
        assert str(target) in choices.values


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lc: lc.name)
def test_every_task_is_taken_by_an_action_of_its_state_and_by_people(lifecycle):
    for status, task in lifecycle.task_states().items():
        who, _when = lifecycle.task_owner(task, status)
        assert not who.is_system, (status, task.kind)
        action = lifecycle.state(status).action(task.action)
        # A task is work that moves the artifact on.
        assert action.moves, (status, task.kind)


def test_the_task_kinds_are_both_lifecycles_tasks_documents_first():
    assert (*DOCUMENT.tasks(), *RECEIPT.tasks()) == TASK_KINDS
    assert not set(DOCUMENT.tasks()) & set(RECEIPT.tasks())


# ---------------------------------------------------------------------------------------------
# The permission matrix, derived from the declaration


#: Each person of the witness tables: the roles they hold, by where ("issuer" is mttq-samson,
#: the document's organisation; bacson is the recipient whose copy the receipt table is about).
PEOPLE: dict[str, set[tuple[str, str]]] = {
    "soanthao": {("issuer", "drafter")},
    "truongban": {("issuer", "reviewer")},
    "vanthu": {("issuer", "clerk")},
    "pct.huy": {("issuer", "signer")},
    "chutich": {("issuer", "signer"), ("issuer", "leader")},
    "kiemtra": {("issuer", "auditor")},
    "vt.bacson": {("bacson", "clerk")},
    "ld.bacson": {("bacson", "leader"), ("bacson", "reviewer"), ("bacson", "signer")},
    "cb.bacson": {("bacson", "drafter")},
    "vt.quangdai": {("quangdai", "clerk")},
    "vt.hoiphunu": {("hoiphunu", "clerk")},
    "nobody": set(),
}

#: The facts of each column of the witness tables, as test_permissions builds them: the draft
#: names no signer, so pct.huy signs it on the normal path; bacson's copy is assigned to
#: cb.bacson from "assigned" on.
SIGNED_ON = {"signed", "issued", "dispatched", "completed", "recalled"}


def document_facts(status: str) -> dict:
    return {
        "status": status,
        "organization": "issuer",
        "drafter": "soanthao",
        "signer": "pct.huy" if status in SIGNED_ON else None,
    }


RECEIPT_ASSIGNED = {"assigned", "in_progress", "completed"}


def receipt_facts(column: str) -> dict:
    status = witness.RECEIPT_STATES[column]
    return {
        "status": status,
        "organization": "bacson",
        "assignee": "cb.bacson" if status in RECEIPT_ASSIGNED else None,
        "purpose": "report" if column == "ack_bc" else "execute",
        "document_status": "dispatched",
    }


def qualifies(actor: Actor, person: str, facts: dict, *, by_role: bool = False) -> bool:
    """The declaration's reading of ``Actor``: a role held in the artifact's organisation; the
    person a field names; for a designated person, a holder of the role who is the one named
    (anyone holding it while nobody is). ``by_role``: holds that role whoever is named."""
    held = PEOPLE[person]
    org = facts["organization"]
    for alt in actor.alternatives():
        has_role = bool(alt.role) and (org, str(alt.role)) in held
        if alt.role and alt.person:
            named = facts.get(alt.person)
            if has_role and (by_role or named is None or named == person):
                return True
        elif alt.person:
            if facts.get(alt.person) == person:
                return True
        elif has_role:
            return True
    return False


def as_object(facts: dict) -> SimpleNamespace:
    """What a guard reads of an artifact."""
    document = SimpleNamespace(status=facts.get("document_status"))
    return SimpleNamespace(
        status=facts["status"],
        purpose=facts.get("purpose"),
        document_id=1 if facts.get("document_status") else None,
        document=document,
        given_back_at=facts.get("given_back_at"),
    )


def guards_hold(lifecycle: Lifecycle, action, facts: dict) -> bool:
    obj = as_object(facts)
    return all(g.check(obj) for g in (lifecycle.always, action.when) if g is not None)


#: The witness's actions: (declared action, the transitions the call takes, or None for an
#: action that keeps the state).
MATRIX_ACTIONS = {
    "edit": ("edit", None),
    "submit": ("submit", {"submit"}),
    "withdraw": ("withdraw", {"withdraw"}),
    "review_approve": (
        "review",
        {"approve_content", "approve_content_skip_format", "approve_format"},
    ),
    "review_return": ("review", {"send_back"}),
    "sign": ("sign", {"sign"}),
    "sign_return": ("sign", {"send_back"}),
    "hand_over": ("hand_over", None),
    "register": ("register", {"register"}),
    "dispatch": ("dispatch", {"dispatch"}),
    "recall": ("recall", {"recall"}),
    "chase": ("chase", None),
    "acknowledge": ("acknowledge", {"acknowledge"}),
    "refuse": ("refuse", {"refuse"}),
    "assign": ("assign", {"assign"}),
    "complete": ("complete", {"complete"}),
    "progress": ("progress", None),
    "contribute": ("contribute", None),
}


def derive(lifecycle: Lifecycle, matrix_action: str, person: str, facts: dict) -> str:
    """ok / 403 / 409 from the declaration alone (the person is known to see the object)."""
    name, moves = MATRIX_ACTIONS[matrix_action]
    here = lifecycle.state(facts["status"]).action(name)
    if (
        here is not None
        and not here.who.is_system
        and (moves is None or moves & set(here.moves))
        and qualifies(here.who, person, facts)
    ):
        return "ok" if guards_hold(lifecycle, here, facts) else "409"
    for state, elsewhere in lifecycle.declarations(name):
        if str(state.status) == facts["status"] or elsewhere.who.is_system:
            continue
        if qualifies(elsewhere.who, person, facts, by_role=True):
            return "409"
    return "403"


def visible_cells(cells):
    return [cell for cell in cells if cell[3] != "404"]


def test_the_people_map_covers_everyone_in_the_witness_tables():
    people = {role for _a, role, _c, _o in witness.DOCUMENT_CELLS + witness.RECEIPT_CELLS}
    assert people <= set(PEOPLE)
    assert set(api_witness.PEOPLE) <= set(PEOPLE)
    assert set(MATRIX_ACTIONS) == set(witness.DOCUMENT_ACTIONS) | set(witness.RECEIPT_ACTIONS)
    assert {k: v[0] for k, v in MATRIX_ACTIONS.items()} == witness.RULE_OF


@pytest.mark.django_db
def test_the_people_map_is_what_the_demo_grants(world):
    from orgchart.selectors import grants_of

    orgs = {"issuer": world.org("mttq-samson").pk}
    for code in ("bacson", "quangdai", "hoiphunu"):
        orgs[code] = world.org(code).pk
    names = {pk: name for name, pk in orgs.items()}
    for person, roles in PEOPLE.items():
        if person == "nobody":
            continue
        grants = grants_of(world.user(person))
        assert {(names[org], str(role)) for org, role in grants.roles} == roles, person


def test_every_action_people_take_is_in_the_witness_tables():
    """A new declared action must get its rows in the hand-written tables. Attaching a file
    is editing the draft; starting to handle a copy is the handler's optional first step."""
    covered = set(witness.RULE_OF.values())
    assert set(DOCUMENT.action_names()) - covered == {"attach"}
    assert set(RECEIPT.action_names()) - covered == {"start"}


def test_the_document_matrix_is_the_declarations():
    derived = {
        (action, person, column): derive(
            DOCUMENT, action, person, document_facts(witness.DOCUMENT_STATES[column])
        )
        for action, person, column, _outcome in visible_cells(witness.DOCUMENT_CELLS)
    }
    written = {
        (action, person, column): outcome
        for action, person, column, outcome in visible_cells(witness.DOCUMENT_CELLS)
    }
    differences = {
        cell: (derived[cell], written[cell]) for cell in written if derived[cell] != written[cell]
    }
    assert differences == {}, "(derived, written)"
    assert len(written) > 300


def test_the_receipt_matrix_is_the_declarations():
    derived = {
        (action, person, column): derive(RECEIPT, action, person, receipt_facts(column))
        for action, person, column, _outcome in visible_cells(witness.RECEIPT_CELLS)
    }
    written = {
        (action, person, column): outcome
        for action, person, column, outcome in visible_cells(witness.RECEIPT_CELLS)
    }
    differences = {
        cell: (derived[cell], written[cell]) for cell in written if derived[cell] != written[cell]
    }
    assert differences == {}, "(derived, written)"
    assert len(written) > 200


def test_an_allowed_call_leads_where_the_declaration_says():
    for action, _person, column, outcome in witness.DOCUMENT_CELLS:
        if outcome != "ok":
            continue
        state = witness.DOCUMENT_STATES[column]
        name, moves = MATRIX_ACTIONS[action]
        declared_action = DOCUMENT.state(state).action(name)
        target = witness.DOCUMENT_ACTIONS[action][2](state)
        if moves is None:
            assert not declared_action.moves and target == state, (action, column)
        else:
            leads_to = {str(t) for m, t in declared_action.moves.items() if m in moves}
            assert target in leads_to, (action, column, leads_to)
    for action, _person, column, outcome in witness.RECEIPT_CELLS:
        if outcome != "ok":
            continue
        state = witness.RECEIPT_STATES[column]
        name, moves = MATRIX_ACTIONS[action]
        declared_action = RECEIPT.state(state).action(name)
        target = witness.RECEIPT_ACTIONS[action][1]
        if moves is None:
            assert not declared_action.moves and target(state) == state, (action, column)
            continue
        leads_to = {str(t) for m, t in declared_action.moves.items() if m in moves}
        assert leads_to == {target}, (action, column)


# ---------------------------------------------------------------------------------------------
# The inbox, derived from the declared tasks

#: test_matrix's document: no signer chosen, sent to thanhuy (report), bacson and trungson
#: (execute); by "completed" every copy is settled (the executing ones handled by cb.<org>).
API_RECIPIENTS = [("thanhuy", "report"), ("bacson", "execute"), ("trungson", "execute")]


def api_receipts(document_status: str) -> list[dict]:
    if document_status not in api_witness.ARRIVED:
        return []
    copies = []
    for org, purpose in API_RECIPIENTS:
        if document_status == "dispatched":
            status, assignee = "delivered", None
        elif purpose == "report":
            status, assignee = "acknowledged", None
        else:
            status, assignee = "completed", f"cb.{org}"
        copies.append(
            {
                "status": status,
                "organization": org,
                "assignee": assignee,
                "purpose": purpose,
                "document_status": document_status,
            }
        )
    return copies


def waiting_task(lifecycle: Lifecycle, person: str, facts: dict) -> str | None:
    task = lifecycle.state(facts["status"]).task
    if task is None:
        return None
    who, _when = lifecycle.task_owner(task, facts["status"])
    action = lifecycle.state(facts["status"]).action(task.action)
    if qualifies(who, person, facts) and guards_hold(lifecycle, action, facts):
        return task.kind
    return None


def derived_inbox(state: str, person: str) -> list[str]:
    kinds = []
    kind = waiting_task(DOCUMENT, person, document_facts(state))
    if kind:
        kinds.append(kind)
    for copy in api_receipts(state):
        kind = waiting_task(RECEIPT, person, copy)
        if kind:
            kinds.append(kind)
    return kinds


def test_the_inbox_is_the_declared_tasks():
    derived = {}
    for state in api_witness.STATES:
        for person in api_witness.PEOPLE:
            kinds = derived_inbox(state, person)
            assert len(kinds) <= 1, (state, person, kinds)
            if kinds:
                derived.setdefault(state, {})[person] = kinds[0]
    assert derived == api_witness.INBOX


def test_the_inbox_witness_names_only_declared_task_kinds():
    kinds = {kind for by_person in api_witness.INBOX.values() for kind in by_person.values()}
    assert kinds <= set(TASK_KINDS)


# ---------------------------------------------------------------------------------------------
# The flows, the task screens and the history


def human_nodes(flow_class) -> dict[str, ServiceView]:
    return {
        node.name: node for node in flow_class.instance.nodes() if isinstance(node, ServiceView)
    }


@pytest.mark.parametrize(
    "flow_class, lifecycle",
    [(OutgoingFlow, DOCUMENT), (IncomingFlow, RECEIPT)],
    ids=["outgoing", "incoming"],
)
def test_the_flows_human_nodes_are_the_declared_tasks(flow_class, lifecycle):
    nodes = human_nodes(flow_class)
    tasks = lifecycle.tasks()
    assert set(nodes) == set(tasks)
    other_humans = [
        n.name
        for n in flow_class.instance.nodes()
        if n.task_type == "HUMAN" and not isinstance(n, ServiceView)
    ]
    assert other_humans == []
    assert flow_class.lifecycle is lifecycle
    for kind, node in nodes.items():
        assert str(node.task_title) == str(tasks[kind].title), kind
        assert node.kind == kind and node.lifecycle is lifecycle
        assert node.action == tasks[kind].action
        # Every task leads back to the routing gate.
        assert [edge.dst for edge in node._outgoing()] == [flow_class.route], kind


def fake_activation(status: str, purpose: str = "execute"):
    """What a routing condition reads: the process's artifact (a copy of no document here)."""
    artifact = SimpleNamespace(status=status, purpose=purpose, document_id=None, given_back_at=None)
    return SimpleNamespace(process=SimpleNamespace(artifact=artifact))


@pytest.mark.parametrize(
    "flow_class, lifecycle",
    [(OutgoingFlow, DOCUMENT), (IncomingFlow, RECEIPT)],
    ids=["outgoing", "incoming"],
)
def test_the_routing_gate_has_one_case_per_task_kind_and_ends_otherwise(flow_class, lifecycle):
    route = flow_class.route
    cases = [(node, cond) for node, cond in route._activate_next if cond is not None]
    defaults = [node for node, cond in route._activate_next if cond is None]
    assert [node.name for node, _ in cases] == list(lifecycle.tasks())
    assert defaults == [flow_class.end]
    # Each case opens its task exactly in the states that wait on it.
    for node, condition in cases:
        for state in lifecycle.states:
            waits = state.task is not None and state.task.kind == node.name
            assert condition(fake_activation(state.status)) is waits, (node.name, state.status)
    # A copy that only reports does not wait for an assignment.
    if lifecycle is RECEIPT:
        assign = dict(cases)[flow_class.assign]
        assert assign(fake_activation("acknowledged", purpose="execute"))
        assert not assign(fake_activation("acknowledged", purpose="report"))


def test_the_task_screens_have_exactly_the_task_kinds():
    assert set(STEPS) == set(TASK_KINDS)
    assert len(STEPS) == len(TASK_KINDS)


#: Where the services write the trail.
SERVICES = ROOT / "documents" / "services"
VERB = re.compile(r"""\baction\s*=\s*["']([a-z_]+)["']""")


def audit_verbs() -> set[str]:
    verbs = set()
    for path in sorted(SERVICES.glob("*.py")):
        verbs |= set(VERB.findall(path.read_text(encoding="utf-8")))
    return verbs


def test_every_audit_verb_the_services_write_has_a_history_label():
    verbs = audit_verbs()
    # The scan finds the steps it must (it is not silently empty).
    assert {"create", "submit", "review", "sign", "hand_over", "register_incoming"} <= verbs
    labels = set(DOCUMENT.labels) | set(RECEIPT.labels)
    assert verbs - labels == set()
    for verb in verbs:
        for receipt in (False, True):
            assert history_label(verb, receipt=receipt) != verb, verb


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lc: lc.name)
def test_every_declared_action_has_a_history_label(lifecycle):
    missing = [a for a in lifecycle.action_names(people_only=False) if a not in lifecycle.labels]
    assert missing == []


def test_a_receipt_verb_reads_as_the_receipts_where_both_have_it():
    assert history_label("complete", receipt=True) == str(RECEIPT.labels["complete"])
    assert history_label("complete") == str(DOCUMENT.labels["complete"])
    assert history_label("acknowledge") == str(RECEIPT.labels["acknowledge"])


def test_the_published_moves_are_declared_moves():
    from documents.lifecycle import DOCUMENT, RECEIPT

    document_moves = {name for name, _source, _target in DOCUMENT.transitions()}
    assert set(DOCUMENT.published) <= document_moves
    assert set(DOCUMENT.published) == {"sign", "register", "dispatch", "recall"}
    assert RECEIPT.published == {}


@pytest.mark.parametrize(
    "verb, data, from_status, label",
    [
        ("review", {"decision": "approve"}, "in_review", "Duyệt"),
        ("review", {"decision": "approve"}, "format_check", "Kiểm tra thể thức"),
        ("review", {"decision": "return"}, "in_review", "Trả lại"),
        ("review", {"decision": "return"}, "format_check", "Trả lại"),
        ("sign", {"decision": "return"}, "awaiting_signature", "Trả lại"),
        ("sign", {"decision": "sign"}, "awaiting_signature", "Ký"),
        ("submit", {}, "draft", "Trình duyệt"),
    ],
)
def test_a_return_reads_as_a_return_and_an_approval_as_its_check(verb, data, from_status, label):
    assert history_label(verb, data=data, from_status=from_status) == label


def test_a_receipt_event_is_never_read_as_a_return():
    # Only the issuer's decisions return a draft; a receipt's event keeps its own label.
    assert history_label("refuse", receipt=True, data={"decision": "return"}) == str(
        RECEIPT.labels["refuse"]
    )
