"""What pages build from the setup tables (a select's options, the Marketing Setup row),
cached in the process and checked against the setup's version token in the database.

The token is one row (`marketing_setup_version`) that a trigger on every setup table
(migration 0008) replaces with a new random value in the same statement as any
insert, update, delete or truncate, whoever writes: the ORM, bulk_create, a queryset
update, raw SQL, another process or another machine. A cached value is stored under
the token read (in the same connection) *before* the value was built, so:

- a later write gives a new token, and the value is built again: nothing is served
  after a change is committed, in any process;
- a writer's own transaction sees its new token at once, and values it builds from its
  uncommitted rows are stored under that token, which is never seen again if it rolls
  back (tokens are random, never reused);
- no token (the row is gone, e.g. a test's flush): nothing is cached.

The price is one primary-key read per lookup, or one per `setup_snapshot()` block.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")

VERSION_TABLE = "marketing_setup_version"
#: Entries kept per process; all are dropped when full (the next requests refill them).
MAX_ENTRIES = 512

_cache: dict[tuple, object] = {}
_snapshot: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "marketing_setup_versioning_snapshot", default=None
)


def read_token(table: str, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The token of a one-row version table (this one's, or another kept the same way,
    e.g. crm_site's permission version) as this connection sees it (None: no row)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def cached_under(
    cache: dict,
    token: str,
    key: Hashable,
    build: Callable[[], T],
    *,
    using: str = DEFAULT_DB_ALIAS,
    max_entries: int = MAX_ENTRIES,
) -> T:
    """`build()`'s value for `key` in `cache`, stored under `token` (read *before* the
    value is built) and the database `using` names; all entries are dropped when
    `max_entries` are there (the next lookups refill them)."""
    settings = connections[using].settings_dict
    full_key = (using, settings["NAME"], settings.get("HOST"), token, key)
    try:
        return cache[full_key]
    except KeyError:
        pass
    value = build()
    if len(cache) >= max_entries:
        cache.clear()
    cache[full_key] = value
    return value


def setup_token(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The setup's version token now, as this connection sees it (None: no row)."""
    snapshot = _snapshot.get()
    if snapshot is not None and using in snapshot:
        return snapshot[using]
    token = read_token(VERSION_TABLE, using)
    if snapshot is not None:
        snapshot[using] = token
    return token


@contextlib.contextmanager
def setup_snapshot() -> Iterator[None]:
    """Read the token once for every lookup inside the block (one query, not one per
    lookup). Only around code that writes no setup rows, e.g. a page that only reads:
    a write inside the block would leave values built after it under the old token."""
    reset = _snapshot.set({})
    try:
        yield
    finally:
        _snapshot.reset(reset)


def snapshot_memo(key: Hashable, build: Callable[[], T]) -> T:
    """Inside a `setup_snapshot()` block, `build()` once for the block (a page that reads
    the Marketing Setup row in several places reads it once); outside one, `build()`
    every time. The value is shared within the block: treat it as read-only."""
    snapshot = _snapshot.get()
    if snapshot is None:
        return build()
    memo_key = ("memo", key)
    if memo_key not in snapshot:
        snapshot[memo_key] = build()
    return snapshot[memo_key]


def setup_cached(key: Hashable, build: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """`build()`'s value for `key` at the current setup version: built once per version
    and process. `build` may read only setup tables (and code): whatever else it reads
    is not watched by the token. The value is shared: treat it as read-only."""
    token = setup_token(using)
    if token is None:
        return build()
    return cached_under(_cache, token, key, build, using=using)


def clear() -> None:
    """Drop every cached value of this process (never needed for correctness)."""
    _cache.clear()


def options_cache(key: str) -> Callable[[Callable[[], str]], str]:
    """For listing.widgets.ModelSelectField(options_cache=...): a select's options over
    a setup table, kept per setup version and language (its empty label is translated).
    `key` names the select (its queryset and empty label), e.g. "contacts.filter.salesperson"."""
    from django.utils.translation import get_language

    def cached(build: Callable[[], str]) -> str:
        return setup_cached(("options", key, get_language()), build)

    return cached
