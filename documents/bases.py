"""Căn cứ: the legal bases a document rests on, kept one a line (``Document.can_cu``) and
printed in italics above the body, each ending with ";" and the last with "." (Decree 30,
PL I §II.6)."""

from __future__ import annotations


def legal_bases(text: str) -> list[str]:
    """The bases of ``text``, one a line, without the punctuation the sheet adds."""
    lines = (" ".join(line.split()).rstrip(";.,").rstrip() for line in text.splitlines())
    return [line for line in lines if line]


def punctuated(text: str) -> list[str]:
    """The lines as printed: ";" after each basis, "." after the last."""
    bases = legal_bases(text)
    return [line + ("." if i == len(bases) - 1 else ";") for i, line in enumerate(bases)]
