"""The API as its clients see it: openapi-python-client generates a Python package from the
schema that ``manage.py spectacular`` writes, with every operation and no warning, and the seed
plan's journey runs through that package against a live server. A schema that drifts from what
the API does (a path parameter too many, a body or answer of another shape, an undeclared
content type) fails here. ``make test-client`` runs this file."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from openapi_spec_validator import validate

from documents.demo import seed_body
from orgchart import demo as orgchart_demo
from orgchart.demo import DEMO_PASSWORD
from tests.support import current_code

pytestmark = pytest.mark.client

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "openapi-python-client.yaml"
PACKAGE = "vanban_api_client"
#: What the generator prints when it leaves something out or guesses.
COMPLAINTS = ("will not be generated", "incorrect path templating", "warning", "error")

#: The steps for which the signer or clerk will confirm with a second factor first.
STEP_UP = {"documents_sign", "documents_register", "documents_dispatch", "documents_recall"}


def _run(command: list, **kwargs) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    output = done.stdout + done.stderr
    assert done.returncode == 0, (command, output)
    return output


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict:
    """Schema and client, as an integrator makes them: no server, only the code."""
    workdir = tmp_path_factory.mktemp("client")
    schema = workdir / "schema.json"
    spectacular = ["spectacular", "--format", "openapi-json", "--validate", "--fail-on-warn"]
    _run([sys.executable, "manage.py", *spectacular, "--file", str(schema)], cwd=ROOT)
    spec = json.loads(schema.read_text(encoding="utf-8"))
    validate(spec)
    output_path = workdir / "vanban-api-client"
    # The generator formats what it writes with ruff, the one beside this Python.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    generator = Path(sys.executable).parent / "openapi-python-client"
    arguments = ["--path", str(schema), "--config", str(CONFIG), "--output-path", str(output_path)]
    output = _run([generator, "generate", *arguments], cwd=workdir, env=env)
    sys.path.insert(0, str(output_path))
    try:
        yield {"spec": spec, "output": output, "path": output_path / PACKAGE}
    finally:
        sys.path.remove(str(output_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def operation(name: str) -> ModuleType:
    """The generated module of one operation: ``documents_submit`` is
    ``vanban_api_client.api.documents.documents_submit``."""
    return importlib.import_module(f"{PACKAGE}.api.{name.split('_')[0]}.{name}")


def models() -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.models")


def test_the_generator_takes_every_operation_without_a_complaint(generated, api):
    served = api.anonymous().get("/api/schema/?format=json")
    assert served.json() == generated["spec"], "manage.py spectacular and /api/schema/ differ"
    lowered = generated["output"].lower()
    for complaint in COMPLAINTS:
        assert complaint not in lowered, generated["output"]
    spec = generated["spec"]
    ids = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    assert len(ids) >= 36
    written = {p.stem for p in generated["path"].glob("api/*/*.py") if p.stem != "__init__"}
    assert written == ids
    package = importlib.import_module(PACKAGE)
    assert package.AuthenticatedClient and package.Client
    for name in sorted(ids):
        assert callable(operation(name).sync_detailed), name
    pdf = operation("documents_pdf_retrieve")
    assert "types.File" in str(pdf.sync_detailed.__annotations__["return"])


class Person:
    """One demo person with the generated client, logged in through the token operation."""

    def __init__(self, base_url: str, username: str):
        package = importlib.import_module(PACKAGE)
        login = operation("auth_token").sync_detailed(
            client=package.Client(base_url=base_url),
            body=models().CredentialsRequest(username=username, password=DEMO_PASSWORD),
        )
        assert login.status_code == 200, login.content
        self.client = package.AuthenticatedClient(
            base_url=base_url,
            token=login.parsed.token,
            prefix="Token",
            timeout=httpx.Timeout(60.0),
            raise_on_unexpected_status=True,
        )
        self.username = username

    def step_up(self) -> None:
        """Confirm with a second factor before a signer's or a clerk's step (design §15.2):
        the code the person's authenticator shows now, through the generated operation."""
        body = models().OtpRequest(otp=current_code(self.username))
        fresh = operation("auth_otp").sync_detailed(client=self.client, body=body)
        assert fresh.status_code == 200, fresh.content

    def call(self, name: str, expect: int = 200, **arguments):
        if name in STEP_UP:
            self.step_up()
        response = operation(name).sync_detailed(client=self.client, **arguments)
        assert response.status_code == expect, (name, response.status_code, response.content)
        return response.parsed


