"""Every process declaration is consistent: the names it uses exist, and each has one way in."""

import pytest

from caseapp.enums import INTERVENTION_TYPES
from caseapp.interventions.operations import RULE_IN_BRIEF
from caseapp.workflow.processes import PROCESS_OF_TYPE, PROCESSES


@pytest.mark.parametrize("process", PROCESSES.values(), ids=PROCESSES.keys())
def test_every_name_a_process_uses_is_declared(process):
    states, transitions = process.states.keys(), process.transitions.keys()
    assert [t.name for t in process.transitions.values() if not t.sources] == [process.start.name]
    for transition in process.transitions.values():
        assert set(transition.sources) <= states, transition.name
        assert transition.target is None or transition.target in states, transition.name
        assert len({field.name for field in transition.fields}) == len(transition.fields), transition.name
    for rule in process.deadlines:
        assert set(rule.states) <= states, rule.key
        assert set(rule.closed_by) <= transitions, rule.key
    assert len({rule.key for rule in process.deadlines}) == len(process.deadlines)


@pytest.mark.parametrize("process", PROCESSES.values(), ids=PROCESSES.keys())
def test_every_state_is_reachable_and_every_open_state_has_a_way_on(process):
    reachable, frontier = set(), [process.start.target]
    while frontier:
        state = frontier.pop()
        if state not in reachable:
            reachable.add(state)
            frontier += [t.target for t in process.transitions.values() if state in t.sources and t.target]
    assert reachable == set(process.states)
    for name, state in process.states.items():
        leaving = [t for t in process.transitions.values() if name in t.sources and t.target not in (None, name)]
        assert state.final or leaving, f"{name} is a dead end"


def test_every_intervention_type_has_a_process_and_a_rule_in_brief():
    assert PROCESS_OF_TYPE.keys() == INTERVENTION_TYPES.keys() == RULE_IN_BRIEF.keys()
