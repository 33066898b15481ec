"""edXML (QCVN 102:2016/BTTTT): the package other document systems exchange, and the status
messages that tell the sender what became of it. ``writer`` builds both from our documents
and receipts; ``reader`` reads a package defensively (it comes from outside). The element
names and their nesting follow the packages the official VPCP/VNPT SDK produces
(``../shared/domain.md`` §3.2–3.3)."""

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
