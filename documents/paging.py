"""Pages of a list whose cost does not grow with the table: the count stops at
``COUNT_LIMIT`` rows, and whether there is a next page is told by one row more than the page.

An exact COUNT of what a person sees reads every such row: a committee's clerk sees tens of
thousands of documents after a few years, and each list paid for counting them all on every
request. Past the limit the count says "at least" (``exact`` is False); the pages go on for as
long as there are rows, reached by "Trang sau" or ``next``. Screens and the API page with it
(documents.api.pagination; the OpenAPI schema says what ``count`` means).
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

#: Rows counted at most; beyond it ``count`` is this number and ``exact`` is False.
COUNT_LIMIT = 1000


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
        limited = self.object_list[: self.count_limit + 1]
        if isinstance(limited, QuerySet):
            return limited.count()  # SELECT COUNT(*) FROM (… LIMIT n)
        return len(limited)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.count_limit)

    @cached_property
    def exact(self) -> bool:
        """Whether ``count`` is every row, not the limit."""
        return self._counted <= self.count_limit

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
