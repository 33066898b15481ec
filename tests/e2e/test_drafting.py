"""Drafting in a real browser, at 1366 and 390 px: the drafter addresses all wards and
communes for thực hiện with one ward left out, adds an outside recipient with an e-mail, two
files and two Căn cứ lines, picks the signer from the people who may sign; the document page
then shows the bases (punctuated), the Nơi nhận lines in order and both files."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from documents.models import Document
from orgchart.models import Organization
from orgchart.selectors import signers_of
from tests.e2e.widths import DESKTOP, PHONE, width_on_a_phone

pytestmark = pytest.mark.e2e

TITLE = "Kế hoạch tuyên truyền Ngày hội Đại đoàn kết năm 2023"
BASES = [
    "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam",
    "Căn cứ Kế hoạch số 616/MTTQ-BTT ngày 02/6/2023 của Ban Thường trực Ủy ban MTTQ tỉnh",
]
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def test_a_plan_for_all_wards_an_outside_recipient_two_files_and_bases(as_user):
    soanthao = as_user("soanthao")
    page = soanthao.page
    page.goto("/outgoing/soan-thao/")
    form = page.get_by_test_id("draft-form")
    expect(form).to_be_visible()

    # The signer is picked from the people who may sign, each shown with the post.
    issuer = Organization.objects.get(code="mttq-samson")
    options = page.locator("#id_signer option").all_inner_texts()
    signers = list(signers_of(issuer))
    assert len(options) == len(signers) + 1  # and the "not chosen yet" line
    assert any(re.search(r"Trịnh Quang Huy — Phó Chủ tịch", o, re.I) for o in options), options
    page.locator("#id_signer").select_option(label=next(o for o in options if "Huy" in o))

    page.get_by_label("Trích yếu").fill(TITLE)
    page.get_by_label("Căn cứ", exact=True).fill("\n".join(BASES))
    page.get_by_label("Nội dung", exact=True).fill(
        "I. MỤC ĐÍCH, YÊU CẦU\nCác phường, xã tổ chức tuyên truyền."
    )

    # The whole wards' group at one tick, then one ward left out.
    wards = page.get_by_test_id("group-wards")
    wards.get_by_test_id("all-wards").check()
    ticked = wards.locator(".vb-group__members input:checked")
    expect(ticked).to_have_count(11)
    wards.get_by_label("Ban Thường trực Ủy ban MTTQ Việt Nam xã Quảng Đại").uncheck()
    expect(wards.get_by_test_id("all-wards")).not_to_be_checked()
    wards.locator("select").select_option("execute")

    outside = page.get_by_test_id("group-outside")
    outside.locator("#id_name_1").fill("Báo Thanh Hóa")
    outside.locator("#id_email_1").fill("toasoan@baothanhhoa.vn")
    outside.locator("#id_name_purpose_1").select_option("inform")

    page.get_by_test_id("attachments-input").set_input_files(
        [
            {"name": "de-cuong.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "so-do.png", "mimeType": "image/png", "buffer": PNG},
        ]
    )
    expect(page.get_by_test_id("file-name")).to_have_text("de-cuong.pdf, so-do.png")

    soanthao.shot("soan-thao-1366")
    width = width_on_a_phone(page)
    assert width <= 390, width
    soanthao.shot("soan-thao-390")
    page.set_viewport_size(DESKTOP)

    page.get_by_test_id("draft-submit").click()
    page.wait_for_url(re.compile(r".*/outgoing/\d+/$"))
    document = Document.objects.get(title=TITLE)

    bases = page.get_by_test_id("bases")
    expect(bases.locator("p")).to_have_text([BASES[0] + ";", BASES[1] + "."])
    expect(bases.locator("p").first).to_have_css("font-style", "italic")
    lines = page.get_by_test_id("recipients").locator("div").all_inner_texts()
    assert lines[0] == "- Ban Thường trực Ủy ban MTTQ Việt Nam phường Bắc Sơn (t/h);"
    assert not any("Quảng Đại" in line for line in lines)
    assert lines[-2] == "- Báo Thanh Hóa (để biết);" and lines[-1].startswith("- Lưu: VT")
    assert len(lines) == 10 + 1 + 1
    for name in ("de-cuong.pdf", "so-do.png"):
        expect(page.get_by_test_id("attachments")).to_contain_text(name)
    soanthao.shot("du-thao-da-luu-1366")
    page.set_viewport_size(PHONE)
    soanthao.shot("du-thao-da-luu-390")

    assert document.signer.username == "pct.huy"
    assert document.can_cu == "\n".join(BASES)
    outsider = document.recipients.get(organization__isnull=True)
    assert (outsider.name, outsider.email, outsider.purpose) == (
        "Báo Thanh Hóa",
        "toasoan@baothanhhoa.vn",
        "inform",
    )
    assert sorted(document.attachments.values_list("original_name", flat=True)) == [
        "de-cuong.pdf",
        "so-do.png",
    ]
