"""The list envelopes and paging parameters partners use.

A list operation declares ``paging: {style: NAME, ...}`` in its ``x-sparring`` block. The style
turns the request's parameters into a window (offset, limit) and the page found into the vendor's
body and headers. Parameter names come from the declaration, so a style serves every vendor that
shares the envelope whatever it calls ``page``.
"""

from __future__ import annotations

import math
import typing as t
from dataclasses import dataclass
from urllib.parse import urlencode

from sparring.declarations.model import PagingDeclaration
from sparring.engine.registry import PAGING


@dataclass
class Page:
    items: list
    total: int
    number: int  # 1-based page number
    size: int
    params: dict[str, t.Any]
    url: str  # the list's URL without query string

    @property
    def count(self) -> int:
        return math.ceil(self.total / self.size) if self.size else 0

    @property
    def has_more(self) -> bool:
        return self.number * self.size < self.total


class PagingStyle:
    """Page-number paging; subclasses choose the envelope."""

    default_size = 25
    first_page = 1

    def __init__(self, declaration: "PagingDeclaration") -> None:
        self.page_param = declaration.page
        self.size_param = declaration.size
        self.default_size = declaration.default_size or self.default_size
        self.max_size = declaration.max_size
        self.first_page = declaration.first_page if declaration.first_page is not None else self.first_page
        self.headers = dict(declaration.headers)

    def window(self, params: dict[str, t.Any]) -> tuple[int, int]:
        """(page number counted from 1, page size) for these request parameters."""
        number = params.get(self.page_param)
        number = 1 if number is None else int(number) - self.first_page + 1
        size = params.get(self.size_param)
        size = self.default_size if size is None else int(size)
        if self.max_size:
            size = min(size, self.max_size)
        return max(number, 1), max(size, 1)

    def render(self, page: Page) -> tuple[t.Any, dict[str, str]]:
        raise NotImplementedError

    def page_of(self, found: list, params: dict[str, t.Any], url: str) -> tuple[t.Any, dict[str, str]]:
        """The requested page of an already-computed result list (a rule's own search, say)."""
        number, size = self.window(params)
        return self.render(Page(found[(number - 1) * size:number * size], len(found), number, size, params, url))


@PAGING.register("value-total-count")
class ValueTotalCount(PagingStyle):
    """``{value, totalCount, page, pageSize, pageCount, hasMore}`` plus X-Total-Count/X-Page headers."""

    def render(self, page: Page) -> tuple[t.Any, dict[str, str]]:
        body = {
            "value": page.items,
            "totalCount": page.total,
            "page": page.number,
            "pageSize": page.size,
            "pageCount": page.count,
            "hasMore": page.has_more,
        }
        headers = {
            "X-Total-Count": str(page.total),
            "X-Page": str(page.number),
            "X-Page-Size": str(page.size),
            **self.headers,
        }
        return body, headers


@PAGING.register("list-object")
class ListObject(PagingStyle):
    """Stripe-like ``{object: "list", data, has_more, total_items, url, count}``."""

    def render(self, page: Page) -> tuple[t.Any, dict[str, str]]:
        body = {
            "object": "list",
            "data": page.items,
            "has_more": page.has_more,
            "total_items": page.total,
            "url": page.url,
            "count": len(page.items),
        }
        return body, dict(self.headers)


@PAGING.register("bare-array")
class BareArray(PagingStyle):
    """A plain JSON array; the paging parameters still apply."""

    def render(self, page: Page) -> tuple[t.Any, dict[str, str]]:
        return page.items, dict(self.headers)


@PAGING.register("items-paging")
class ItemsPaging(PagingStyle):
    """``{items, paging: {pageNumber, pageSize, totalCount}}`` (Flow Retail)."""

    def render(self, page: Page) -> tuple[t.Any, dict[str, str]]:
        body = {"items": page.items,
                "paging": {"pageNumber": page.number + self.first_page - 1, "pageSize": page.size,
                           "totalCount": page.total}}
        return body, dict(self.headers)


@PAGING.register("laravel")
class LaravelPaginator(PagingStyle):
    """Laravel's length-aware paginator: ``{data, current_page, last_page, per_page, total, ...}``."""

    default_size = 10

    def _link(self, page: Page, number: int) -> str | None:
        if number < 1 or number > page.count:
            return None
        query = {k: v for k, v in page.params.items() if v is not None}
        query[self.page_param] = number
        return f"{page.url}?{urlencode(query, doseq=True)}"

    def render(self, page: Page) -> tuple[t.Any, dict[str, str]]:
        first = (page.number - 1) * page.size + 1
        body = {
            "data": page.items,
            "current_page": page.number,
            "last_page": max(page.count, 1),
            "per_page": page.size,
            "total": page.total,
            "from": first if page.items else None,
            "to": first + len(page.items) - 1 if page.items else None,
            "path": page.url,
            "next_page_url": self._link(page, page.number + 1),
            "prev_page_url": self._link(page, page.number - 1),
        }
        return body, dict(self.headers)


def paging_style(declaration: "PagingDeclaration | None") -> PagingStyle:
    """The paging an operation declares; without one, a bare array with the default parameters."""
    declaration = declaration or PagingDeclaration()
    return PAGING.get(declaration.style)(declaration)
