"""Bad input never breaks anything: generated values posted to every form of the app, and error pages.

The forms are found the way a user finds them. As each role (and half-way through a login or the linking of
a new app), a crawler follows the links of every page from the start page and every URL rule without
arguments, sends each search form once, and collects each `<form method="post">` with its fields, options and
prefilled values. A POST rule without a form found this way fails the test: a form added later is tried too,
or the world below lacks the record whose page shows it.

Per form, the page's own values are posted first, then nothing at all, then the page's values with one field
set to each edge of its kind (EDGES: the ends of the calendar, NUL, 20,000 characters, a choice not offered),
then hypothesis' random examples: the page's values with up to three fields spoiled by unicode text with
control characters, long text, numbers far out of range, impossible dates, unknown or repeated choices, or
left out. Every example starts from the same database (a savepoint, rolled back after it), document files
and session cookie. Whatever is posted:

- the answer is never a 5xx, nor shows a stack trace;
- an accepted post (a redirect) leads to a page that is not a 5xx either;
- any other answer is a refusal: the database is unchanged (see `refusal_changes`) and, when it shows the
  form again (200, 422), the page says what is wrong (a field error or an alert).
"""

import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from caseapp import AMSTERDAM, create_app
from caseapp.audit.operations import utcnow
from caseapp.enums import INTERVENTION_TYPES
from caseapp.models import Notification
from config import CONFIGS
from tests.factories import PASSWORD, totp_code

SEARCH_TERM = "Zoekbaar"  # every person in the world has this last name, so search forms find them
MISSING = None  # a field left out of the post altogether
EXAMPLES_PER_FORM = 10  # random ones, after every edge case (see EDGES)
MAX_VISITS_PER_ENDPOINT = 20  # sort and filter links would otherwise multiply the crawl
# Posting these ends the session or takes no input: nothing to fuzz.
NOT_FUZZED = {"accounts.logout"}
# A refusal may still log: reads and refused attempts are audited, failed logins counted.
AUDITED_READS = {"view", "search"}
APPEND_ONLY_LOGS = {"audit_entry", "failed_login"}
# Columns any request, or any refused attempt to prove who one is, may move on: when a session was last seen
# (the idle timeout), and an account's failed attempts (the lockout). snapshot() leaves them out.
COUNTERS = {("user_session", "last_seen_at"), ("user", "failed_logins"), ("user", "locked_until")}
STACK_TRACE = re.compile(r"Traceback \(most recent call last\)|File &#34;|File \"")


# --- Forms as a browser sees them ----------------------------------------------------------------------------

@dataclass
class Field:
    name: str
    kind: str  # an input type, "select", "select-multiple" or "textarea"
    options: list = field(default_factory=list)  # the values a select, radio or checkbox group offers
    value: list = field(default_factory=list)  # what the page filled in or selected


@dataclass
class Form:
    method: str
    action: str
    fields: dict = field(default_factory=dict)

    def signature(self):
        return tuple(sorted((f.name, f.kind, tuple(f.options)) for f in self.fields.values()))


class FormParser(HTMLParser):
    """Every form of a page with its named fields; buttons and links are collected too."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms, self.links = [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page_url, attrs["href"]))
        elif tag == "form":
            self._form = Form(method=(attrs.get("method") or "get").lower(),
                              action=urljoin(self.page_url, attrs.get("action") or self.page_url))
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select.options.append(value)
            if "selected" in attrs:
                self._select.value.append(value)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "select":
            kind = "select-multiple" if "multiple" in attrs else "select"
            self._select = self._field(attrs["name"], kind)
        elif tag == "textarea":
            self._textarea = self._field(attrs["name"], "textarea")
            self._textarea.value.append("")
        elif tag == "button" and attrs.get("value") is not None:
            self._field(attrs["name"], "button").options.append(attrs["value"])

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        if kind in ("submit", "reset", "image", "file"):
            return
        found = self._field(attrs["name"], kind)
        value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
        if kind in ("checkbox", "radio"):
            found.options.append(value)
            if "checked" in attrs:
                found.value.append(value)
        else:
            found.value = [value]

    def _field(self, name, kind):
        return self._form.fields.setdefault(name, Field(name, kind))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value[0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            content = self._textarea.value[0]  # a browser drops the line break that follows <textarea>
            self._textarea.value[0] = content[2:] if content.startswith("\r\n") else content.removeprefix("\n")
            self._textarea = None


def parse(page_url, text):
    parser = FormParser(page_url)
    parser.feed(text)
    return parser


# --- Values ----------------------------------------------------------------------------------------------------

def plausible(form_field):
    """What a user would fill in: the page's own value, else a valid-looking one for its kind."""
    if form_field.kind == "button":
        return form_field.options[:1]
    if any(form_field.value) or form_field.kind in ("checkbox", "radio"):
        return list(form_field.value)
    if form_field.kind in ("select", "select-multiple"):
        chosen = [option for option in form_field.options if option][:1]
        return chosen or form_field.options[:1]
    now = datetime.now(AMSTERDAM)
    return [{
        "date": now.date().isoformat(),
        "datetime-local": now.strftime("%Y-%m-%dT%H:%M"),
        "number": "1",
        "email": "nieuwe.gebruiker@example.nl",
        "password": "paarse olifanten dansen op dinsdag",
        "search": SEARCH_TERM,
        "hidden": "",
    }.get(form_field.kind, "Testwaarde")]


