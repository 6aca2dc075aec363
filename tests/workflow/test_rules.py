"""The workflow's pure rules: the permissions table, the states, the publication rules, what a
report draft may hold; and the methodology answering for a year after its last edition."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from demoscope.errors import UnknownEdition
from demoscope.methodology import Direction, nit
from demoscope.workflow import drafts, rules
from demoscope.workflow.roles import PERMISSIONS, Action, Actor, Role, allowed, roles_allowed
from demoscope.workflow.states import State, accepts, can_move


def test_every_action_has_a_row_and_anonymous_has_none():
    assert set(PERMISSIONS) == set(Action)
    assert roles_allowed(Action.MANAGE_USERS) == [Role.ADMIN]
    assert roles_allowed(Action.PUBLISH) == [Role.EDITOR]
    assert set(roles_allowed(Action.READ_DRAFTS)) == set(Role)


def test_authors_write_only_their_countries():
    ana = Actor("ana", Role.AUTHOR, ["KAZ"])
    assert ana.may(Action.PROPOSE, "KAZ") and not ana.may(Action.PROPOSE, "KGZ")
    assert ana.may(Action.WRITE_REPORT, "KAZ") and not ana.may(Action.WRITE_REPORT, "KGZ")
    assert not ana.may(Action.SET_CONSENSUS, "KAZ")
    rev = Actor("rev", Role.REVIEWER)
    assert rev.may(Action.PROPOSE, "KGZ") and rev.may(Action.COMMENT, "KAZ")
    assert not rev.may(Action.WRITE_REPORT, "KAZ")
    assert not allowed(Role.VIEWER, Action.PROPOSE, "KAZ")


def test_states_move_forward_and_one_step_back_and_publication_is_final():
    assert can_move(State.DRAFTING, State.REVIEW) and can_move(State.REVIEW, State.CONSENSUS)
    assert can_move(State.CONSENSUS, State.REVIEW) and can_move(State.REVIEW, State.DRAFTING)
    assert not can_move(State.DRAFTING, State.CONSENSUS)
    assert not any(can_move(State.PUBLISHED, s) for s in State)
    assert not can_move(State.CONSENSUS, State.PUBLISHED)  # only through publish
    assert accepts(State.REVIEW, Action.PROPOSE) and not accepts(State.CONSENSUS, Action.PROPOSE)
    assert not any(accepts(State.PUBLISHED, a) for a in Action if a is not Action.CORRECT)


def _country(cells, score_confirmed=None):
    return rules.CountryFacts("XXX", {c: rules.CellFacts(*v) for c, v in cells.items()},
                              score_confirmed)


def test_publication_rules():
    m = nit()
    ed = m.edition(2025)
    base = {c: (F(7, 2), F(7, 2), None) for c in ed.categories}  # DS 3.50, mid-band
    assert rules.missing(m, ed, [_country(base)]) == []
    # no consensus
    gap = {**base, "EP": (F(7, 2), None, None)}
    assert [x.to_dict() for x in rules.missing(m, ed, [_country(gap)])] == [
        {"iso3": "XXX", "category": "EP", "rule": "consensus"}]
    # a change without a justification; 0.5 is not large, 0.75 is
    half = {**base, "EP": (F(7, 2), F(4), None)}
    assert [x.rule for x in rules.missing(m, ed, [_country(half)])] == ["justification"]
    big = {**base, "EP": (F(7, 2), F(17, 4), "why")}
    assert [x.rule for x in rules.missing(m, ed, [_country(big)])] == ["confirmation"]
    # a confirmation counts for the value it confirmed only
    assert rules.missing(m, ed, [_country({**base, "EP": (F(7, 2), F(17, 4), "why", F(17, 4))})]) == []
    assert [x.rule for x in rules.missing(
        m, ed, [_country({**base, "EP": (F(7, 2), F(17, 4), "why", F(4))})])] == ["confirmation"]


def test_a_regime_band_crossing_needs_the_score_confirmed():
    m = nit()
    ed = m.edition(2025)  # 7-best: 4.01–5.00 semi-consolidated democracy, 3.01–4.00 hybrid
    prev = {c: (F(4), F(4), None) for c in ed.categories}  # DS 4.00
    up = {c: (F(4), F(17, 4), "better") for c in ed.categories[:1]}
    cells = {**prev, **up}  # DS 4.04: crosses into the next band
    found = rules.missing(m, ed, [_country(cells)])
    assert [(x.category, x.rule) for x in found] == [(m.score.code, "regime_confirmation")]
    score = rules.new_score(m, ed, _country(cells))
    assert score == F("4.04")
    assert rules.missing(m, ed, [_country(cells, score)]) == []
    assert rules.missing(m, ed, [_country(cells, F("4.00"))]) != []


def test_report_draft_parts_and_typed_rating_sentences():
    ed = nit().edition(2025)
    ok = {"executive_summary": "Elections were held.[1]", "summary:EP": "Two parties joined.",
          "EP": "## Elections\nMore text.", "outlook": "Uncertain."}
    assert drafts.problems(ed, ok, [(1, "A source.")]) == []
    assert [p.part for p in drafts.problems(ed, {"GOV": "x"}, [])] == ["GOV"]
    typed = {"summary:EP": "Kazakhstan's rating for electoral process improves from 1.25 to 1.50."}
    assert "generated" in drafts.problems(ed, typed, [])[0].reason
    assert "cites footnote [2]" in drafts.problems(ed, {"outlook": "See [2]."}, [(1, "x")])[0].reason
    assert drafts.problems(ed, {}, [(1, "a"), (1, "b")])[0].part == "footnotes"


def test_a_year_after_the_last_edition_continues_its_last_era():
    m = nit()
    last = m.edition(max(m.editions))
    ed = m.edition(max(m.editions) + 1)
    assert ed.continued and not last.continued
    assert ed.categories == last.categories and ed.direction is last.direction is Direction.HIGH_BEST
    assert dict(ed.names) == dict(last.names)
    assert ed.coverage_end.year == ed.year - 1
    assert m.publisher in ed.note and "Not an edition" in ed.note
    assert ed.year not in m.editions  # nothing pretends the publisher published it
    assert m.previous_edition(ed.year) is last
    with pytest.raises(UnknownEdition):
        m.edition(2000)  # a gap stays a gap
