"""The Maintain/Autosearch coupling as a pure function (no database)."""

import pytest

from marketing_setup.rules import AUTOSEARCH, MAINTAIN, resolve_duplicate_flags


@pytest.mark.parametrize(
    ("previous", "requested", "expected", "noted"),
    [
        # Unticking Maintain while Autosearch stays ticked: both end off, with a note.
        ((True, True), (False, True), (False, False), True),
        # Unticking both: no note needed.
        ((True, True), (False, False), (False, False), False),
        # Ticking Autosearch alone switches Maintain on, with a note.
        ((False, False), (False, True), (True, True), True),
        # Ticking both.
        ((False, False), (True, True), (True, True), False),
        # Maintain on with Autosearch left off is a valid pair and is kept.
        ((False, False), (True, False), (True, False), False),
        # Autosearch off alone leaves Maintain alone.
        ((True, True), (True, False), (True, False), False),
        # Nothing changed.
        ((True, False), (True, False), (True, False), False),
    ],
)
def test_resolve_duplicate_flags(previous, requested, expected, noted):
    flags = resolve_duplicate_flags(
        previous_maintain=previous[0],
        previous_autosearch=previous[1],
        maintain=requested[0],
        autosearch=requested[1],
    )
    assert (flags.maintain, flags.autosearch) == expected
    assert bool(flags.notes) is noted


def test_maintain_on_alone_turns_autosearch_on_when_caller_did_not_set_it():
    # BC: validating Maintain sets Autosearch equal to it.
    flags = resolve_duplicate_flags(
        previous_maintain=False,
        previous_autosearch=False,
        maintain=True,
        autosearch=False,
        explicit={MAINTAIN},
    )
    assert (flags.maintain, flags.autosearch) == (True, True)


def test_maintain_on_with_explicit_autosearch_off_keeps_autosearch_off():
    flags = resolve_duplicate_flags(
        previous_maintain=False,
        previous_autosearch=False,
        maintain=True,
        autosearch=False,
        explicit={MAINTAIN, AUTOSEARCH},
    )
    assert (flags.maintain, flags.autosearch) == (True, False)


@pytest.mark.parametrize(
    ("previous_maintain", "maintain", "regenerate"),
    [(False, True, True), (True, True, False), (True, False, False), (False, False, False)],
)
def test_regenerate_only_when_maintain_goes_from_off_to_on(previous_maintain, maintain, regenerate):
    flags = resolve_duplicate_flags(
        previous_maintain=previous_maintain,
        previous_autosearch=False,
        maintain=maintain,
        autosearch=False,
    )
    assert flags.regenerate_search_strings is regenerate


def test_autosearch_on_from_maintain_off_asks_for_regeneration():
    flags = resolve_duplicate_flags(
        previous_maintain=False, previous_autosearch=False, maintain=False, autosearch=True
    )
    assert flags.regenerate_search_strings is True
