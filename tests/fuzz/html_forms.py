"""The forms of an HTML page, as a browser would submit them.

`forms(html, page)` reads every <form> with its fields (inputs, selects, text areas,
named submit buttons) and what a browser would send untouched: the values typed in,
the checked boxes, the selected options, the first submit button. `Form.submission(changes)`
applies the fuzzer's changes to that (a value per field, MISSING to leave a field out,
and under SUBMIT the button pressed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

MISSING = object()
#: The field of the changes that says which submit button was pressed (name, value).
SUBMIT = "(submit)"
NOT_SENT = {"reset", "button", "image"}


@dataclass
class Field:
    name: str
    kind: str  # text, number, date, email, hidden, checkbox, radio, select, textarea, file
    value: str | None  # what a browser sends untouched (None: nothing)
    options: list[str] = field(default_factory=list)  # select, radio: the values offered
    multiple: bool = False


@dataclass
class Form:
    page: str
    action: str  # a path, with its query
    method: str  # get or post
    multipart: bool
    fields: dict[str, Field]
    #: The named submit buttons, (name, value): a browser sends the one pressed.
    submits: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))

    def submission(self, changes: dict | None = None) -> dict[str, list]:
        """name -> list of values (a QueryDict's lists), with the changes applied."""
        changes = changes or {}
        data: dict[str, list] = {}
        for name, item in self.fields.items():
            if item.kind == "file":
                continue
            value = changes.get(name, item.value)
            if value is MISSING or value is None:
                continue
            data[name] = value if isinstance(value, list) else [value]
        if self.submits:
            name, value = changes.get(SUBMIT, self.submits[0])
            data.setdefault(name, []).append(value)
        return data


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: dict | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            split = urlsplit(action)
            self.form = Form(
                page=self.page,
                action=split.path + (f"?{split.query}" if split.query else ""),
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in a.get("enctype", ""),
                fields={},
            )
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag in ("input", "button") and name:
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if kind in NOT_SENT:
                return
            value = a.get("value", "" if kind != "checkbox" else "on")
            if kind == "submit":
                self.form.submits.append((name, value))
            elif kind in ("radio", "checkbox"):
                item = self.form.fields.setdefault(name, Field(name, kind, None))
                item.options.append(value)
                if kind == "checkbox" and len(item.options) > 1:
                    item.multiple = True
                if "checked" in a:
                    if item.multiple and isinstance(item.value, list):
                        item.value.append(value)
                    elif item.multiple and item.value is not None:
                        item.value = [item.value, value]
                    else:
                        item.value = value
            else:
                self.form.fields[name] = Field(name, kind, value)
        elif tag == "select" and name:
            self.select = Field(name, "select", None, multiple="multiple" in a)
            self.form.fields[name] = self.select
        elif tag == "option" and self.select is not None:
            if self.option is not None:  # </option> is optional
                self._end_option()
            self.option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea" and name:
            self.textarea = Field(name, "textarea", "")
            self.form.fields[name] = self.textarea

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea.value += data

    def _end_option(self):
        option, self.option = self.option, None
        value = option["value"] if option["value"] is not None else option["text"].strip()
        self.select.options.append(value)
        if option["selected"]:
            if self.select.multiple:
                self.select.value = [*(self.select.value or []), value]
            else:
                self.select.value = value

    def handle_endtag(self, tag):
        if tag in ("option", "select") and self.option is not None:
            self._end_option()
        if tag == "select" and self.select is not None:
            if not self.select.multiple and self.select.value is None and self.select.options:
                self.select.value = self.select.options[0]  # a browser sends the first
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None
        elif tag == "form":
            self.form = None


def forms(html: str, page: str) -> list[Form]:
    parser = _Parser(page)
    parser.feed(html)
    parser.close()
    return parser.forms
