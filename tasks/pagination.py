import re
from typing import Any

from django.core.paginator import Page, Paginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

# Plain ASCII digits: int() would also take " 5", "1_0" and other scripts' digits.
_DIGITS = re.compile(r"[0-9]+")


class FirstPageCountingPaginator(Paginator):
    """Django's Paginator, except that a first page holding every row counts them itself.

    Most lists fit on their first page; fetching one row more than the page
    shows whether it holds them all, and then `COUNT(*)` is not needed.
    Otherwise the count is queried as usual and the rows fetched are the page.
    """

    def page(self, number: int | str) -> Page:
        if "count" in self.__dict__ or not _is_first_page(number):
            return super().page(number)
        fits = self.per_page + self.orphans
        rows = list(self.object_list[: fits + 1])
        if len(rows) <= fits:
            self.count = len(rows)
            return self._get_page(rows, 1, self)  # type: ignore[attr-defined]  # Paginator's own, not in the stubs
        self.validate_number(1)  # runs the count, as Paginator.page does
        return self._get_page(rows[: self.per_page], 1, self)  # type: ignore[attr-defined]


def _is_first_page(number: int | float | str) -> bool:
    # The numbers Paginator.validate_number reads as 1.
    if isinstance(number, float) and not number.is_integer():
        return False
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return False


class TaskPagination(PageNumberPagination):
    """Pages of 20 by default; clients may ask for up to 100 with `page_size`.

    A `page_size` that is not a positive whole number is a 400 naming it (DRF
    would answer the default size); more than 100 gives 100. Every list reads
    it here, the compiled one (tasks.views) and the filtered one alike.
    """

    django_paginator_class = FirstPageCountingPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    page_size_query_description = "Tasks per page: a whole number from 1, 20 by default; more than 100 gives 100."

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        digits = raw.lstrip("0")
        if not digits or not _DIGITS.fullmatch(digits):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Must be a whole number of at least 1 (pages hold at most {self.max_page_size})."
                    ]
                }
            )
        # Compared by length first: any number of digits, never int() of thousands of them.
        if len(digits) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(digits), self.max_page_size)
