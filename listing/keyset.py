"""Paging, sorting and counting for the staff lists, fast at a million rows. No models.

- Keyset paging ("after row X" / "before row X") in the order of a sort column plus a
  unique tiebreak column (the no., or the id), never OFFSET: a page costs the same at
  the start and at the end of the list, when an index leads with the sort column.
- The cursor is the tiebreak value of the page's last (or first) row; its sort value is
  read back with one lookup by that unique key, so URLs stay readable (?after=CT0000051).
- Counts stop at a cap ("more than 1,000"): SELECT COUNT(*) FROM (... LIMIT cap + 1).
- The position ("51–100") travels in the links (`pos`), as it is only shown, never used
  to fetch rows.

Only columns the list's indexes lead with may be offered as sorts (`SortOption`); say in
the migration which sort an index serves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet

PAGE_SIZE = 50
COUNT_CAP = 1_000


@dataclass(frozen=True)
class SortOption:
    """A sortable column: the URL key (`?sort=name`, `?sort=-name`), the model field it
    orders by (a path through a relation is fine) and whether that field may be NULL."""

    key: str
    field: str
    nullable: bool = False
    # The column that breaks ties in this order when it is not the list's tiebreak
    # itself but a copy of it beside `field` (the same values), so that one index of
    # (field, copy) pages the order: e.g. a side table's copy of the no.
    tiebreak: str = ""


@dataclass
class Page:
    """One page of a list plus what its links need."""

    rows: list[Any]
    has_next: bool
    has_previous: bool
    total: int | None  # None: not counted (keyset_page(count=False))
    total_capped: bool
    position: int  # 0-based index of the first row in the whole list
    sort: str
    tiebreak: str
    page_size: int = PAGE_SIZE
    default_sort: str = ""
    params: dict[str, str] = field(default_factory=dict)  # filters, for the links

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def first_shown(self) -> int:
        return self.position + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return self.position + len(self.rows)

    @property
    def next_after(self) -> str | None:
        return str(getattr(self.rows[-1], self.tiebreak)) if self.has_next and self.rows else None

    @property
    def previous_before(self) -> str | None:
        if not (self.has_previous and self.rows):
            return None
        return str(getattr(self.rows[0], self.tiebreak))

    @property
    def previous_position(self) -> int:
        return max(0, self.position - self.page_size)

    @property
    def next_position(self) -> int:
        return self.position + len(self.rows)

    @property
    def last_position(self) -> int | None:
        """Where the last page starts, when the total is known exactly."""
        if self.total_capped or self.total is None:
            return None
        return max(0, self.total - self.page_size)


def count_capped(
    qs: QuerySet, *, cap: int = COUNT_CAP, branches: Sequence[Q] = ()
) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows, so it costs O(cap), not O(table).

    `branches`: the rows of `qs` that match any of these conditions, counted as the
    union of at most cap + 1 keys per branch (exact below the cap: then no branch was
    cut; at least cap + 1 keys otherwise). For conditions on different tables, which
    one OR cannot answer from the indexes of both (see keyset_page)."""
    if branches:
        keys = [qs.filter(branch).order_by().values("pk")[: cap + 1] for branch in branches]
        n = keys[0].union(*keys[1:]).count()
    else:
        n = qs.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def parse_sort(value: str | None, options: Sequence[SortOption], default: str) -> str:
    """The requested sort if it is one of the options ("name" or "-name"), else `default`."""
    value = (value or "").strip()
    keys = {o.key for o in options}
    return value if value.removeprefix("-") in keys else default


def _option(sort: str, options: Sequence[SortOption]) -> SortOption:
    key = sort.removeprefix("-")
    return next(o for o in options if o.key == key)


