"""Submitting fuzzed forms: no 500, and nothing written when the answer refuses.

Each example runs in a savepoint that is rolled back afterwards (with the client's
cookies put back: a logout or a language switch does not leak into the next example),
so every example starts from the same rows whatever the one before did, and a form
that deletes is fuzzed like any other.

A refused answer: a 4xx; a page rendered again with its errors (an error list or an
alert); a redirect with an error message. After one of those every data table must
hold what it held before (tests.fuzz.checks). A GET never writes.
"""

from __future__ import annotations

import copy
from urllib.parse import urlencode

from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.checks import WriteWatch
from tests.fuzz.hostile import hostile_text
from tests.fuzz.html_forms import MISSING, SUBMIT, Field, Form, forms

#: Kept untouched: the test client does not check CSRF, and a wrong token is Django's.
UNTOUCHED = {"csrfmiddlewaretoken"}
FILES = (
    b"No.,Name,City\nFZ1,Fjord AS,Bergen\n",
    b"No.;Name\n\x00\x01;<b>x</b>\n=cmd|' /C calc'!A0;\xff\xfe\n",
    b"\xff\xfe\x00\x00garbage",
    b"",
)
ERROR_MARKS = (b'class="errorlist', b'class="errornote', b'role="alert"', b'class="error"')


#: The fields a form of a POST-only view without a page form gets (what such views read).
GUESSED_FIELDS = ("next", "no", "answer", "master", "q")


def discover(client, pages) -> tuple[dict[tuple, Form], list[str]]:
    """The forms on these pages (GET), one per action, method and set of field names;
    and the pages that take POST only (405 to a GET)."""
    found: dict[tuple, Form] = {}
    post_only = []
    for page in pages:
        response = client.get(page)
        if response.status_code == 405:
            post_only.append(page)
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for form in forms(response.content.decode(), page):
                found.setdefault(form.key, form)
    return found, post_only


def guessed_form(path: str) -> Form:
    """A form for a POST-only view no page shows a form for, with the usual field names."""
    fields = {name: Field(name, "text", "") for name in GUESSED_FIELDS}
    return Form(page=path, action=path, method="post", multipart=False, fields=fields)


def _field_values(item: Field) -> st.SearchStrategy:
    keep = st.just(item.value if item.value is not None else MISSING)
    choices = [keep, hostile_text, st.just(MISSING)]
    if item.options:
        choices.append(st.sampled_from(item.options))
    choices.append(st.lists(hostile_text, min_size=2, max_size=3))
    return st.one_of(*choices)


def form_examples(form: Form) -> st.SearchStrategy:
    """Changes to the browser's submission: each field kept, hostile, missing, another of
    its options, or sent several times; and the file for an upload. The simplest example
    (hypothesis' first) is the untouched submission."""
    names = [name for name in form.fields if name not in UNTOUCHED]
    files = [name for name in names if form.fields[name].kind == "file"]
    strategies = {name: _field_values(form.fields[name]) for name in names if name not in files}
    strategies |= {name: st.sampled_from(FILES) for name in files}
    if len(form.submits) > 1:
        strategies[SUBMIT] = st.sampled_from(form.submits)
    return st.fixed_dictionaries(strategies)


def _refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200:
        return any(mark in response.content for mark in ERROR_MARKS)
    if response.status_code in (301, 302, 303):
        return any(message.level >= ERROR for message in get_messages(response.wsgi_request))
    return False


def attempt(client, send, watch: WriteWatch, *, reads_only: bool = False, refused=None):
    """Send one request (`send()`) in a savepoint that is rolled back; what was wrong with
    the answer (None: nothing). `watch.before()` must have been called since the last
    request that did not come through here. `refused(response)`: the answer says no
    (default: a 4xx, a form sent back with errors, an error message); a request that
    `reads_only` must never write."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = send()
            problem = None
            if response.status_code >= 500:
                error = response.exc_info[1] if response.exc_info else None
                problem = f"{response.status_code}: {error!r}"[:500]
            elif (reads_only or (refused or _refused)(response)) and (
                changed := watch.changed_tables()
            ):
                problem = f"{response.status_code}, refused, but wrote {changed}"
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    watch.rolled_back()
    return problem


def submit(client, form: Form, changes: dict, watch: WriteWatch) -> str | None:
    """Send one example of a form (see `attempt`)."""
    files = {name for name, item in form.fields.items() if item.kind == "file"}
    data = form.submission({k: v for k, v in changes.items() if k not in files})

    def send():
        if form.method == "get":
            return client.get(form.action, data)
        if form.multipart:
            uploads = {name: SimpleUploadedFile("fuzz.csv", changes[name]) for name in files}
            return client.post(form.action, {**data, **uploads})
        return client.post(
            form.action,
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )

    return attempt(client, send, watch, reads_only=form.method == "get")


def shown(changes: dict) -> dict:
    return {
        key: (value[:40] + "…" if isinstance(value, str | bytes) and len(value) > 40 else value)
        for key, value in changes.items()
        if value is not MISSING
    }


def run_examples(strategy, examples: int, check) -> None:
    """`check(example)` for `examples` examples of `strategy`, the same on every run."""
    settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # no shrinking: each example is a request
        suppress_health_check=list(HealthCheck),
    )(given(strategy)(check))()


def fuzz_form(client, form: Form, watch: WriteWatch, failures: list, *, examples: int) -> None:
    """`examples` examples of `form` (a fixed seed); each problem is added to `failures`."""
    watch.before()

    def check(changes):
        if problem := submit(client, form, changes, watch):
            failures.append(f"{form.method.upper()} {form.action} {shown(changes)}: {problem}")

    run_examples(form_examples(form), examples, check)
