"""Name splitting/composing and search names (reference 2.10); no database."""

from __future__ import annotations

from contacts.names import compose_name, follow_search_name, split_name, sync_names


def test_split_one_word_is_first_name():
    assert split_name("Cher") == ("Cher", "", "")


def test_split_two_words_first_and_surname():
    assert split_name("John  Smith") == ("John", "", "Smith")


def test_split_three_or_more_words():
    assert split_name("Anne Marie Louise van Dijk") == ("Anne Marie Louise", "van", "Dijk")
    assert split_name("Nina Mette Nguyen") == ("Nina", "Mette", "Nguyen")


def test_split_truncates_parts_to_30():
    first, _middle, _surname = split_name("A" * 40 + " B")
    assert first == "A" * 30


def test_compose_skips_blank_parts():
    assert compose_name(" John", "", "Smith ") == "John Smith"
    assert compose_name("", "", "") == ""


def test_search_name_follows_unless_hand_edited():
    assert follow_search_name("", old_name="a", new_name="Bo") == "BO"
    assert follow_search_name("OLD NAME", old_name="Old name", new_name="New") == "NEW"
    assert follow_search_name("MY KEY", old_name="Old name", new_name="New") == "MY KEY"


def _values(**kw):
    base = dict(name="", first_name="", middle_name="", surname="", search_name="")
    base.update(kw)
    return base


def test_sync_new_person_from_parts_composes_name():
    out = sync_names(_values(first_name="Hilde", surname="Hagen"), is_person=True, old=None)
    assert out["name"] == "Hilde Hagen"
    assert out["search_name"] == "HILDE HAGEN"


def test_sync_new_person_from_name_splits():
    out = sync_names(_values(name="Nina Mette Nguyen"), is_person=True, old=None)
    assert (out["first_name"], out["middle_name"], out["surname"]) == ("Nina", "Mette", "Nguyen")


def test_sync_company_is_never_split():
    out = sync_names(_values(name="Hagen Bygg AS"), is_person=False, old=None)
    assert out["first_name"] == "" and out["search_name"] == "HAGEN BYGG AS"


def test_sync_existing_person_name_typed_resplits():
    old = _values(name="John Smith", first_name="John", surname="Smith", search_name="JOHN SMITH")
    new = dict(old, name="John Peter Smith")
    out = sync_names(new, is_person=True, old=old)
    assert out["middle_name"] == "Peter"
    assert out["search_name"] == "JOHN PETER SMITH"


def test_sync_existing_person_part_typed_recomposes_and_keeps_hand_search_name():
    old = _values(name="John Smith", first_name="John", surname="Smith", search_name="JS")
    new = dict(old, surname="Smythe")
    out = sync_names(new, is_person=True, old=old)
    assert out["name"] == "John Smythe"
    assert out["search_name"] == "JS"