def _the_plan_from_the_fixture(references: list[int]):
    """The seed plan as fixtures/ hold it, as a drafter's client sends it."""
    m = models()
    data = orgchart_demo.read_fixture(orgchart_demo.FIXTURE)
    plan = data["seed_plan"]
    text = (orgchart_demo.FIXTURE.parent / plan["file"]).read_text(encoding="utf-8")
    return m.DocumentWriteRequest(
        issuer=plan["issuer"],
        doc_type=m.DocTypeEnum(plan["doc_type"]),
        title=plan["title"],
        body=seed_body(text),
        signing_authority=m.DocumentWriteRequestSigningAuthorityType1(
            prefix=plan["authority_prefix"],
            collective_name=plan["collective_name"],
            signer_title=plan["signer_title"],
            signer=plan["signer"],
        ),
        recipients=[
            m.RecipientInRequest(
                organization=r["organization"], purpose=m.PurposeEnum(r["purpose"])
            )
            for r in plan["recipients"]
        ],
        references=references,
        luu=plan["luu"],
    )


def test_the_seed_plan_travels_through_the_generated_client(generated, live_server, live_world):
    m = models()
    base = live_server.url
    soanthao, truongban, vanthu = (Person(base, u) for u in ("soanthao", "truongban", "vanthu"))
    signer, clerk = Person(base, "pct.huy"), Person(base, "vt.bacson")

    # The demo's draft names the two incoming plans it implements; the new one names them too.
    found = soanthao.call(
        "documents_list", q="tuyen truyen xay dung dang", status=m.DocumentsListStatus("draft")
    )
    (seed,) = found.results
    assert len(seed.references) == 2

    doc = soanthao.call("documents_create", 201, body=_the_plan_from_the_fixture(seed.references))
    assert (doc.status, doc.issuer, doc.doc_type) == ("draft", "mttq-samson", "KH")
    assert len(doc.recipients) == 22 and doc.signing_authority.signer == "pct.huy"
    assert "submit" in doc.available_actions

    doc = soanthao.call("documents_submit", id=doc.id, body=m.CommentRequest())
    assert doc.status == "in_review"
    approve = m.ReviewRequest(decision=m.ReviewDecisionEnum("approve"))
    doc = truongban.call("documents_review", id=doc.id, body=approve)
    assert doc.status == "format_check"
    doc = vanthu.call("documents_review", id=doc.id, body=approve)
    assert doc.status == "awaiting_signature"
    doc = signer.call(
        "documents_sign", id=doc.id, body=m.SignRequest(decision=m.SignDecisionEnum("sign"))
    )
    assert (doc.status, doc.signer) == ("signed", "pct.huy")
    doc = vanthu.call("documents_register", id=doc.id)
    assert doc.status == "issued" and doc.symbol == f"{doc.number:02d}/KH-MTTQ-BTT"
    doc = vanthu.call("documents_dispatch", id=doc.id)
    assert doc.status == "dispatched"

    progress = vanthu.call("documents_receipts_list", id=doc.id)
    assert progress.count == 22 and {r.status for r in progress.results} == {"delivered"}
    arrived = clerk.call("receipts_list", status=m.ReceiptsListStatus("delivered"))
    (receipt,) = [r for r in arrived.results if r.document == doc.id]
    receipt = clerk.call("receipts_acknowledge", id=receipt.id)
    assert (receipt.status, receipt.organization, receipt.code) == ("acknowledged", "bacson", "03")
    assert receipt.incoming_number >= 1

    # The PDF is binary in the schema: the recipient reads the issued plan as Decree 30 prints it.
    pdf = clerk.call("documents_pdf_retrieve", id=doc.id)
    assert pdf.payload.read(5) == b"%PDF-"
    trail = vanthu.call("documents_audit_list", id=doc.id, page_size=500)
    actions = [e.action for e in trail.results]
    steps = ["create", "submit", "review", "review", "sign", "register", "dispatch"]
    assert actions[: len(steps)] == steps and actions[-1] == "acknowledge"
