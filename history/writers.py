"""The writers: every change log row is written here, in the transaction of the change.

Single objects (called by history/receivers.py for every save and delete of a tracked
model, whatever path saves it):
- `read_old(instance)` before the save reads the stored values (one SELECT by key);
  `record_save(instance, created)` after it writes one row per changed field (or one
  "create" row), in one INSERT.
- `buffer_delete(instance)` / `flush_deletes()`: a deleted object's values (and those of
  what the delete rules removed with it: cascades) in one INSERT per delete.

Bulk paths, set-based (never a loop per row):
- `record_update(queryset, values)`: before ``queryset.update(**values)``: one
  ``INSERT INTO history_change ... SELECT`` over the rows that will change, one branch
  per field (rows whose value already equals the new one are left out). Called by
  `HistoryQuerySet.update()`, so every `update()` of a tracked model is logged.
- `record_created(model, pks)`: after a bulk insert (bulk_create, raw INSERTs): one
  "create" row per object, with ``INSERT ... SELECT`` in batches.
- `record_deleted(instances)`: for deletes that bypass the ORM collector.

Each writer asks `history.context` for the event (who/why) and the `via` object, and
does nothing inside `history.context.disabled()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.db.models import BigIntegerField, F, IntegerField, TextField, Value
from django.db.models.functions import Cast, Coalesce, Substr

from history import context, values
from history.models import Action, Change, ChangeObject, Event
from history.registry import TrackedModel, tracked

_MISSING = object()
_CHUNK = 900  # ids per IN (...) list: under SQLite's parameter limit
COLUMNS = (
    "event_id",
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "field",
    "old",
    "new",
    "via_type_id",
    "via_id",
    "via_repr",
    "erased",
)


def _ct_id(model) -> int:
    return ContentType.objects.get_for_model(model, for_concrete_model=False).pk


def _via_constant(using: str) -> tuple[int | None, str, str]:
    obj, _field = context.current_via()
    if obj is None:
        return None, "", ""
    registration = tracked(obj)
    repr_ = registration.repr_of(obj) if registration else str(obj)[:100]
    return _ct_id(type(obj)), str(obj.pk), repr_


# --- single objects --------------------------------------------------------------


def _fields_for(registration: TrackedModel, update_fields) -> list[models.Field]:
    if update_fields is None:
        return list(registration.fields)
    wanted = set(update_fields)
    return [f for f in registration.fields if f.name in wanted or f.attname in wanted]


def read_old(instance: models.Model, *, using: str, update_fields=None) -> None:
    """pre_save: remember the stored values of the fields this save writes."""
    registration = tracked(instance)
    if registration is None or not context.enabled():
        return
    fields = _fields_for(registration, update_fields)
    instance._history_fields = fields
    if instance.pk is None or not fields:
        instance._history_old = None if instance.pk is None else {}
        return
    row = _stored_values(type(instance), instance.pk, fields, using)
    instance._history_old = (
        None if row is None else {f.attname: values.encode(f, row[f.attname]) for f in fields}
    )


# (model, database, attnames) -> (SELECT by key, [(column, its converters)]): every save
# of a tracked model reads its stored values; compiled once, not by the ORM per save.
_STORED_VALUES_SQL: dict[tuple, tuple[str, list]] = {}


def _stored_values(model, pk, fields, using: str) -> dict[str, Any] | None:
    """{attname: value} of the stored row of `model` with key `pk` (None when gone), as
    ``model._base_manager.filter(pk=pk).values(*attnames).first()`` gives them."""
    opts = model._meta
    if opts.parents or any(f.model._meta.concrete_model is not opts.concrete_model for f in fields):
        return (  # fields on other tables (multi-table inheritance): the ORM joins them
            model._base_manager.using(using)
            .filter(pk=pk)
            .values(*(f.attname for f in fields))
            .first()
        )
    connection = connections[using]
    key = (opts.concrete_model, using, tuple(f.attname for f in fields))
    compiled = _STORED_VALUES_SQL.get(key)
    if compiled is None:
        qn = connection.ops.quote_name
        columns = []
        for f in fields:
            col = f.get_col(opts.db_table)
            columns.append(
                (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
            )
        sql = (
            f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(opts.db_table)} "
            f"WHERE {qn(opts.pk.column)} = %s"
        )
        compiled = _STORED_VALUES_SQL[key] = (sql, columns)
    sql, columns = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, [opts.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    result = {}
    for f, (col, converters), value in zip(fields, columns, row, strict=True):
        for converter in converters:
            value = converter(value, col, connection)
        result[f.attname] = value
    return result


def _via_for_instance(instance, using: str) -> tuple[int | None, str, str]:
    obj, field_name = context.current_via()
    if obj is None and field_name:
        obj = getattr(instance, field_name, None)
    if obj is None:
        return None, "", ""
    registration = tracked(obj)
    return (
        _ct_id(type(obj)),
        str(obj.pk),
        registration.repr_of(obj) if registration else str(obj)[:100],
    )


def record_save(instance: models.Model, *, created: bool, using: str) -> None:
    """post_save: one row per changed field, or one "create" row."""
    registration = tracked(instance)
    old = instance.__dict__.pop("_history_old", _MISSING)
    fields = instance.__dict__.pop("_history_fields", None)
    if registration is None or not context.enabled() or (old is _MISSING and not created):
        return
    via_type, via_id, via_repr = _via_for_instance(instance, using)
    common = {
        "content_type_id": _ct_id(type(instance)),
        "object_id": str(instance.pk),
        "object_repr": registration.repr_of(instance),
        "via_type_id": via_type,
        "via_id": via_id,
        "via_repr": via_repr,
    }
    rows: list[Change] = []
    if created or old is None:
        rows.append(Change(action=Action.CREATE, **common))
    else:
        new = values.snapshot(instance, fields if fields is not None else registration.fields)
        for f in fields if fields is not None else registration.fields:
            if f.attname not in new or f.attname not in old:
                continue
            if not values.same(f, old[f.attname], new[f.attname]):
                rows.append(
                    Change(
                        action=Action.UPDATE,
                        field=f.name,
                        old=old[f.attname],
                        new=new[f.attname],
                        **common,
                    )
                )
    if not rows:
        return
    event = context.current_event(using)
    for row in rows:
        row.event = event
    Change.objects.using(using).bulk_create(rows)
    context.written(using)


def _delete_row(registration: TrackedModel, instance, event: Event, using: str) -> Change:
    via_type, via_id, via_repr = _via_for_instance(instance, using)
    return Change(
        event=event,
        content_type_id=_ct_id(type(instance)),
        object_id=str(instance.pk),
        object_repr=registration.repr_of(instance),
        action=Action.DELETE,
        old=values.dumps(values.snapshot(instance, registration.all_fields)),
        via_type_id=via_type,
        via_id=via_id,
        via_repr=via_repr,
    )


def buffer_delete(instance: models.Model, *, using: str, origin=None) -> None:
    """pre_delete: keep the object's values; written at the first post_delete of the
    same delete (Django sends every pre_delete first), so a cascade is one INSERT."""
    registration = tracked(instance)
    if registration is None or not context.enabled() or instance.pk is None:
        return
    connection = connections[using]
    buffer = getattr(connection, "_history_delete_buffer", None)
    if buffer is None or buffer[0] is not origin:
        buffer = (origin, [])
        connection._history_delete_buffer = buffer
    buffer[1].append(_delete_row(registration, instance, context.current_event(using), using))


def flush_deletes(*, using: str) -> None:
    """post_delete: write the buffered delete rows."""
    connection = connections[using]
    buffer = getattr(connection, "_history_delete_buffer", None)
    if not buffer or not buffer[1]:
        return
    rows = list(buffer[1])
    buffer[1].clear()
    Change.objects.using(using).bulk_create(rows)
    context.written(using)


def record_deleted(instances: Sequence[models.Model], *, using: str | None = None) -> None:
    """For a delete that bypasses the ORM (raw SQL): log the objects, before deleting."""
    instances = [i for i in instances if tracked(i) is not None and i.pk is not None]
    if not instances or not context.enabled():
        return
    using = using or router.db_for_write(type(instances[0]))
    event = context.current_event(using)
    Change.objects.using(using).bulk_create(
        [_delete_row(tracked(i), i, event, using) for i in instances]
    )
    context.written(using)


# --- set-based -------------------------------------------------------------------


def _text(value) -> Cast:
    return Cast(Value(value), TextField())


def _columns(
    registration: TrackedModel,
    event: Event,
    *,
    action: str,
    field_name: str = "",
    old=None,
    new=None,
    via: tuple | None = None,
    via_field: str | None = None,
) -> dict[str, Any]:
    """The annotations of one INSERT ... SELECT branch, in COLUMNS order."""
    if registration.repr_field:
        repr_expr = Substr(Cast(F(registration.repr_field), TextField()), 1, 100)
    else:
        repr_expr = Cast(F("pk"), TextField())
    via_type, via_id, via_repr = via or (None, "", "")
    via_type_expr = Cast(Value(via_type), IntegerField())
    via_id_expr, via_repr_expr = _text(via_id), _text(via_repr)
    if via_field:
        fk = registration.model._meta.get_field(via_field)
        target = fk.related_model
        via_type_expr = Cast(Value(_ct_id(target)), IntegerField())
        via_id_expr = Cast(F(fk.attname), TextField())
        target_registration = tracked(target)
        via_repr_expr = (
            Substr(Cast(F(f"{via_field}__{target_registration.repr_field}"), TextField()), 1, 100)
            if target_registration and target_registration.repr_field
            else Cast(F(fk.attname), TextField())
        )
    return {
        "h_event": Cast(Value(event.pk), BigIntegerField()),
        "h_ct": Cast(Value(_ct_id(registration.model)), IntegerField()),
        "h_oid": Cast(F("pk"), TextField()),
        "h_repr": repr_expr,
        "h_action": _text(action),
        "h_field": _text(field_name),
        "h_old": old if old is not None else _text(None),
        "h_new": new if new is not None else _text(None),
        "h_via_type": via_type_expr,
        "h_via_id": via_id_expr,
        "h_via_repr": via_repr_expr,
        "h_erased": Cast(Value(False), models.BooleanField()),
    }


_ALIASES = (
    "h_event",
    "h_ct",
    "h_oid",
    "h_repr",
    "h_action",
    "h_field",
    "h_old",
    "h_new",
    "h_via_type",
    "h_via_id",
    "h_via_repr",
    "h_erased",
)


def _insert_select(branches: list[models.QuerySet], using: str) -> int:
    """INSERT INTO history_change SELECT ... (UNION ALL of the branches); one statement."""
    if not branches:
        return 0
    connection = connections[using]
    qn = connection.ops.quote_name
    parts, params = [], []
    for branch in branches:
        sql, branch_params = branch.values_list(*_ALIASES).query.get_compiler(using).as_sql()
        parts.append(sql)
        params.extend(branch_params)
    by_attname = {f.attname: f.column for f in Change._meta.concrete_fields}
    columns = ", ".join(qn(by_attname[c]) for c in COLUMNS)
    aliases = ", ".join(qn(a) for a in _ALIASES)
    sql = (
        f"INSERT INTO {qn(Change._meta.db_table)} ({columns}) "
        f"SELECT {aliases} FROM ({' UNION ALL '.join(parts)}) hsub"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def record_update(queryset: models.QuerySet, updates: dict[str, Any]) -> None:
    """Before ``queryset.update(**updates)``: log old → new of every row that changes.

    One INSERT ... SELECT (a branch per logged field); call it in the transaction of the
    update, immediately before it (HistoryQuerySet.update() does).
    """
    registration = tracked(queryset.model)
    if registration is None or not context.enabled():
        return
    items = [
        (registration.field(name), value)
        for name, value in updates.items()
        if registration.field(name) is not None
    ]
    if not items:
        return
    using = queryset.db
    event = context.current_event(using)
    via_obj, via_field = context.current_via()
    via = _via_constant(using) if via_obj is not None else None
    base = queryset.order_by()
    branches = []
    for field, value in items:
        if hasattr(value, "resolve_expression"):
            rows = base
            new = values.expression_text(field, value)
        else:
            raw = values.raw(field, value)
            if raw is None:
                rows = base.exclude(**{f"{field.attname}__isnull": True})
            else:
                rows = base.exclude(**{field.attname: raw})
            new = _text(values.encode(field, raw))
        branches.append(
            rows.annotate(
                **_columns(
                    registration,
                    event,
                    action=Action.UPDATE,
                    field_name=field.name,
                    old=values.column_text(field),
                    new=new,
                    via=via,
                    via_field=via_field if via is None else None,
                )
            )
        )
    _insert_select(branches, using)


def record_update_shared(
    queryset: models.QuerySet, updates: dict[str, Any], old: dict[str, Any]
) -> bool:
    """Before ``queryset.update(**updates)`` of rows that all hold the `old` values and
    point at the current `via` object (the caller's filter says so: the persons following
    a company, inside `history.context.via(company)`): ONE shared change row per
    logged field and the rows' keys in `ChangeObject`: the first field's row with one
    INSERT ... SELECT ... WHERE EXISTS (the rows) RETURNING its key, the other fields'
    rows in one INSERT, the keys with one INSERT ... SELECT, however many rows (the
    rows' filter compiled once, in raw SQL: no ORM save per statement). Returns False
    (nothing written) when this
    shape does not fit (a logged field without its old value, an expression, keys that
    are not integers, no via object the rows point at): the caller logs the usual way."""
    registration = tracked(queryset.model)
    pk = queryset.model._meta.pk
    if not isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField):
        return False
    items = []
    for name, value in updates.items():
        field = registration.field(name)
        if field is None:
            continue
        if hasattr(value, "resolve_expression") or name not in old:
            return False
        before = values.encode(field, values.raw(field, old[name]))
        after = values.encode(field, values.raw(field, value))
        if not values.same(field, before, after):
            items.append((field, before, after))
    if not items:
        return True
    using = queryset.db
    event = context.current_event(using)
    via_obj, _via_field = context.current_via()
    # Readers find a shared row through its via object, which every row must point at
    # (the persons of the company the change passed on from; the caller's filter).
    if via_obj is None or not any(
        f.many_to_one and f.related_model is type(via_obj) for f in registration.fields
    ):
        return False
    connection = connections[using]
    if not connection.features.can_return_columns_from_insert:
        return False  # the lead row's key is read back with RETURNING
    via_type, via_id, via_repr = _via_constant(using)
    ct_id = _ct_id(queryset.model)
    qn = connection.ops.quote_name
    # The rows' keys, compiled once: the lead row is written only when some row will
    # change (EXISTS over them), and its ChangeObject rows are these keys.
    keys = queryset.order_by().annotate(h_oid=F("pk")).values_list("h_oid")
    keys_sql, keys_params = keys.query.get_compiler(using).as_sql()
    columns = (*COLUMNS, "objects_of")
    by_attname = {f.attname: f.column for f in Change._meta.concrete_fields}
    insert = (
        f"INSERT INTO {qn(Change._meta.db_table)} "
        f"({', '.join(qn(by_attname[c]) for c in columns)}) "
    )
    row_sql = f"({', '.join(['%s'] * len(columns))})"

    def row(field, before, after, objects_of=None) -> list:
        # In COLUMNS order, then objects_of.
        return [
            event.pk, ct_id, "", "", Action.UPDATE, field.name, before, after,
            via_type, via_id, via_repr, False, objects_of,
        ]  # fmt: skip

    # The first field's row names the objects; the others' point at it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"{insert}SELECT {', '.join(['%s'] * len(columns))} "
            f"WHERE EXISTS ({keys_sql}) RETURNING {qn('id')}",
            [*row(*items[0]), *keys_params],
        )
        found = cursor.fetchone()
        if found is None:
            return True  # no row changes: nothing to log (no shared row without objects)
        lead = int(found[0])
        if len(items) > 1:
            cursor.execute(
                f"{insert}VALUES {', '.join([row_sql] * (len(items) - 1))}",
                [value for item in items[1:] for value in row(*item, lead)],
            )
        # The keys only: readers read the objects' reprs when shown
        # (history.models.member_repr).
        cursor.execute(
            f"INSERT INTO {qn(ChangeObject._meta.db_table)} ({qn('change_id')}, "
            f"{qn('object_id')}) SELECT {lead}, hsub.{qn('h_oid')} FROM ({keys_sql}) hsub",
            keys_params,
        )
    context.written(using)
    return True


def record_created_rows(queryset: models.QuerySet) -> None:
    """One "create" row for each row of `queryset` (rows just inserted in bulk)."""
    registration = tracked(queryset.model)
    if registration is None or not context.enabled():
        return
    using = queryset.db
    event = context.current_event(using)
    via_obj, via_field = context.current_via()
    via = _via_constant(using) if via_obj is not None else None
    _insert_select(
        [
            queryset.order_by().annotate(
                **_columns(
                    registration,
                    event,
                    action=Action.CREATE,
                    via=via,
                    via_field=via_field if via is None else None,
                )
            )
        ],
        using,
    )


def record_created(model: type[models.Model], pks: Iterable, *, using: str | None = None) -> None:
    """After a bulk insert (bulk_create or raw SQL) of `model` rows with these keys: one
    "create" row per object, set-based in batches. Call it in the inserting transaction."""
    if tracked(model) is None or not context.enabled():
        return
    using = using or router.db_for_write(model)
    pks = list(pks)
    for start in range(0, len(pks), _CHUNK):
        chunk = pks[start : start + _CHUNK]
        record_created_rows(model._base_manager.using(using).filter(pk__in=chunk))


# --- erasing (anonymisation) -------------------------------------------------------


def erase_values(model: type[models.Model], object_ids: Iterable, fields: Sequence[str]) -> int:
    """Erase what the log holds of `fields` of these objects (an anonymisation): the
    old and new values of their rows for those fields (marked `erased`), and those
    fields in the values a deleted object's row keeps (blanked, so a restore still
    works). The one exception to "rows are never edited". Returns the rows changed."""
    registration = tracked(model)
    if registration is None:
        return 0
    names = set(fields) | {model._meta.get_field(name).attname for name in fields}
    object_ids = [str(pk) for pk in object_ids]
    rows = Change.objects.for_objects(_ct_id(model), object_ids)
    erased = (
        rows.exclude(object_id="").filter(field__in=names).update(old=None, new=None, erased=True)
    )
    # A shared row keeps its values for its other objects: erased for these only.
    shared = rows.filter(object_id="", field__in=names)
    erased += ChangeObject.objects.filter(
        change__in=shared.annotate(
            h_set=Coalesce("objects_of", "pk", output_field=models.BigIntegerField())
        ).values("h_set"),
        object_id__in=[int(pk) for pk in object_ids if pk.isdecimal() and len(pk) < 19],
    ).update(erased=True)
    deleted = []
    for change in rows.filter(action=Action.DELETE).exclude(old=None).only("pk", "old"):
        snapshot = values.loads(change.old)
        blanked = {
            key: ("" if key in names and value else value) for key, value in snapshot.items()
        }
        if blanked != snapshot:
            change.old = values.dumps(blanked)
            deleted.append(change)
    Change.objects.bulk_update(deleted, ["old"], batch_size=500)
    return erased + len(deleted)


def record_erased(model: type[models.Model], objects: dict) -> int:
    """One "personal data erased" row (no field, no values, `erased`) for each of these
    objects (`{pk: repr}`) in the current event, in one INSERT: what an anonymisation
    writes for the rows it blanked in place, whose old values `erase_values` erased."""
    if tracked(model) is None or not context.enabled() or not objects:
        return 0
    using = router.db_for_write(model)
    event = context.current_event(using)
    content_type = _ct_id(model)
    rows = [
        Change(
            event=event,
            content_type_id=content_type,
            object_id=str(pk),
            object_repr=str(text)[:100],
            action=Action.UPDATE,
            field="",
            erased=True,
        )
        for pk, text in objects.items()
    ]
    Change.objects.using(using).bulk_create(rows, batch_size=500)
    return len(rows)
