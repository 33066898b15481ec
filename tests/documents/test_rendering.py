"""The document as Decree 30 prints it: the text of the rendered PDF, read back in reading
order (pdfminer.six), carries every part of design §15.4 where PL I puts it."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile

import pytest
from django.utils import timezone

from documents import rendering, services
from documents.models import Document
from documents.numbering import REGISTER_ZONE, date_line
from documents.rendering.context import body_blocks, luu_line
from documents.templatetags.sheet import keep_tag
from tests.support import advance

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]


def pdf_text(data: bytes) -> str:
    """The text in reading order, as poppler's ``pdftotext`` reads a page: the two columns
    of the header and of the foot one after the other, left first (pdfminer's layout
    analysis reads a signature block shorter than the Nơi nhận beside it first). poppler-utils
    is installed by ``make test`` when missing."""
    assert data.startswith(b"%PDF-")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", pdf.name, "-"], capture_output=True, check=True
        )
    return " ".join(out.stdout.decode("utf-8").split())


def assert_in_order(text: str, parts: list[str]) -> None:
    """Each part occurs after the one before it (whitespace-normalised)."""
    at = 0
    for part in parts:
        wanted = " ".join(part.split())
        found = text.find(wanted, at)
        assert found >= 0, f"{wanted!r} not found after position {at}: …{text[at : at + 300]}…"
        at = found + len(wanted)


def issued_plan(world) -> Document:
    return advance(world.seed_plan(), "issued")


def letter(world, **extra) -> Document:
    fields = {
        "issuer": "mttq-samson",
        "doc_type": "CV",
        "title": "Đề nghị báo cáo kết quả tuyên truyền quý II năm 2023",
        "body": "Ban Thường trực đề nghị các phường, xã báo cáo kết quả trước ngày 05/7/2023./.",
        "authority_prefix": "TM",
        "collective_name": "BAN THƯỜNG TRỰC",
        "signer": "pct.huy",
        "luu": "VT, MTTQ",
        "recipients": [
            {"organization": "bacson", "purpose": "execute"},
            {"organization": "trungson", "purpose": "execute"},
            {"organization": "thanhuy", "purpose": "report"},
        ],
        **extra,
    }
    return services.create_draft(actor=world.user("soanthao"), **fields)


def test_issued_seed_plan_reads_in_decree_30_order(world):
    plan = issued_plan(world)
    text = pdf_text(rendering.render_pdf(plan))
    issued_on = timezone.localtime(plan.issued_at, REGISTER_ZONE).date()
    recipients = [r.display_name for r in plan.recipients.select_related("organization")]
    assert len(recipients) == 22
    assert_in_order(
        text,
        [
            "ỦY BAN MTTQ VIỆT NAM",
            "THÀNH PHỐ SẦM SƠN",
            "BAN THƯỜNG TRỰC",
            "Số: 01/KH-MTTQ-BTT",
            date_line("Sầm Sơn", issued_on),
            "KẾ HOẠCH",
            plan.title,
            "Thực hiện Kế hoạch số 616/MTTQ-BTT",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "II. NỘI DUNG TUYÊN TRUYỀN",
            "IV. TỔ CHỨC THỰC HIỆN",
            "theo dõi, tổng hợp kết quả chung.",
            # What the wards owe comes last in its part (tests/documents/test_duties.py).
            "xã Quảng Đại gửi về Ban Thường trực",
            "./.",
            "Nơi nhận:",
            *recipients,
            "- Lưu: VT, MTTQ thành phố.",
            "TM. BAN THƯỜNG TRỰC",
            "PHÓ CHỦ TỊCH",
            "Trịnh Quang Huy",
        ],
    )
    assert_in_order(text, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    assert "(b/c)" in text and "DỰ THẢO" not in text
    # Decree 30's leading zero: "Số: 01", and the date line's days below 10 and months 1, 2.
    assert re.search(r"Số: 01/KH-MTTQ-BTT", text)


def test_issued_plan_pages_are_numbered_from_the_second(world):
    from pdfminer.high_level import extract_pages

    pages = list(extract_pages(io.BytesIO(rendering.render_pdf(issued_plan(world)))))
    assert len(pages) >= 2
    tops = []
    for page in pages:
        lines = [
            (element.y1, element.get_text().strip())
            for element in page
            if hasattr(element, "get_text") and element.get_text().strip()
        ]
        tops.append(max(lines)[1])
    assert not tops[0].isdigit()
    assert tops[1:] == [str(n) for n in range(2, len(pages) + 1)]


def test_draft_has_the_watermark_and_no_number(world):
    plan = world.seed_plan()
    text = pdf_text(rendering.render_pdf(plan))
    assert "DỰ THẢO" in text
    assert re.search(r"Số:\s*/KH-MTTQ-BTT", text), text[:300]
    assert not re.search(r"Số:\s*\d", text)
    assert "ngày tháng năm" in text  # the date is left blank too
    # A signed document awaiting its number is no longer a draft, and not yet numbered.
    signed = advance(plan, "signed")
    text = pdf_text(rendering.render_pdf(signed))
    assert "DỰ THẢO" not in text
    assert re.search(r"Số:\s*/KH-MTTQ-BTT", text)


def test_cong_van_has_vv_under_its_number_and_kinh_gui_and_no_type_name(world):
    doc = advance(letter(world), "issued")
    text = pdf_text(rendering.render_pdf(doc))
    assert_in_order(
        text,
        [
            "ỦY BAN MTTQ VIỆT NAM",
            "BAN THƯỜNG TRỰC",
            f"Số: {doc.symbol}",
            "V/v Đề nghị báo cáo kết quả tuyên truyền quý II năm 2023",
            "Kính gửi:",
            "- Ban Thường trực Ủy ban MTTQ Việt Nam phường Bắc Sơn;",
            "- Ban Thường trực Ủy ban MTTQ Việt Nam phường Trung Sơn.",
            "Ban Thường trực đề nghị các phường, xã báo cáo",
            "Nơi nhận:",
            "- Như trên;",
            "- Thường trực Thành ủy Sầm Sơn (b/c);",
            "- Lưu: VT, MTTQ.",
            "TM. BAN THƯỜNG TRỰC",
            "PHÓ CHỦ TỊCH",
            "Trịnh Quang Huy",
        ],
    )
    assert_in_order(text, [f"Số: {doc.symbol}", "Sầm Sơn, ngày", "Kính gửi:"])
    assert re.fullmatch(r"\d\d/MTTQ-BTT", doc.symbol)
    assert "CÔNG VĂN" not in text


def test_cong_van_draft_leaves_its_number_blank(world):
    text = pdf_text(rendering.render_pdf(letter(world)))
    assert re.search(r"Số:\s*/MTTQ-BTT", text)
    assert "/CV-" not in text and "DỰ THẢO" in text


def test_title_is_the_signers_position_never_the_drafts_words(world):
    """The Chủ tịch's document, drafted with the words of a deputy, prints CHỦ TỊCH."""
    plan = services.edit_draft(
        actor=world.user("soanthao"),
        document=world.seed_plan(),
        signer="chutich",
        signer_title="PHÓ CHỦ TỊCH",
    )
    draft_text = pdf_text(rendering.render_pdf(plan))
    assert "PHÓ CHỦ TỊCH" not in draft_text
    assert_in_order(draft_text, ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "Lê Văn Chính"])

    issued = advance(plan, "issued", users={"pct.huy": world.user("chutich")})
    text = pdf_text(rendering.render_pdf(issued))
    assert "PHÓ CHỦ TỊCH" not in text
    assert_in_order(text, ["Số: 01/KH-MTTQ-BTT", "TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "Lê Văn"])


def test_without_a_designated_signer_the_draft_shows_its_own_title(world):
    plan = services.edit_draft(
        actor=world.user("soanthao"), document=world.seed_plan(), signer=None
    )
    assert plan.signer_id is None
    assert rendering.build_sheet(plan).signer_title == "PHÓ CHỦ TỊCH"


def test_urgency_and_secrecy_marks(world):
    doc = letter(world, urgency="hoa_toc")
    text = pdf_text(rendering.render_pdf(doc))
    assert_in_order(text, ["V/v", "HỎA TỐC", "Kính gửi:"])
    assert rendering.build_sheet(letter(world, urgency="thuong_khan")).urgency_mark == (
        "THƯỢNG KHẨN"
    )
    assert rendering.build_sheet(letter(world, urgency="khan")).urgency_mark == "KHẨN"
    assert rendering.build_sheet(letter(world)).urgency_mark == ""


def test_body_is_escaped(world):
    plan = services.edit_draft(
        actor=world.user("soanthao"),
        document=world.seed_plan(),
        title='Trích yếu <img src="x" onerror="alert(1)">',
        body='<script>alert("x")</script>\n\n<b>Đậm</b> & <a href="http://evil">link</a>',
    )
    html = rendering.render_html(plan)
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Đậm&lt;/b&gt; &amp; &lt;a href=" in html
    text = pdf_text(rendering.render_pdf(plan))
    assert '<script>alert("x")</script>' in text
    assert '<b>Đậm</b> & <a href="http://evil">link</a>' in text
    # A recipient's name is escaped too, also where its purpose tag is kept on one line.
    assert keep_tag("- <i>Ban</i> (b/c);") == (
        '- &lt;i&gt;Ban&lt;/i&gt; <span class="vb-sheet__nowrap">(b/c);</span>'
    )
    assert str(keep_tag("- <i>Ban</i>;")) == "- <i>Ban</i>;"  # autoescaped by the template


def test_body_headings_and_paragraphs():
    blocks = body_blocks(
        "Thực hiện kế hoạch của Tỉnh, như sau:\nI. MỤC ĐÍCH, YÊU CẦU\n\n"
        "1. Tiếp tục đẩy mạnh tuyên truyền nâng cao nhận thức, tạo niềm tin.\n"
        "2. Công tác thông tin\n a) Hình thức\n"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Thực hiện kế hoạch của Tỉnh, như sau:"),
        ("part", "I. MỤC ĐÍCH, YÊU CẦU"),
        ("paragraph", "1. Tiếp tục đẩy mạnh tuyên truyền nâng cao nhận thức, tạo niềm tin."),
        ("item", "2. Công tác thông tin"),
        ("item", "a) Hình thức"),
    ]


def test_luu_line_names_the_clerks_copy_first(world):
    plan = world.seed_plan()
    assert luu_line(plan) == "- Lưu: VT, MTTQ thành phố."
    plan.luu = "VT, TCCB"
    assert luu_line(plan) == "- Lưu: VT, TCCB."
    plan.luu = ""
    assert luu_line(plan) == "- Lưu: VT."


def test_rendering_loads_only_what_ships_with_it():
    from documents.rendering.pdf import STATIC

    assert (STATIC / "fonts" / "LiberationSerif-Regular.ttf").is_file()
    assert (STATIC / "fonts" / "OFL.txt").is_file()
    from documents.rendering.pdf import _shipped_fetcher

    fetcher = _shipped_fetcher()
    with pytest.raises(ValueError, match="refusing to load"):
        fetcher.fetch("file:///etc/passwd")


def test_rendered_bytes_are_kept_per_version_and_state(world):
    from django.core.cache import cache

    from documents.rendering.pdf import _cache_key

    plan = world.seed_plan()
    first = rendering.render_pdf(plan)
    assert cache.get(_cache_key(plan)).pdf == first
    submitted = advance(plan, "in_review")
    assert _cache_key(submitted) != _cache_key(plan)


def test_signature_box_lies_between_the_title_and_the_name(world):
    """Where signing puts the signer's image (PL I §II.7.d): below PHÓ CHỦ TỊCH, above the
    name, in the right half of the last page."""
    from pdfminer.high_level import extract_pages

    rendered = rendering.render(issued_plan(world))
    box = rendered.boxes["signer"]
    pages = list(extract_pages(io.BytesIO(rendered.pdf)))
    assert box.page == len(pages) - 1
    x1, y1, x2, y2 = box.box
    assert round((y2 - y1) / 72 * 25.4) == 28  # 28 mm high
    assert x1 > pages[-1].width / 2 - 40 and x2 <= pages[-1].width
    lines = {}
    for element in pages[-1]:
        for line in getattr(element, "_objs", []):
            if hasattr(line, "get_text"):
                lines[line.get_text().strip()] = line
    assert lines["PHÓ CHỦ TỊCH"].y0 >= y2 - 1
    assert lines["Trịnh Quang Huy"].y1 <= y1 + 1


def test_the_signed_original_is_preferred_once_stored(world, monkeypatch):
    plan = world.seed_plan()
    monkeypatch.setattr(rendering.pdf, "stored_pdf", lambda document: b"%PDF-1.7 stored")
    assert rendering.document_pdf(plan) == b"%PDF-1.7 stored"


def test_decision_names_its_authority_bases_and_articles(world):
    doc = services.create_draft(
        actor=world.user("soanthao"),
        issuer="mttq-samson",
        doc_type="QĐ",
        title="Về việc thành lập Tổ thông tin, tuyên truyền năm 2023",
        body=(
            "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam;\n"
            "Căn cứ Kế hoạch số 01/KH-MTTQ-BTT của Ban Thường trực.\n"
            "QUYẾT ĐỊNH:\n"
            "Điều 1. Thành lập Tổ thông tin, tuyên truyền năm 2023.\n"
            "Điều 2. Quyết định có hiệu lực kể từ ngày ký./."
        ),
        authority_prefix="TM",
        collective_name="BAN THƯỜNG TRỰC",
        signer="pct.huy",
        recipients=[{"organization": "bacson", "purpose": "execute"}],
    )
    sheet = rendering.build_sheet(doc)
    assert [b.kind for b in sheet.body] == ["basis", "basis", "decides", "article", "article"]
    assert sheet.body[3].lead == "Điều 1."
    html = rendering.render_html(doc)
    assert '<p class="vb-sheet__basis">Căn cứ Điều lệ' in html
    assert "<strong>Điều 1.</strong> Thành lập" in html
    text = pdf_text(rendering.render_pdf(advance(doc, "issued")))
    assert_in_order(
        text,
        [
            f"Số: {doc.symbol}" if doc.symbol else "Số: 01/QĐ-MTTQ-BTT",
            "QUYẾT ĐỊNH",
            "Về việc thành lập Tổ thông tin, tuyên truyền năm 2023",
            world.org("mttq-samson").name.upper(),
            "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam;",
            "QUYẾT ĐỊNH:",
            "Điều 1. Thành lập Tổ thông tin, tuyên truyền năm 2023.",
            "Nơi nhận:",
            "TM. BAN THƯỜNG TRỰC",
        ],
    )


def test_rendering_is_bounded_by_the_body_limit(world, settings):
    settings.RENDER_MAX_BODY_CHARS = 2_000
    plan = world.seed_plan()
    assert len(plan.body) > 5_000
    html = rendering.render_html(plan)
    assert "I. MỤC ĐÍCH, YÊU CẦU" in html and "IV. TỔ CHỨC THỰC HIỆN" not in html
    assert "vượt quá giới hạn trình bày" in html
    # Nơi nhận and the signature block are still there.
    assert "Nơi nhận:" in html and "Trịnh Quang Huy" in html
