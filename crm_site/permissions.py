"""Django's ModelBackend with each user's permission set kept in the process between
requests, checked against the permission tables' version token in the database.

Every page checks a permission, and ModelBackend reads a user's permissions afresh on
every request: two queries joining the permission, content type and group tables, and a
set built from their rows, about a fifth of the contact list's time. Here the set is
built once per user and version, and the token comes with the user's own row (one
scalar subquery in the query the session's user is read with), so a request reads no
permission rows at all.

The token is one row (`crm_site_permission_version`) that a trigger on every table the
permissions are read from (migration crm_site 0001) replaces with a new random value in
the same statement as any write, whoever writes: the admin, the role sync after
migrate, a queryset update, raw SQL, another process or machine. A set is stored under
the token read *before* it was built, as `marketing_setup.versioning` does for the
setup: a change committed anywhere reaches the next request in every process; a
writer's own transaction sees its new token at once; a rolled-back token is never seen
again (tokens are random). The user's own flags are in the key (is_superuser) or
checked first (is_active), so a login writing `auth_user` changes nothing here.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS
from django.db.models.expressions import RawSQL

from marketing_setup.versioning import cached_under, read_token

VERSION_TABLE = "crm_site_permission_version"
TOKEN_SQL = f"SELECT token FROM {VERSION_TABLE} WHERE id = 1"
#: Users' sets kept per process; all are dropped when full (the next requests refill).
MAX_ENTRIES = 2048
#: The attribute the token read with the user is kept in (None: no token row).
TOKEN_ATTRIBUTE = "_permission_token"

_cache: dict[tuple, frozenset[str]] = {}


def permission_token(user, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The permission tables' version token for this request: the one read with the
    user's row (see CachedPermissionBackend.get_user), else read now and kept on it."""
    try:
        return getattr(user, TOKEN_ATTRIBUTE)
    except AttributeError:
        pass
    token = read_token(VERSION_TABLE, using)
    setattr(user, TOKEN_ATTRIBUTE, token)
    return token


def clear() -> None:
    """Drop every cached set of this process (never needed for correctness)."""
    _cache.clear()


class CachedPermissionBackend(ModelBackend):
    """ModelBackend whose permission sets are cached per user and permission version."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.annotate(
            **{TOKEN_ATTRIBUTE: RawSQL(TOKEN_SQL, ())}
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        attribute = f"_{from_name}_perm_cache"  # ModelBackend's own, for this request
        if hasattr(user_obj, attribute):
            return getattr(user_obj, attribute)
        token = permission_token(user_obj)
        if token is None:
            return super()._get_permissions(user_obj, obj, from_name)
        read = super()._get_permissions
        cached = cached_under(
            _cache,
            token,
            (user_obj.pk, user_obj.is_superuser, from_name),
            lambda: frozenset(read(user_obj, obj, from_name)),
            max_entries=MAX_ENTRIES,
        )
        # The caller may change its set (ModelBackend's is the user's own): a copy.
        perms = set(cached)
        setattr(user_obj, attribute, perms)
        return perms
