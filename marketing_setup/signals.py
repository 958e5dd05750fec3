"""Signals this app publishes. Upper apps connect to them; this app never imports them.

`setup_changed` is sent after the Marketing Setup row is saved through
`marketing_setup.services.marketing_setup_update`, with keyword arguments
`setup` (the saved row) and `changed_fields` (set of field names whose value changed).
"""

from django.dispatch import Signal

setup_changed = Signal()
