"""Who and why: the context every change log entry is written in.

Nothing here writes a change itself; the writers ask `current_event()` for the event of
the innermost scope, created on the first change (an operation that changes nothing
leaves no event). One event per scope and transaction: a scope that spans several
transactions (a command committing per row) gets one event per transaction.

Who (the actor)
---------------
- Pages and the admin: `history.middleware.HistoryMiddleware` wraps every request in
  `request_actor(request)`: the user is read when the first change is written, so a
  user authenticated later in the request (DRF token authentication) is seen too.
- The API: DRF views call `set_api_client(request.user, label=...)` after
  authentication (`history.drf.HistoryAPIViewMixin` does it in `initial()`): the
  request's events get source "api" and the client's name.
- Jobs: the job runner wraps each job in ``with actor(user=job.user,
  source=Source.JOB, label=f"job {job.pk}"), operation(Cause.JOB, obj=job):``
- Commands: without any scope, a change made under ``manage.py <command>`` is logged
  with source "command", the command name and the operating-system user; a command may
  say more with ``with actor(source=Source.COMMAND, label="import_contacts", user=u):``.
- Anything else (tests, the shell): source "system".

Why (the cause)
---------------
- ``with operation(Cause.IMPORT, label="contacts.csv") as op:`` starts an operation
  (its own event): an import batch, a merge, a bulk action, an undo. ``op.set_object(x)``
  names the object the operation is about when it exists only later (the merge record).
  Without an operation, the cause is `Cause.EDIT` (a form, admin or API edit).
- ``with via(company):`` marks the changes made inside as following `company` (the
  propagation of a company's change to its persons, the sync of a contact to its
  customer): logged in the same event, with `Change.via_*` naming the company.
  ``with via(field="company"):`` does the same for a set-based UPDATE of many rows, each
  following the object its own `company` foreign key points at.
- ``with disabled():`` logs nothing (benchmarks compare with and without).
"""

from __future__ import annotations

import contextlib
import getpass
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections

from history.models import Cause, Event, Source

_UNSET: Any = object()


@dataclass(eq=False)
class _Frame:
    scope: bool = False  # starts its own event
    user: Any = _UNSET  # a user, None, or a callable returning one (read lazily)
    source: str | None = None
    actor: str | None = None
    cause: str | None = None
    cause_obj: Any = None
    label: str = ""
    via_obj: Any = None
    via_field: str | None = None
    off: bool = False
    # per database alias: (event, on-commit marker or None)
    events: dict[str, tuple[Event, Any]] = field(default_factory=dict)


_frames: ContextVar[tuple[_Frame, ...]] = ContextVar("history_frames", default=())


@contextlib.contextmanager
def _push(frame: _Frame) -> Iterator[_Frame]:
    token = _frames.set((*_frames.get(), frame))
    try:
        yield frame
    finally:
        _frames.reset(token)


# --- who --------------------------------------------------------------------------


def actor(*, user=None, source: str, label: str = "") -> contextlib.AbstractContextManager:
    """Changes inside are made by `user` (may be None) through `source` (a Source)."""
    return _push(_Frame(scope=True, user=user, source=source, actor=label or None))


def request_actor(request, *, source: str | None = None) -> contextlib.AbstractContextManager:
    """The scope of one request: its user (read when the first change is written)."""
    from django.urls import NoReverseMatch, reverse

    if source is None:
        try:
            admin_prefix = reverse("admin:index")
        except NoReverseMatch:
            admin_prefix = None
        source = (
            Source.ADMIN
            if admin_prefix and request.path.startswith(admin_prefix)
            else (Source.PAGE)
        )
    return _push(_Frame(scope=True, user=lambda: getattr(request, "user", None), source=source))


def set_api_client(user, *, label: str = "") -> bool:
    """Called by API views once the client is authenticated: the current request's
    changes are made by `user` through the API (`label` names the client or token).
    Returns False when there is no request scope to set."""
    for frame in reversed(_frames.get()):
        if frame.scope and frame.source is not None:
            frame.user = user
            frame.source = Source.API
            frame.actor = label or None
            return True
    return False


# --- why --------------------------------------------------------------------------


class Operation:
    """Handle of an `operation()` scope."""

    def __init__(self, frame: _Frame):
        self._frame = frame

    def set_object(self, obj, *, label: str | None = None) -> None:
        """Name the object this operation is about (e.g. the merge record, made last)."""
        self._frame.cause_obj = obj
        if label is not None:
            self._frame.label = label
        for event, _marker in self._frame.events.values():
            _set_cause_fields(event, obj)
            if label is not None:
                event.label = label[:200]
            event.save(update_fields=["cause_type", "cause_id", "cause_repr", "label"])

    @property
    def events(self) -> list[Event]:
        """The events this operation wrote (none when it changed nothing)."""
        return [event for event, _marker in self._frame.events.values()]

    @property
    def event(self) -> Event | None:
        events = self.events
        return events[0] if events else None


@contextlib.contextmanager
def operation(cause: str, *, obj=None, label: str = "") -> Iterator[Operation]:
    """Changes inside belong to one new event with this cause (a Cause) and object."""
    with _push(_Frame(scope=True, cause=cause, cause_obj=obj, label=label)) as frame:
        yield Operation(frame)