def _beyond(
    field: str, tiebreak: str, value: Any, key: Any, *, descending: bool, nullable: bool
) -> list[Q]:
    """The rows after (value, key) in the order field ASC NULLS LAST / DESC NULLS FIRST,
    tiebreak in the same direction, as parts that follow each other in that order. Each
    part is one range on an index that leads with (field, tiebreak), so every query can
    start at the cursor; NULLs are a part of their own instead of an OR that would
    defeat the index."""
    gt, gte = ("lt", "lte") if descending else ("gt", "gte")
    if field == tiebreak:
        return [Q(**{f"{tiebreak}__{gt}": key})]
    if value is None:  # the cursor is among the NULLs
        nulls = Q(**{f"{field}__isnull": True, f"{tiebreak}__{gt}": key})
        return [nulls, Q(**{f"{field}__isnull": False})] if descending else [nulls]
    after = Q(**{f"{field}__{gte}": value}) & (
        Q(**{f"{field}__{gt}": value}) | Q(**{f"{tiebreak}__{gt}": key})
    )
    if nullable and not descending:
        return [after, Q(**{f"{field}__isnull": True})]
    return [after]


def _fetch(
    qs: QuerySet,
    parts: list[Q],
    order: list,
    limit: int,
    values: Sequence[str] | None = None,
    row: Callable[[tuple], Any] | None = None,
    branches: Sequence[Q] = (),
) -> list:
    """Up to `limit` rows of the parts in turn (a later part only when needed); with
    `values`, row(tuple of those values) for each instead of a model instance. With
    `branches`: the first `limit` keys of each branch in the order, and the rows of
    their union (one statement: the first rows of the union are among them)."""
    rows: list = []
    for part in parts:
        wanted = limit - len(rows)
        page = qs.filter(part)
        if branches:
            keys = [
                page.filter(branch).order_by(*order).values("pk")[:wanted] for branch in branches
            ]
            page = qs.model._base_manager.using(qs.db).filter(pk__in=keys[0].union(*keys[1:]))
            page = page.select_related(*_related(qs))
        page = page.order_by(*order)
        if values is not None:
            page = page.values_list(*values)
        found = list(page[:wanted])
        rows += found if row is None else [row(values) for values in found]
        if len(rows) >= limit:
            break
    return rows


def _related(qs: QuerySet) -> list[str]:
    """The select_related() paths of `qs` (a dict of nested paths, or True, or False)."""
    related = qs.query.select_related
    if not isinstance(related, dict):
        return []

    def paths(tree: dict, prefix: str) -> list[str]:
        found = []
        for name, sub in tree.items():
            found.append(prefix + name)
            found += paths(sub, f"{prefix}{name}__") if sub else []
        return found

    return paths(related, "")


def _order(field: str, tiebreak: str, *, descending: bool, nullable: bool) -> list:
    if field == tiebreak:
        return [F(tiebreak).desc() if descending else F(tiebreak).asc()]
    if descending:
        first = F(field).desc(nulls_first=True) if nullable else F(field).desc()
        return [first, F(tiebreak).desc()]
    first = F(field).asc(nulls_last=True) if nullable else F(field).asc()
    return [first, F(tiebreak).asc()]


