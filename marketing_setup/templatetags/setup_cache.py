"""`{% setup_cached "name" value... [unless condition] %}…{% endsetup_cached %}`: the block's
HTML built once per setup version, language and the values named, in each process
(marketing_setup.versioning.setup_cached: rebuilt after any write to a setup table, by
whoever makes it), for the parts of a page that every request renders alike: a list's
toolbar and its empty filter form, the bulk action form. The block may show only what
comes from the setup tables, the code and its translations, and the values named (a
permission, the sort): never the request's own (its CSRF token, the query, the path).
With `unless`, a true condition renders the block every time (e.g. a bound form)."""

from __future__ import annotations

from django import template
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from marketing_setup.versioning import setup_cached

register = template.Library()


class SetupCachedNode(template.Node):
    def __init__(self, nodelist, name, vary_on, unless):
        self.nodelist, self.name, self.vary_on, self.unless = nodelist, name, vary_on, unless

    def render(self, context):
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)
        key = (
            "template-block",
            self.origin.name if self.origin else "",
            self.name,
            get_language(),
            get_script_prefix(),
            tuple(bool(v) if isinstance(v, bool) else str(v) for v in self._vary(context)),
        )
        return mark_safe(setup_cached(key, lambda: str(self.nodelist.render(context))))

    def _vary(self, context):
        return [value.resolve(context) for value in self.vary_on]


@register.tag("setup_cached")
def do_setup_cached(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a block name.")
    name = bits[1].strip("\"'")
    rest = bits[2:]
    unless = None
    if "unless" in rest:
        at = rest.index("unless")
        if at != len(rest) - 2:
            raise template.TemplateSyntaxError(f"'{bits[0]}': 'unless' takes one condition, last.")
        unless = parser.compile_filter(rest[at + 1])
        rest = rest[:at]
    nodelist = parser.parse(("endsetup_cached",))
    parser.delete_first_token()
    return SetupCachedNode(nodelist, name, [parser.compile_filter(bit) for bit in rest], unless)