def search(form):
    """A search form's values: the world's last name in each text field, the rest as the page has it."""
    return {name: [SEARCH_TERM] if form_field.kind in ("text", "search") else form_field.value[:1]
            for name, form_field in form.fields.items()}


_long = st.tuples(st.text(min_size=1, max_size=3), st.integers(min_value=100, max_value=6000)).map(
    lambda repeated: repeated[0] * repeated[1])
_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["-1", "0", "2147483648", "9223372036854775808", "1e999", "0x10", "١٢", "1,5", " 7 "]),
)
_date = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59", "1900-01-01",
                     "2026-02-30", "2026-13-01", "0000-00-00", "31-12-2026", "99999-01-01", "2026-1-1",
                     "2026-06-15T25:61", "2026-06-15 10:00", "vandaag", "-2026-01-01"]),
    st.dates().map(date.isoformat),  # real dates, far from today
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
)
# Anything at all may arrive in any field: forms are posted by browsers, scripts and attackers alike.
_anything = st.one_of(st.just(""), st.text(max_size=40), _long, _number, _date)
_TYPED = {"date": _date, "datetime-local": _date, "number": _number}


def bad_values(form_field):
    """A strategy for a field's bad values: a list of values to post, or MISSING to leave the field out."""
    single = st.one_of(_TYPED.get(form_field.kind, _anything), _anything)
    if form_field.options:  # an unknown choice, or several where one is expected
        single = st.one_of(single, st.sampled_from(form_field.options))
    return st.one_of(st.just(MISSING), single.map(lambda value: [value]), st.lists(single, min_size=2, max_size=4))


