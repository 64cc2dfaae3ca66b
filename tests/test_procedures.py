"""The procedure pages print every process exactly as it is declared."""

import pytest
from markupsafe import escape

from caseapp.workflow.processes import PROCESSES


@pytest.fixture
def casework(make):
    gemeente = make.gemeente()
    return {"coordinator": make.user("coordinator", gemeenten=[gemeente]),
            "partner": make.user("partner", gemeenten=[gemeente])}


def shown(text, page):
    return str(escape(text)) in page


@pytest.mark.parametrize("role", ["coordinator", "partner"])
def test_the_list_names_every_procedure(casework, login, role):
    page = login(casework[role]).get("/procedures/")
    assert page.status_code == 200
    for process in PROCESSES.values():
        assert f'href="/procedures/{process.key}"' in page.text
        assert shown(process.label, page.text) and shown(process.legal_basis, page.text)


@pytest.mark.parametrize("key", PROCESSES)
def test_each_procedure_shows_its_states_steps_and_deadlines(casework, login, key):
    process = PROCESSES[key]
    page = login(casework["coordinator"]).get(f"/procedures/{key}")
    assert page.status_code == 200
    text = page.text
    assert shown(process.summary, text) and shown(process.decided_by, text)
    for state in process.states.values():
        assert shown(state.label, text)
    assert text.count("(eindstatus)") == sum(state.final for state in process.states.values())
    for transition in process.transitions.values():
        assert shown(transition.label, text)
        for spec in transition.fields:
            assert shown(spec.label, text)
        for guard in transition.guards:
            assert shown(guard.description, text)
    for rule in process.deadlines:
        assert shown(rule.label, text) and shown(rule.description, text)


def test_an_unknown_procedure_is_not_found(casework, login):
    assert login(casework["partner"]).get("/procedures/bestaat-niet").status_code == 404