def via(obj=None, *, field: str | None = None) -> contextlib.AbstractContextManager:
    """Changes inside follow `obj` (or, for an UPDATE of many rows, the object each
    row's foreign key `field` points at); same event, `Change.via_*` set."""
    return _push(_Frame(via_obj=obj, via_field=field))


def disabled() -> contextlib.AbstractContextManager:
    """Log nothing inside (benchmarks)."""
    return _push(_Frame(off=True))


# --- read by the writers -----------------------------------------------------------


def enabled() -> bool:
    frames = _frames.get()
    return not (frames and any(f.off for f in frames))


def current_via() -> tuple[Any, str | None]:
    """(object, foreign key name) of the innermost `via()`, or (None, None)."""
    for frame in reversed(_frames.get()):
        if frame.via_obj is not None or frame.via_field is not None:
            return frame.via_obj, frame.via_field
    return None, None


def _scope_frame(using: str) -> _Frame:
    """The innermost actor/operation scope; without one, the connection's own (a
    connection belongs to one thread), so changes of one transaction share an event."""
    for frame in reversed(_frames.get()):
        if frame.scope:
            return frame
    connection = connections[using]
    frame = getattr(connection, "_history_root_frame", None)
    if frame is None:
        frame = _Frame(scope=True)
        connection._history_root_frame = frame
    return frame


def _pending(connection, marker) -> bool:
    """Whether `marker` is still waiting for the current transaction's commit (it is
    dropped when that transaction, or the savepoint it was registered in, rolls back)."""
    return any(entry[1] is marker for entry in connection.run_on_commit)


def current_event(using: str = "default") -> Event:
    """The event changes written now belong to (created on first use)."""
    frame = _scope_frame(using)
    connection = connections[using]
    known = frame.events.get(using)
    if known is not None:
        event, marker = known
        if marker is not None and connection.in_atomic_block and _pending(connection, marker):
            return event
    event = _new_event(frame, using)
    if connection.in_atomic_block:
        marker = _Marker(event, using)
        connection.on_commit(marker, robust=True)
    else:
        marker = None  # autocommit: the writer sends the signal after writing
    frame.events[using] = (event, marker)
    return event


def written(using: str = "default") -> None:
    """The writers call this after writing changes: in autocommit mode (no transaction)
    the change is committed already, so `changes_recorded` is sent now."""
    connection = connections[using]
    if connection.in_atomic_block:
        return
    frame = _scope_frame(using)
    known = frame.events.pop(using, None)
    if known is not None:
        _Marker(known[0], using)()


class _Marker:
    """On commit: send `history.signals.changes_recorded` for the event (the object the
    writers wrote and `Operation.set_object` saved: committed as it is, so not read
    again)."""

    def __init__(self, event: Event, using: str):
        self.event = event
        self.using = using

    def __call__(self) -> None:
        from history.models import Change
        from history.signals import changes_recorded

        event = self.event
        changes_recorded.send(
            sender=Event,
            event=event,
            changes=Change.objects.using(self.using).filter(event=event).order_by("id"),
        )


def _resolve(value):
    return value() if callable(value) else value


def _set_cause_fields(event: Event, obj) -> None:
    from django.contrib.contenttypes.models import ContentType

    if obj is None:
        event.cause_type = None
        event.cause_id = event.cause_repr = ""
        return
    from history.registry import tracked

    event.cause_type = ContentType.objects.get_for_model(type(obj))
    event.cause_id = str(obj.pk)[:64]
    registration = tracked(obj)
    event.cause_repr = (registration.repr_of(obj) if registration else str(obj))[:200]


def _command_name() -> str | None:
    argv = sys.argv or [""]
    if Path(argv[0]).name in ("manage.py", "django-admin") and len(argv) > 1:
        return argv[1]
    return None


def _new_event(scope: _Frame, using: str) -> Event:
    frames = [*_frames.get()]
    if scope not in frames:
        frames.insert(0, scope)
    user = source = actor_label = cause = None
    for frame in reversed(frames):
        if user is None and frame.user is not _UNSET:
            user = _resolve(frame.user)
        source = source or frame.source
        actor_label = actor_label or frame.actor
        cause = cause or frame.cause
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if source is None:
        command = _command_name()
        if command:
            source = Source.COMMAND
            actor_label = actor_label or f"{_os_user()} (manage.py {command})"
        else:
            source = Source.SYSTEM
    if not actor_label and user is not None:
        actor_label = user.get_username()
    event = Event(
        user=user,
        actor=(actor_label or "")[:150],
        source=source,
        cause=cause or (Cause.JOB if source == Source.JOB else Cause.EDIT),
        label=(scope.label or "")[:200],
    )
    _set_cause_fields(event, scope.cause_obj)
    event.save(using=using)
    return event


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "?"


__all__ = [
    "Operation",
    "actor",
    "current_event",
    "current_via",
    "disabled",
    "enabled",
    "operation",
    "request_actor",
    "set_api_client",
    "via",
    "written",
]