def keyset_page(
    qs: QuerySet,
    *,
    sort: str,
    options: Sequence[SortOption],
    tiebreak: str,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
    position: int = 0,
    page_size: int = PAGE_SIZE,
    count_cap: int = COUNT_CAP,
    params: Mapping[str, str] | None = None,
    page_class: type[Page] = Page,
    default_sort: str = "",
    count: bool = True,
    values: Sequence[str] | None = None,
    row: Callable[[tuple], Any] | None = None,
    branches: Sequence[Q] = (),
) -> Page:
    """A page of `qs` in the order `sort` (one of `options`, "-" for descending), after or
    before the row whose `tiebreak` value is given, or the last page. Three queries at
    most (the count, the cursor's sort value, the page), one more where a page of a
    nullable sort runs from the values into the NULLs; a first page that holds every
    row is its own count (no count query). With `count=False` the total is
    not counted (None) for callers that show none: a broad search's capped count reads
    thousands of rows where the page reads fifty. `values` and `row`: the rows are
    row(values_list of those fields) instead of model instances (the count and the
    cursor read `qs` as it is); a row needs the `tiebreak` attribute.

    `branches`: the rows of `qs` matching any of these conditions, each fetched in the
    order on its own (first keys of each, then the rows of their union), for conditions
    on different tables (a column of the row, a column of a side table): one OR of them
    can be answered neither from one index range nor by combining indexes (PostgreSQL's
    BitmapOr needs every branch on the same table). Needs LIMIT inside UNION
    (PostgreSQL); elsewhere pass one condition in `qs` instead."""
    option = _option(sort, options)
    descending = sort.startswith("-")
    order_tiebreak = option.tiebreak or tiebreak
    total, capped = None, False
    if count and (before or after or last):
        total, capped = count_capped(qs, cap=count_cap, branches=branches)
    cursor_key = before or after
    cursor_value = None
    if cursor_key and option.field != tiebreak:
        found = list(
            qs.model._base_manager.filter(**{tiebreak: cursor_key}).values_list(option.field)[:1]
        )
        if not found:  # the row is gone: start again at the top
            cursor_key, after, before = None, None, None
            position = 0
        else:
            cursor_value = found[0][0]
    forward = _order(option.field, order_tiebreak, descending=descending, nullable=option.nullable)
    backward = _order(
        option.field, order_tiebreak, descending=not descending, nullable=option.nullable
    )
    if before or last:
        parts = [Q()]
        if before:
            parts = _beyond(
                option.field,
                order_tiebreak,
                cursor_value,
                before,
                descending=not descending,
                nullable=option.nullable,
            )
        rows = _fetch(qs, parts, backward, page_size + 1, values, row, branches)
        has_previous = len(rows) > page_size
        rows = list(reversed(rows[:page_size]))
        has_next = bool(before)
        if last:
            position = max(0, total - len(rows)) if total is not None and not capped else 0
        elif not has_previous:
            position = 0
        else:
            position = max(page_size, position)
    else:
        parts = [Q()]
        if after:
            parts = _beyond(
                option.field,
                order_tiebreak,
                cursor_value,
                after,
                descending=descending,
                nullable=option.nullable,
            )
        rows = _fetch(qs, parts, forward, page_size + 1, values, row, branches)
        has_next = len(rows) > page_size
        rows = rows[:page_size]
        has_previous = bool(after)
        position = position if after else 0
        if count and not after:
            # The first page: when it holds every row, they are the count (a narrow
            # search needs no count of its own); else counted, as above.
            total, capped = (
                (len(rows), False)
                if not has_next
                else count_capped(qs, cap=count_cap, branches=branches)
            )
    return page_class(
        rows=rows,
        has_next=has_next,
        has_previous=has_previous,
        total=total,
        total_capped=capped,
        position=max(0, position),
        sort=sort,
        tiebreak=tiebreak,
        page_size=page_size,
        params=dict(params or {}),
        default_sort=default_sort,
    )


def request_position(value: str | None) -> int:
    """The `pos` of a link (shown only): a small non-negative int, else 0."""
    value = (value or "").strip()
    return int(value) if value.isdecimal() and len(value) <= 9 else 0


def _cursor(value: str | None, *, integer: bool) -> str | None:
    """A cursor from a link: a short printable value (an integer for id cursors), else
    None, so a hand-made URL starts at the top instead of failing in the database."""
    value = (value or "").strip()
    if not value or len(value) > 40 or not value.isprintable():
        return None
    if integer and not (value.isdecimal() and len(value) <= 18):
        return None
    return value


def request_page(
    request,
    qs: QuerySet,
    *,
    options: Sequence[SortOption],
    default_sort: str,
    tiebreak: str,
    params: Mapping[str, str] | None = None,
    page_size: int = PAGE_SIZE,
    count_cap: int = COUNT_CAP,
    page_class: type[Page] = Page,
) -> Page:
    """`keyset_page` with the sort, cursor and position of the request's query string
    (`sort`, `after`, `before`, `last=1`, `pos`); `params` are the list's filters, kept
    in every link."""
    integer = qs.model._meta.get_field(tiebreak).get_internal_type() in {
        "AutoField",
        "BigAutoField",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
    }
    get = request.GET
    return keyset_page(
        qs,
        sort=parse_sort(get.get("sort"), options, default_sort),
        options=options,
        tiebreak=tiebreak,
        after=_cursor(get.get("after"), integer=integer),
        before=_cursor(get.get("before"), integer=integer),
        last=get.get("last") == "1",
        position=request_position(get.get("pos")),
        page_size=page_size,
        count_cap=count_cap,
        params={k: str(v) for k, v in (params or {}).items() if v not in ("", None)},
        page_class=page_class,
        default_sort=default_sort,
    )
