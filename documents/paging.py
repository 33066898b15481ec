"""Pages of a list whose cost does not grow with the table: the count stops at
``COUNT_LIMIT`` rows, and whether there is a next page is told by one row more than the page.

An exact COUNT of what a person sees reads every such row: a committee's clerk sees tens of
thousands of documents after a few years, and each list paid for counting them all on every
request. Past the limit the count says "at least" (``exact`` is False); the pages go on for as
long as there are rows, reached by "Trang sau" or ``next``. Screens and the API page with it
(documents.api.pagination; the OpenAPI schema says what ``count`` means).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

#: Rows counted at most; beyond it ``count`` is this number and ``exact`` is False.
COUNT_LIMIT = 1000


class Sifted:
    """The rows of an ordered queryset that ``keep`` lets through, read in the queryset's
    order a batch at a time until a slice is full.

    For a list whose rows are cheap to take in index order (a person's own tasks) but whose
    filter is dear as a join (who may still see each task's document): the join makes the
    planner scan the whole filter's side first, while ``keep`` asks it about one batch of
    ids at a time. ``keep`` gets a batch and returns the rows it keeps, in order.

    Reading stops after ``read_limit`` rows of the source: past it ``truncated`` is True and
    the slices end there, so a person whose every old row is hidden costs a bounded walk,
    not the whole history."""

    ordered = True  # the paginator's check: the source's order is the order shown
    #: Rows read at least, and at most, in one batch; rows read in all before giving up.
    batch = 50
    batch_limit = 2000
    read_limit = 10_000

    def __init__(self, source: QuerySet, keep: Callable[[list[Any]], Sequence[Any]]) -> None:
        self.source = source
        self.keep = keep
        self.kept: list[Any] = []
        self.read = 0
        self.exhausted = False
        self.truncated = False

    def _fill(self, wanted: int) -> None:
        while len(self.kept) < wanted and not (self.exhausted or self.truncated):
            if self.read >= self.read_limit:
                self.truncated = True
                break
            self._read_batch(self._batch_size(wanted - len(self.kept)))

    def _batch_size(self, missing: int) -> int:
        # As many rows as the pass rate seen so far says will fill the slice, and a fifth
        # more: one batch for a desk where all pass, a few where most do not.
        rate = len(self.kept) / self.read if self.read else 1.0
        size = math.ceil(missing * 1.2 / rate) if rate else self.batch_limit
        return min(max(size, self.batch), self.batch_limit, self.read_limit - self.read)

    def _read_batch(self, size: int) -> None:
        rows = list(self.source[self.read : self.read + size])
        self.read += len(rows)
        self.exhausted = len(rows) < size
        if rows:
            self.kept.extend(self.keep(rows))

    def __iter__(self):
        index = 0
        while True:
            self._fill(index + 1)
            if index >= len(self.kept):
                return
            yield self.kept[index]
            index += 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.start or 0, index.stop, index.step
            if stop is None or start < 0 or stop < 0 or step not in (None, 1):
                raise ValueError("Sifted rows are sliced forward from a bounded stop.")
            self._fill(stop)
            return self.kept[start:stop]
        if index < 0:
            raise ValueError("Sifted rows are indexed from the start.")
        self._fill(index + 1)
        return self.kept[index]


class Merged:
    """The rows of several ordered querysets ("parts") as one list in ``key`` order: a slice
    reads each part up to the slice's stop and merges them.

    For a list whose rows are a union no one index can serve (search's documents and the
    caller's copies by three ways): as one SQL union the database read every row of the
    branches it could not start from an index, while each part alone is ranked, sorted and
    cut to the page from its own. Parts may overlap: rows with the same ``key`` are the same
    row, kept once. A part may be a sequence of querysets read one after the other, each only
    for what the ones before it could not fill (a search's ranks: the titles' matches fill a
    page before the bodies' are asked). ``count(n)`` says how many rows there are, up to
    ``n``."""

    ordered = True

    def __init__(
        self,
        parts: Sequence[QuerySet | Sequence[QuerySet]],
        key: Callable[[Any], Any],
        count: Callable[[int], int],
    ) -> None:
        self.parts = parts
        self.key = key
        self.count = count

    def bounded_count(self, limit: int) -> int:
        return self.count(limit)

    def _head(self, stop: int | None) -> list[Any]:
        """The first ``stop`` rows (every row for None), in one query per part: the first
        ``stop`` rows of the union are among the first ``stop`` of each part."""
        read = [_read(part, stop) for part in self.parts]
        merged = heapq.merge(*read, key=self.key)
        rows = [next(same) for _, same in groupby(merged, self.key)]
        return rows if stop is None else rows[:stop]

    def __iter__(self):
        return iter(self._head(None))

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.start or 0, index.stop, index.step
            if stop is None or start < 0 or stop < 0 or step not in (None, 1):
                raise ValueError("Merged rows are sliced forward from a bounded stop.")
            return self._head(stop)[start:stop]
        if index < 0:
            raise ValueError("Merged rows are indexed from the start.")
        rows = self._head(index + 1)
        if index >= len(rows):
            raise IndexError(index)
        return rows[index]


def _read(part: QuerySet | Sequence[QuerySet], stop: int | None) -> list[Any]:
    if isinstance(part, QuerySet):
        return list(part if stop is None else part[:stop])
    rows: list[Any] = []
    for each in part:
        if stop is not None and len(rows) >= stop:
            break
        rows += _read(each, None if stop is None else stop - len(rows))
    return rows


class BoundedPage(Page):
    paginator: BoundedPaginator

    def __init__(self, rows, number, paginator, *, more: bool):
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return self.start_index() + len(self) - 1 if len(self) else 0

    @property
    def pages_label(self) -> str:
        """ "40" when that is every page; "41+" past the counted rows."""
        shown = max(self.paginator.num_pages, self.number)
        return str(shown) if self.paginator.exact else f"{shown}+"


class BoundedPaginator(Paginator):
    count_limit = COUNT_LIMIT

    def __init__(self, object_list, per_page, orphans: int = 0, allow_empty_first_page=True):
        # Orphans would need the exact count of the last page: never merged here.
        super().__init__(object_list, per_page, 0, allow_empty_first_page)

    @cached_property
    def _counted(self) -> int:
        if isinstance(self.object_list, Merged):
            return self.object_list.bounded_count(self.count_limit + 1)
        if isinstance(self.object_list, QuerySet):
            # SELECT COUNT(*) FROM (… LIMIT n), unordered: any n rows tell the count, and an
            # ORDER BY made the database sort every match before it could stop at n.
            return self.object_list.order_by()[: self.count_limit + 1].count()
        return len(self.object_list[: self.count_limit + 1])

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.count_limit)

    @cached_property
    def exact(self) -> bool:
        """Whether ``count`` is every row, not the limit (nor where a bounded walk of
        ``Sifted`` rows stopped)."""
        counted = self._counted  # first: counting is what walks Sifted rows
        truncated = isinstance(self.object_list, Sifted) and self.object_list.truncated
        return counted <= self.count_limit and not truncated

    @property
    def count_label(self) -> str:
        """ "25", or "1.000+" past the counted rows (grouped the Vietnamese way)."""
        text = f"{self.count:,}".replace(",", ".")
        return text if self.exact else f"{text}+"

    def validate_number(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > self.num_pages and self.exact:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number) -> BoundedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return BoundedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number) -> BoundedPage:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages if self.exact else 1)
