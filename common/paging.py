"""A page of a queryset and the number of rows it has, in one query instead of two."""

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, QuerySet, Window


class OneQueryPaginator(Paginator):
    """Django's paginator, answering the same, with the total counted beside the page's rows
    (``COUNT(*) OVER ()``) rather than by a query of its own.

    A page past the end, or an empty list, finds no row to read the total from: the paginator then
    answers as Django's always does (counts, and refuses the page or gives the last one), at the cost
    of the query it saved. The queryset must not be ``distinct()``: the window would count the rows
    before de-duplication.
    """

    def page(self, number):
        n = _whole(number)
        if "count" not in self.__dict__ and isinstance(self.object_list, QuerySet) and n is not None and n >= 1:
            start = (n - 1) * self.per_page
            rows = list(self.object_list.annotate(_page_total=Window(Count("*")))[start : start + self.per_page])
            if rows:
                self.count = rows[0]._page_total  # over the cached property, which would count again
                return self._get_page(rows, n, self)
        return super().page(number)

    def get_page(self, number):
        n = _whole(number)
        if n is not None and n >= 1:
            try:
                return self.page(n)
            except EmptyPage:
                pass
        return super().get_page(number)


def _whole(number):
    """The page number as Django's paginator reads it, or None where it would refuse it."""
    try:
        if isinstance(number, float) and not number.is_integer():
            return None
        return int(number)
    except (TypeError, ValueError):
        return None


def page_of(queryset, number, per_page: int):
    """``Paginator(queryset, per_page).get_page(number)``, in one query when the page has rows."""
    return OneQueryPaginator(queryset, per_page).get_page(number)
