"""Limit/offset pages for every list in the API, bounded so the database can always slice.

ninja's LimitOffsetPagination leaves `offset` unbounded and `limit` bounded only by a
setting, so a value past a 64-bit integer reached the SQL LIMIT/OFFSET and failed there (a
500). Here both are checked with the request: out of range is a 422 naming the parameter.

    @paginate(Pages, page_size=20)

`page_size` is the default `limit` of that list, and is what its OpenAPI document shows.
"""

from __future__ import annotations

import functools
from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# LIMIT and OFFSET are 64-bit in SQLite and PostgreSQL; offset + limit must fit too.
MAX_BIGINT = 2**63 - 1
MAX_PAGE = 500
MAX_OFFSET = MAX_BIGINT - MAX_PAGE
DEFAULT_PAGE = 50


@functools.cache
def page_input(page_size: int) -> type[Schema]:
    """The query parameters of a list whose pages hold `page_size` items unless asked."""
    if not 1 <= page_size <= MAX_PAGE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE}, not {page_size}")

    class Input(Schema):
        limit: int = Field(
            page_size,
            ge=1,
            le=MAX_PAGE,
            description=f"items on the page, at most {MAX_PAGE}",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items to skip")

    Input.__name__ = Input.__qualname__ = f"Pages{page_size}Input"
    return Input


class Pages(LimitOffsetPagination):
    """`limit` from 1 to MAX_PAGE, `offset` from 0 to MAX_OFFSET; output `{items, count}`."""

    Input = page_input(DEFAULT_PAGE)

    def __init__(self, *, page_size: int = DEFAULT_PAGE, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)
        # ninja reads the query parameters from the instance: each list its own default.
        self.Input = page_input(page_size)
