"""What may change in the file after the signer's signature: exactly the registration update
(``original.seal_original``), which draws the number and date lines on page 1.

pyHanko's difference analysis accepts form filling and new signatures after a signature and
flags every other change. This rule explains one more, and nothing looser:

- page 1 itself does not change; its content array (an object of its own since signing) keeps
  its streams in order and gains one; its resource dictionaries keep every entry and gain
  fonts, graphics states and colour spaces named ``/VbS…``;
- the new stream draws text only: no pictures, no forms, no painted shapes that could cover
  what the signer signed;
- every other object of the update is new and reached only from those resources.

It explains the change; it does not approve it. The verification asks, besides, that a later
signature (the organisation's) cover the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    ModificationLevel,
    ReferenceUpdate,
    StandardDiffPolicy,
    WhitelistRule,
)

from .original import LAYER_RESOURCES, SLOTS_LAYER, _get

#: PDF strings and the operators that paint anything but text.
_STRINGS = re.compile(rb"<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)")
_PAINTING = {b"re", b"f", b"F", b"f*", b"b", b"B", b"b*", b"B*", b"S", b"s", b"sh", b"Do", b"BI"}


def _first_page_ref(resolver: HistoricalResolver):
    node = resolver.root.raw_get("/Pages")
    while True:
        obj = node.get_object()
        if _get(obj, "/Type") == "/Page":
            return node.reference if isinstance(node, generic.IndirectObject) else None
        kids = _get(obj, "/Kids")
        if not kids:
            return None
        node = kids.raw_get(0)


def _key(item) -> tuple[int, int]:
    return (item.idnum, item.generation)


def _raw(dictionary, key):
    return dictionary.raw_get(key) if key in dictionary else None


def _same(a, b) -> bool:
    if isinstance(a, generic.IndirectObject) and isinstance(b, generic.IndirectObject):
        return a.reference == b.reference
    return a == b


def _reached(values: list, new_refs: dict, found: set) -> None:
    """The new objects ``values`` lead to."""
    stack = list(values)
    while stack:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            ref = new_refs.get(_key(item))
            if ref is None or ref in found:
                continue
            found.add(ref)
            stack.append(item.get_object())
        elif isinstance(item, generic.DictionaryObject):  # streams too
            stack.extend(item.raw_get(k) for k in item)
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item.raw_get(i) for i in range(len(item)))


def _draws_text_only(data: bytes) -> bool:
    tokens = set(_STRINGS.sub(b" ", data).split())
    return not tokens & _PAINTING


class RegistrationRule(WhitelistRule):
    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        new_refs = {(r.idnum, r.generation): r for r in new.explicit_refs_in_revision()}
        page_ref = _first_page_ref(old)
        if page_ref is None or page_ref != _first_page_ref(new) or _key(page_ref) in new_refs:
            return
        page = old.get_object(page_ref)
        contents, resources = page.raw_get("/Contents"), page.raw_get("/Resources")
        if not isinstance(contents, generic.IndirectObject) or _key(contents) not in new_refs:
            return
        if not isinstance(resources, generic.IndirectObject) or _key(resources) in new_refs:
            return
        added = self._added_stream(old(contents.reference), new(contents.reference), new_refs)
        if added is None:
            return
        found: set = {new_refs[_key(contents)], new_refs[_key(added)]}
        brought = self._added_resources(old(resources.reference), new_refs, new, found)
        if brought is None:
            return
        _reached(brought, new_refs, found)
        for ref in found:
            yield ReferenceUpdate(ref)

    @staticmethod
    def _added_stream(before, after, new_refs):
        """The one new content stream of page 1, the others unchanged and in order; it must
        draw text only."""
        if not isinstance(before, generic.ArrayObject) or not isinstance(
            after, generic.ArrayObject
        ):
            return None
        old_items = [before.raw_get(i) for i in range(len(before))]
        new_items = [after.raw_get(i) for i in range(len(after))]
        if len(new_items) != len(old_items) + 1:
            return None
        for index, item in enumerate(new_items):
            rest = new_items[:index] + new_items[index + 1 :]
            if (
                all(_same(a, b) for a, b in zip(rest, old_items, strict=True))
                and isinstance(item, generic.IndirectObject)
                and _key(item) in new_refs
                and _draws_text_only(item.get_object().data)
            ):
                return item
        return None

    @staticmethod
    def _added_resources(resources, new_refs, new, found: set) -> list | None:
        """What page 1's resource dictionaries gained: fonts, graphics states and colour
        spaces under the registration layer's names, every entry before kept."""
        brought = []
        for kind in LAYER_RESOURCES:
            ref = resources.raw_get(kind) if kind in resources else None
            if not isinstance(ref, generic.IndirectObject):
                continue
            if _key(ref) not in new_refs:
                continue
            was, now = ref.get_object(), new(ref.reference)
            if any(k not in now or not _same(_raw(was, k), _raw(now, k)) for k in was):
                return None
            for name in set(now) - set(was):
                if not name.startswith(SLOTS_LAYER):
                    return None
                brought.append(now.raw_get(name))
            found.add(new_refs[_key(ref)])
        return brought


#: pyHanko's default policy and the registration update, explained as form filling is.
POLICY = StandardDiffPolicy(
    global_rules=[
        *DEFAULT_DIFF_POLICY.global_rules,
        RegistrationRule().as_qualified(ModificationLevel.FORM_FILLING),
    ],
    form_rule=DEFAULT_DIFF_POLICY.form_rule,
)