# The values most likely to break something, each tried alone in every field of its kind before random ones:
# the ends of the calendar, a day that does not exist, NUL (PostgreSQL refuses it in text), a choice not offered,
# numbers that do not fit.
EDGES = {
    "date": ["0001-01-01", "9999-12-31", "2026-02-30"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00"],
    "number": ["-1", "9223372036854775808", "nan"],
    "select": ["99999999999999999999", "onbekend"],
    "select-multiple": ["99999999999999999999", "onbekend"],
    "radio": ["onbekend"],
    "checkbox": ["onbekend"],
    "button": ["onbekend"],
}
# In text: NUL, 20,000 characters; and as a number (an id, a version, a BSN): beyond 64 bits, beyond int()'s 4300
# digits, and nine digits int() does not take.
TEXT_EDGES = ["nul\x00teken", "x" * 20000, "9" * 20, "9" * 5000, "²" * 9]


def edge_cases(form):
    """The page's own values; nothing at all; and the page's values with one field set to one of its edges."""
    own = {name: plausible(form_field) for name, form_field in form.fields.items()}
    yield own
    yield {}
    for name, form_field in form.fields.items():
        for edge in EDGES.get(form_field.kind, TEXT_EDGES):
            yield {**own, name: [edge]}


def form_data(form):
    """The page's own values with a few fields spoiled, so the bad value gets past the others to where it counts."""
    names = sorted(form.fields)

    def spoil(chosen):
        return st.fixed_dictionaries({name: bad_values(form.fields[name]) if name in chosen
                                      else st.just(plausible(form.fields[name])) for name in names})

    return st.sets(st.sampled_from(names), max_size=3).flatmap(spoil).map(
        lambda values: {name: value for name, value in values.items() if value is not MISSING}
    ) if names else st.just({})


# --- Finding the forms -------------------------------------------------------------------------------------------

def endpoint_of(app, url, method="GET"):
    """The endpoint and arguments of a local URL, or (None, {}) for one the app does not route."""
    parts = urlsplit(url)
    try:
        return app.url_map.bind("localhost").match(parts.path, method=method)
    except (HTTPException, RequestRedirect):
        return None, {}


def discover(app, client, answer=None):
    """The POST forms this client's user reaches by following links and sending search forms, one per kind.

    `answer` is a response the client just had (a step that answers with a form of its own); it is read first.
    """
    queue = ["/"] + [rule.rule for rule in app.url_map.iter_rules()
                     if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"]
    seen, visits, forms = set(queue), {}, {}
    while queue or answer is not None:
        url, response, answer = (answer.request.path, answer, None) if answer else (queue.pop(0), None, None)
        if response is None:
            endpoint, _ = endpoint_of(app, url)
            if endpoint is None or endpoint == "static" or visits.get(endpoint, 0) >= MAX_VISITS_PER_ENDPOINT:
                continue
            visits[endpoint] = visits.get(endpoint, 0) + 1
            response = client.get(url)
            assert response.status_code < 500, f"GET {url}: {response.status_code}"
        found = [response.location] if response.location else []
        if response.mimetype == "text/html":
            page = parse(url, response.text)
            found += page.links
            for form in page.forms:
                if form.method == "get":  # a search or filter: send it once, with a term that finds the world
                    found.append(form.action.split("?")[0] + "?" + urlencode(search(form), doseq=True))
                    continue
                post_endpoint, arguments = endpoint_of(app, form.action, "POST")
                if post_endpoint is None or post_endpoint in NOT_FUZZED:
                    continue
                # One form per shape: the same form for another record or with another ?next= adds nothing.
                kind = (post_endpoint, *sorted((name, value) for name, value in arguments.items()
                                               if not isinstance(value, int)), form.signature())
                forms.setdefault(kind, form)
        for link in found:
            parts = urlsplit(urljoin(url, link))
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc in ("", "localhost") and local not in seen:
                seen.add(local)
                queue.append(local)
    return forms


# --- The database a refusal must leave alone -----------------------------------------------------------------

def snapshot(connection, tables):
    """Every row of every table but the COUNTERS, counted (a Counter per table compares fast)."""
    return {table: Counter(map(tuple, connection.execute(select(*snapshot_columns(table))))) for table in tables}


def snapshot_columns(table):
    return [column for column in table.columns if (table.name, column.name) not in COUNTERS]


def differences(table, added, removed):
    """Rows that differ, in words: per primary key the columns that changed, and rows added or removed."""
    names = [column.name for column in snapshot_columns(table)]
    key = names.index(next(iter(table.primary_key.columns)).name)
    old, new = {row[key]: row for row in removed}, {row[key]: row for row in added}
    changed = [f"{names[key]}={id}: " + ", ".join(f"{name} {was!r} -> {now!r}" for name, was, now
                                                  in zip(names, old[id], new[id], strict=True) if was != now)
               for id in old.keys() & new.keys()]
    return "; ".join([*changed[:3], *(f"added {new[id]}" for id in list(new.keys() - old.keys())[:3]),
                      *(f"removed {old[id]}" for id in list(old.keys() - new.keys())[:3])])


def refusal_changes(before, after):
    """What a refused post changed, in words; empty when nothing changed that a refusal may not change.

    Unchanged means: every row of every table is as it was, with two append-only logs and the COUNTERS as
    the exceptions. Reads and refused attempts are audited even when the form is refused, so `audit_entry`
    may gain entries that record a view, a search or a denial, but none that records a change; `failed_login`
    may gain the attempts of a refused login. Rows already in those logs must stay as they were.
    """
    problems = []
    for table, rows in after.items():
        added, removed = list(rows - before[table]), list(before[table] - rows)
        if table.name not in APPEND_ONLY_LOGS:
            if added or removed:
                problems.append(f"{table.name}: {differences(table, added, removed)}")
            continue
        if removed:
            problems.append(f"{table.name}: existing rows changed or removed: {removed[:3]}")
        if table.name == "audit_entry":
            entries = [dict(zip(table.columns.keys(), row, strict=True)) for row in added]  # has no COUNTERS
            writes = [entry for entry in entries
                      if entry["action"] not in AUDITED_READS and entry["outcome"] != "denied"]
            if writes:
                problems.append(f"audit_entry: a change was recorded: {writes[:3]}")
    return problems


# --- The world --------------------------------------------------------------------------------------------------

@pytest.fixture
def world(app, make, session, login):
    """Users of every role in Lisse, and a record of every kind they may work on, so every form shows somewhere."""
    lisse = make.gemeente("Lisse")
    lisse.apv_151d = True
    session.commit()
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie, ggz = make.organisation("politie", "Politie Bollenstreek"), make.organisation("ggz", "GGZ Rivierduinen")
    users = {
        "coordinator": make.user("coordinator", team, [lisse]),
        "partner": make.user("partner", politie, [lisse]),
        "analyst": make.user("analyst", team, [lisse]),
        "admin": make.user("admin", team, [lisse]),
    }
    coordinator = users["coordinator"]
    adult = make.person("Piet", SEARCH_TERM, date_of_birth=date(1980, 1, 1), address="Dorpsstraat 1, Lisse")
    twin = make.person("Piet", SEARCH_TERM, date_of_birth=date(1980, 1, 1))  # a likely duplicate: to merge
    make.person("Anna", SEARCH_TERM, date_of_birth=date(1975, 3, 3))  # on no case: the coordinator may link her
    case = make.case(lisse, persons=[(adult, "betrokkene")], partners=[politie, ggz], coordinator=coordinator)
    make.case(lisse, status="afgesloten", persons=[(twin, "melder")], coordinator=coordinator)
    make.note(case, coordinator, body="Huisbezoek afgelegd.")
    make.melding(lisse, coordinator, persons=[(adult, "betrokkene")])
    goal = make.plan_goal(case)
    make.plan_action(case, coordinator, goal=goal)
    make.plan_action(case, politie)
    conference = make.conference([lisse], coordinator, [politie])
    make.conference_item(conference, case)
    make.document(case, coordinator, folder=app.config["DOCUMENT_STORAGE"])
    make.api_token(users["analyst"], users["admin"])  # so its page to revoke it shows
    make.indicator_goals(lisse)  # so the forms to remove a nulmeting and a streefwaarde show
    make.imported_indicator()  # so the admin's form to edit and remove a series shows
    for user in (coordinator, users["partner"]):
        session.add(Notification(user_id=user.id, text="Casus toegewezen", link=f"/casussen/{case.id}",
                                 created_at=utcnow()))
    session.commit()
    _start_every_intervention(login(coordinator), case)
    # Half-way through a login: the password given, the code (or the enrolment of a first app) still to come.
    users["second factor"] = users["re-enrolment"] = coordinator
    users["enrolment"] = make.user("coordinator", team, [lisse], second_factor=False)
    return users


def _start_every_intervention(client, case):
    """Start each type of intervention through its own form, so their next steps' forms exist too."""
    for type in INTERVENTION_TYPES:
        url = f"/casussen/{case.id}/interventies/nieuw?type={type}"
        start = next(form for form in parse(url, client.get(url).text).forms if form.method == "post"
                     and urlsplit(form.action).path.endswith("/interventies/nieuw"))
        client.post(start.action, data={name: plausible(f) for name, f in start.fields.items()})


# --- The tests --------------------------------------------------------------------------------------------------

# Whose forms are tried: every role, and the states of a login and of linking an app that have forms of their own.
ROLES = ("anonymous", "second factor", "enrolment", "coordinator", "re-enrolment", "partner", "analyst", "admin")


def sign_in(client, login, world, role):
    """Put the client in the role's session: none, half-way through a login, logged in, or linking a new app."""
    if role in ("coordinator", "partner", "analyst", "admin", "re-enrolment"):
        login(world[role])
        if role == "re-enrolment":  # the current app's code (of the next time step: this one's is spent)
            response = client.post("/mijn-account/koppelen", data={"koppelen-code": totp_code(steps=1)})
            assert response.status_code == 200 and "bevestigen" in response.text, response.text
            return response  # its form, to confirm the new app, is on no page of its own
        return None
    client.post("/uitloggen")
    if role != "anonymous":
        response = client.post("/inloggen", data={"email": world[role].email, "password": PASSWORD})
        assert response.status_code == 302, response.text
    return None


def test_generated_input_never_breaks_a_form(app, world, client, login, connection):
    tables = _reflected_tables(connection)
    tried, failures = set(), []
    for role in ROLES:
        answer = sign_in(client, login, world, role)
        forms = {kind: form for kind, form in discover(app, client, answer).items() if kind not in tried}
        tried |= forms.keys()  # a form another role showed alike is not tried again
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        before = snapshot(connection, tables)
        for form in forms.values():
            try:
                _fuzz(app, client, cookie, connection, tables, before, form)
            except Exception as error:  # noqa: BLE001 - every form is tried; all failures are reported at the end
                failures += [f"{role}: POST {form.action}: {report(one)}" for one in flatten(error)]
    assert not failures, "\n\n".join(failures)
    post_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    unfound = post_endpoints - {kind[0] for kind in tried} - NOT_FUZZED
    assert not unfound, f"no form found for {sorted(unfound)}: give the world a record whose page shows it"


def flatten(error):
    """The failures in what hypothesis raised: one, or a group of distinct ones."""
    if isinstance(error, BaseExceptionGroup):
        return [one for inner in error.exceptions for one in flatten(inner)]
    return [error]


def report(error):
    """A failure in a few lines: what, where in the app, and the example that shows it."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "/caseapp/" in frame.filename]
    where = f"\n  raised in {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    notes = "".join(f"\n  {note[:1500]}" for note in getattr(error, "__notes__", []))
    return f"{type(error).__name__}: {str(error)[:1500]}{where}{notes}"


def stored_files(app):
    """The uploaded documents' files: a rolled-back example must not leave a row without its file."""
    folder = Path(app.config["DOCUMENT_STORAGE"])
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def restore_files(app, files):
    for path in set(stored_files(app)) - set(files):
        path.unlink()
    for path, content in files.items():
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


def _reflected_tables(connection):
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return list(metadata.sorted_tables)


def _fuzz(app, client, cookie, connection, tables, before, form):
    """Post generated values to one form; each example starts from the same database, files and session."""
    files = stored_files(app)

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=form_data(form))
    def post(data):
        savepoint = connection.begin_nested()
        try:
            if cookie is not None:
                client.set_cookie(cookie.key, cookie.value)
            else:
                client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
            response = client.post(form.action, data=data)
            where = f"POST {form.action} with {data!r} answered {response.status_code}"
            assert response.status_code < 500, where
            assert not STACK_TRACE.search(response.text), f"{where}, showing a stack trace"
            if response.status_code == 201:  # accepted, and what it made is shown once (an API token)
                return
            if response.status_code // 100 == 3:  # accepted: what was saved must not break the next page either
                shown = client.get(response.location)
                assert shown.status_code < 500 and not STACK_TRACE.search(shown.text), \
                    f"{where}; then GET {response.location} answered {shown.status_code}"
                return
            problems = refusal_changes(before, snapshot(connection, tables))
            assert not problems, f"{where}, yet changed: {problems}"
            if response.status_code in (200, 422):
                assert 'class="error' in response.text or 'role="alert"' in response.text, \
                    f"{where}, without saying what is wrong"
        finally:
            savepoint.rollback()
            restore_files(app, files)

    for case in edge_cases(form):
        post = example(data=case)(post)
    post()


@pytest.mark.parametrize("config_name", ["production", "development"])
def test_an_exception_in_a_view_shows_the_error_page_without_a_stack_trace(
        monkeypatch, tmp_path, database_url, connection, config_name):
    config = CONFIGS[config_name]
    monkeypatch.setattr(config, "SECRET_KEY", "p" * 48)  # what production demands
    monkeypatch.setattr(config, "DOCUMENT_STORAGE", str(tmp_path))
    app = create_app(config_name, DATABASE_URL=database_url)
    app.extensions["db_bind"] = connection
    assert not app.debug and not app.testing  # DEBUG would pass the exception on to the server instead

    @app.route("/kapot")
    def broken():
        raise RuntimeError("geheim detail uit de fout")

    response = app.test_client().get("/kapot")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.text
    assert "RuntimeError" not in response.text and "geheim detail" not in response.text
    assert not STACK_TRACE.search(response.text)


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_an_id_beyond_the_database_integer_in_a_url_is_not_found(app, make, login, role):
    """Every route with a record id, its id one past PostgreSQL's integer (and far past): refused, never an error."""
    client = login(make.user(role))
    checked = 0
    for rule in app.url_map.iter_rules():
        for too_big in (2**31, 10**20) if "<int:" in rule.rule else ():
            url = re.sub(r"<[^>]+>", lambda match, id=str(too_big): id if match[0].startswith("<int:") else "x",
                         rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                assert client.open(url, method=method).status_code in (403, 404, 405), f"{method} {url}"
                checked += 1
    assert checked > 40
