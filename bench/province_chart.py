"""The province's organisation chart and people, as rows for COPY.

Around the demo (the Sầm Sơn city committee, its wards and member organisations, the
province's own committee and the party bodies, all kept as they are) the generator adds the
other district-level committees of the province, each with its member organisations and its
wards and communes, and under every ward or commune its own member organisations. Every
organisation has a clerk (văn thư) and a leader; committees have a chair, a vice-chair who
signs, a head of department who reviews and an auditor. The rest of the people are staff
(cán bộ chuyên trách) who draft and handle, spread over the organisations.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from province import Shape

PROVINCE = "mttq-tinh"
DEMO_COMMITTEE = "mttq-samson"

#: Thanh Hóa's district-level units besides Sầm Sơn (the demo's): real names read better on
#: the screens than numbers.
DISTRICTS = (
    "Thanh Hóa", "Bỉm Sơn", "Nghi Sơn", "Bá Thước", "Cẩm Thủy", "Đông Sơn", "Hà Trung",
    "Hậu Lộc", "Hoằng Hóa", "Lang Chánh", "Mường Lát", "Nga Sơn", "Ngọc Lặc", "Như Thanh",
    "Như Xuân", "Nông Cống", "Quan Hóa", "Quan Sơn", "Quảng Xương", "Thạch Thành",
    "Thiệu Hóa", "Thọ Xuân", "Thường Xuân", "Triệu Sơn", "Vĩnh Lộc", "Yên Định",
    "Đông Tiến", "Hải Tiến", "Quảng Ninh",
)  # fmt: skip
WARD_FIRST = ("Quảng", "Hoằng", "Đông", "Thiệu", "Xuân", "Yên", "Vĩnh", "Nga", "Hà", "Thọ")
WARD_SECOND = (
    "Sơn", "Lộc", "Phú", "Hòa", "Thành", "Bình", "An", "Hưng", "Tiến", "Thịnh", "Long",
    "Định", "Trung", "Phong", "Lợi",
)  # fmt: skip
#: A committee's member organisations (code suffix, name, symbol); a ward has the first four.
MEMBERS = (
    ("hpn", "Hội Liên hiệp Phụ nữ", "HLHPN"),
    ("dtn", "Đoàn TNCS Hồ Chí Minh", "ĐTN"),
    ("hnd", "Hội Nông dân", "HND"),
    ("hccb", "Hội Cựu chiến binh", "HCCB"),
    ("ldld", "Liên đoàn Lao động", "LĐLĐ"),
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Trịnh")
MIDDLE = ("Văn", "Thị", "Minh", "Quang", "Thu", "Đức", "Hữu", "Ngọc", "Thanh", "Xuân")
GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Linh", "Long",
    "Mai", "Nam", "Nga", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vân", "Yến",
)  # fmt: skip

# The demo's positions (fixtures/samson-2023.json), by the roles they carry.
CHAIR, VICE_CHAIR, HEAD = "Chủ tịch", "Phó Chủ tịch", "Trưởng ban Tổ chức - Tuyên giáo"
STAFF, CLERK, LEADER, AUDITOR = (
    "Cán bộ chuyên trách",
    "Văn thư",
    "Lãnh đạo đơn vị",
    "Kiểm soát viên",
)


@dataclass
class Org:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    symbol: str = "MTTQ-BTT"
    place: str = ""
    order: int = 0
    new: bool = True
    #: "committee", "ward" or "member": which share of the documents it issues and to whom.
    tier: str = "member"
    children: list[int] = field(default_factory=list)


@dataclass
class Chart:
    orgs: dict[int, Org]
    by_code: dict[str, int]
    #: New people: (id, username, first_name, last_name); memberships: (user, org, position).
    people: list[tuple[int, str, str, str]] = field(default_factory=list)
    memberships: list[tuple[int, int, str]] = field(default_factory=list)


def build(shape: Shape, existing: list[dict], rng: random.Random, first_org_id: int) -> Chart:
    """The chart: ``existing`` are the demo's organisations (id, code, name, kind, parent_id)."""
    chart = Chart(orgs={}, by_code={})
    tiers = {"mttq": "committee", "ward": "ward", "commune": "ward"}
    for row in existing:
        org = Org(
            row["id"], row["code"], row["name"], row["kind"], row["parent_id"], new=False,
            tier=tiers.get(row["kind"], "member"),
        )  # fmt: skip
        if org.code == PROVINCE or org.kind in ("party_committee", "party_board"):
            org.tier = "outside"  # receives reports, issues nothing generated
        chart.orgs[org.id] = org
        chart.by_code[org.code] = org.id
    for org in chart.orgs.values():
        if org.parent_id in chart.orgs:
            chart.orgs[org.parent_id].children.append(org.id)
    next_id = iter(range(first_org_id, 1 << 62))

    def add(code, name, kind, parent, symbol="MTTQ-BTT", place="", tier="member") -> Org:
        org = Org(next(next_id), code, name, kind, parent, symbol, place, 100 + len(chart.orgs))
        org.tier = tier
        chart.orgs[org.id], chart.by_code[code] = org, org.id
        if parent is not None:
            chart.orgs[parent].children.append(org.id)
        return org

    province = chart.by_code[PROVINCE]
    for c in range(1, shape.committees):
        place = DISTRICTS[(c - 1) % len(DISTRICTS)] + ("" if c <= len(DISTRICTS) else f" {c}")
        code = f"tp{c:02d}"
        committee = add(
            code, f"Ban Thường trực Ủy ban MTTQ Việt Nam huyện {place}", "mttq", province,
            place=place, tier="committee",
        )  # fmt: skip
        for suffix, name, symbol in MEMBERS:
            add(f"{code}-{suffix}", f"{name} huyện {place}", "member", committee.id, symbol, place)
        names = [f"{a} {b}" for a in WARD_FIRST for b in WARD_SECOND]
        for w, ward_name in enumerate(rng.sample(names, shape.wards_per_committee), start=1):
            kind = "ward" if w % 3 else "commune"
            label = "phường" if kind == "ward" else "xã"
            add(
                f"{code}-p{w:02d}", f"Ban Thường trực Ủy ban MTTQ Việt Nam {label} {ward_name}",
                kind, committee.id, place=ward_name, tier="ward",
            )  # fmt: skip
    for ward in [o for o in chart.orgs.values() if o.tier == "ward"]:
        for suffix, name, symbol in MEMBERS[:4]:
            add(
                f"{ward.code}-{suffix}",
                f"{name} {ward.place or ward.name}",
                "member",
                ward.id,
                symbol,
            )
    _people(shape, chart, rng)
    return chart


