"""The states of an assessment edition and what each allows.

An edition is opened in **drafting** (authors write, participants propose), moves to
**review** (reviewers propose and comment), then **consensus** (the editor sets the agreed
value per category and confirms large changes) and is **published** only through the
publication rules (:mod:`demoscope.workflow.rules`). Editors may step back one state before
publication (a review that needs more drafting); a published edition never moves again: a
correction is a new revision of the published ratings.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from demoscope.workflow.roles import Action


class State(StrEnum):
    DRAFTING = "drafting"
    REVIEW = "review"
    CONSENSUS = "consensus"
    PUBLISHED = "published"


#: state → the states an editor may move it to (publication goes through ``publish``).
TRANSITIONS: Mapping[State, tuple[State, ...]] = {
    State.DRAFTING: (State.REVIEW,),
    State.REVIEW: (State.CONSENSUS, State.DRAFTING),
    State.CONSENSUS: (State.REVIEW,),
    State.PUBLISHED: (),
}

#: The state publication starts from.
PUBLISHABLE_FROM = State.CONSENSUS

#: Which writes each state accepts (anything else is a 409: the edition is not at that stage).
WRITES: Mapping[State, frozenset[Action]] = {
    State.DRAFTING: frozenset({Action.PROPOSE, Action.COMMENT, Action.WRITE_REPORT}),
    State.REVIEW: frozenset({Action.PROPOSE, Action.COMMENT, Action.WRITE_REPORT}),
    State.CONSENSUS: frozenset({Action.COMMENT, Action.WRITE_REPORT, Action.SET_CONSENSUS,
                                Action.CONFIRM, Action.PUBLISH}),
    State.PUBLISHED: frozenset({Action.CORRECT}),
}


def can_move(source: State, target: State) -> bool:
    """Whether an editor may move an edition from ``source`` to ``target``."""
    return target in TRANSITIONS[source]


def accepts(state: State, action: Action) -> bool:
    """Whether an edition in ``state`` accepts a write of kind ``action``."""
    return action in WRITES[state]


def stages_for(action: Action) -> list[State]:
    """The states in which ``action`` is accepted (for messages)."""
    return [s for s in State if action in WRITES[s]]