def _people(shape: Shape, chart: Chart, rng: random.Random) -> None:
    """The posts every new organisation has, then staff up to the shape's head count."""
    counter = iter(range(1, 1 << 62))

    def person(username: str, org: Org, position: str) -> None:
        pid = next(counter)  # a placeholder: generate.py maps it to the table's next id
        given, family = rng.choice(GIVEN), f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)}"
        chart.people.append((pid, username, given, family))
        chart.memberships.append((pid, org.id, position))

    staffed = []
    for org in chart.orgs.values():
        if not org.new:
            if org.tier in ("committee", "ward", "member"):
                staffed.append(org)
            continue
        person(f"vt.{org.code}", org, CLERK)
        if org.tier == "committee":
            person(f"ct.{org.code}", org, CHAIR)
            person(f"pct.{org.code}", org, VICE_CHAIR)
            person(f"tb.{org.code}", org, HEAD)
            person(f"kt.{org.code}", org, AUDITOR)
        else:
            person(f"ld.{org.code}", org, LEADER)
        person(f"cb.{org.code}", org, STAFF)
        staffed.append(org)
    weight = {"committee": 12, "ward": 3, "member": 1}
    pool = [org for org in staffed for _ in range(weight[org.tier])]
    extra = shape.people - len(chart.people)
    for n in range(max(0, extra)):
        org = pool[n % len(pool)] if n < len(pool) else rng.choice(pool)
        person(f"cb.{org.code}.{n + 1}", org, STAFF)


def organization_rows(chart: Chart) -> Iterator[tuple]:
    """orgchart_organization: id, code, name, kind, symbol, header_lines, place_name,
    requires_format_check, email, order, valid_from, valid_to, parent_id, successor_id,
    organ_id."""
    for org in chart.orgs.values():
        if not org.new:
            continue
        header = "ỦY BAN MTTQ VIỆT NAM\n" + org.name.upper()
        yield (
            org.id, org.code, org.name, org.kind, org.symbol, header, org.place, True, "",
            org.order, None, None, org.parent_id, None, "",
        )  # fmt: skip
