"""Admin pages: users, organisations, gemeenten and wijken, with their validation and audit entries."""

import re

import pytest
from sqlalchemy import select

from caseapp.models import AuditEntry, Gemeente, Organisation, User, Wijk
from tests.factories import PASSWORD


def audit_entries(session, record_type, action=None):
    statement = select(AuditEntry).where(AuditEntry.record_type == record_type).order_by(AuditEntry.id)
    if action:
        statement = statement.where(AuditEntry.action == action)
    return session.scalars(statement).all()


def find_user(session, email):
    return session.scalar(select(User).where(User.email == email))


# --- Access ---------------------------------------------------------------------------------------------------

def admin_urls(make):
    """Every admin page, with the records it needs."""
    gemeente = make.gemeente()
    wijk = gemeente.wijken[0]
    organisation = make.organisation()
    user = make.user()
    return [
        ("GET", "/beheer/gebruikers"),
        ("GET", "/beheer/gebruikers/nieuw"),
        ("POST", "/beheer/gebruikers/nieuw"),
        ("GET", f"/beheer/gebruikers/{user.id}"),
        ("POST", f"/beheer/gebruikers/{user.id}"),
        ("GET", "/beheer/organisaties"),
        ("GET", "/beheer/organisaties/nieuw"),
        ("POST", "/beheer/organisaties/nieuw"),
        ("GET", f"/beheer/organisaties/{organisation.id}"),
        ("POST", f"/beheer/organisaties/{organisation.id}"),
        ("GET", "/beheer/gemeenten"),
        ("GET", "/beheer/gemeenten/nieuw"),
        ("POST", "/beheer/gemeenten/nieuw"),
        ("GET", f"/beheer/gemeenten/{gemeente.id}"),
        ("GET", f"/beheer/gemeenten/{gemeente.id}/bewerken"),
        ("POST", f"/beheer/gemeenten/{gemeente.id}/bewerken"),
        ("POST", f"/beheer/gemeenten/{gemeente.id}/wijken"),
        ("GET", f"/beheer/gemeenten/{gemeente.id}/wijken/{wijk.id}"),
        ("POST", f"/beheer/gemeenten/{gemeente.id}/wijken/{wijk.id}"),
        ("GET", "/beheer/audit/"),
    ]


@pytest.mark.parametrize("role", ["coordinator", "partner", "analyst"])
def test_other_roles_are_refused_every_admin_page(make, login, session, role):
    gemeente = make.gemeente()
    client = login(make.user(role, gemeenten=[gemeente]))
    for method, url in admin_urls(make):
        data = {"name": "Indringer", "email": "x@example.nl", "password": "x" * 20, "type": "politie"}
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, url)
        assert "Geen toegang" in response.text
    assert session.scalar(select(User.id).where(User.email == "x@example.nl")) is None
    assert session.scalar(select(Organisation.id).where(Organisation.name == "Indringer")) is None
    assert session.scalar(select(Gemeente.id).where(Gemeente.name == "Indringer")) is None


def test_anonymous_visitors_are_sent_to_the_login_page(make, client):
    for method, url in admin_urls(make):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/inloggen" in response.headers["Location"]


def test_unknown_records_answer_404(as_admin, make):
    gemeente, other = make.gemeente(), make.gemeente()
    for url in ("/beheer/gebruikers/999999", "/beheer/organisaties/999999", "/beheer/gemeenten/999999",
                "/beheer/gemeenten/999999/bewerken", f"/beheer/gemeenten/{gemeente.id}/wijken/999999",
                # a wijk exists, but under another gemeente
                f"/beheer/gemeenten/{gemeente.id}/wijken/{other.wijken[0].id}"):
        response = as_admin.get(url)
        assert response.status_code == 404, url
        assert "Niet gevonden" in response.text


# --- Users -----------------------------------------------------------------------------------------------------

def test_user_list_filters_by_text_role_organisation_and_status(as_admin, make):
    politie = make.organisation("politie", name="Politie Hollands Midden")
    ggd = make.organisation("ggd", name="GGD Hollands Midden")
    make.user("partner", organisation=politie, email="wijkagent@politie.example")
    make.user("partner", organisation=ggd, email="verpleegkundige@ggd.example")
    make.user("coordinator", email="oud@lisse.example", active=False)

    everyone = as_admin.get("/beheer/gebruikers").text
    assert "wijkagent@politie.example" in everyone and "verpleegkundige@ggd.example" in everyone

    by_text = as_admin.get("/beheer/gebruikers?q=WIJKAGENT").text
    assert "wijkagent@politie.example" in by_text and "verpleegkundige@ggd.example" not in by_text

    by_organisation = as_admin.get(f"/beheer/gebruikers?organisation_id={ggd.id}").text
    assert "verpleegkundige@ggd.example" in by_organisation and "wijkagent@politie.example" not in by_organisation

    by_role = as_admin.get("/beheer/gebruikers?role=coordinator").text
    assert "oud@lisse.example" in by_role and "wijkagent@politie.example" not in by_role

    inactive = as_admin.get("/beheer/gebruikers?status=gedeactiveerd").text
    assert "oud@lisse.example" in inactive and "wijkagent@politie.example" not in inactive
    assert "Gedeactiveerd" in inactive

    nothing = as_admin.get("/beheer/gebruikers?q=niemand-heet-zo").text
    assert 'class="empty"' in nothing and "Geen gebruikers gevonden" in nothing


def test_user_list_text_search_treats_wildcards_literally(as_admin, make):
    make.user(email="a_b@example.nl")
    make.user(email="axb@example.nl")
    page = as_admin.get("/beheer/gebruikers?q=a_b").text
    assert "a_b@example.nl" in page and "axb@example.nl" not in page


def test_user_list_is_paginated(as_admin, make, app):
    organisation = make.organisation("politie", name="Paginapolitie")
    for number in range(app.config["PAGE_SIZE"] + 2):
        make.user("partner", organisation=organisation, email=f"agent{number:02d}@example.nl")
    first = as_admin.get(f"/beheer/gebruikers?organisation_id={organisation.id}").text
    assert "Pagina 1 van 2" in first
    assert f"organisation_id={organisation.id}" in first and "page=2" in first  # the filter survives paging
    second = as_admin.get(f"/beheer/gebruikers?organisation_id={organisation.id}&page=2").text
    assert "Pagina 2 van 2" in second
    assert "agent11@example.nl" in second and "agent00@example.nl" not in second


def test_invalid_filter_value_gets_a_dutch_message(as_admin):
    response = as_admin.get("/beheer/gebruikers?role=superuser")
    assert response.status_code == 200
    assert "Ongeldige keuze" in response.text
    assert "er is een fout in de zoekopdracht" in response.text


def user_data(**overrides):
    return {"name": "Fatima el Amrani", "email": "f.elamrani@lisse.example", "role": "coordinator",
            "password": "een lang genoeg wachtwoord", **overrides}


def test_admin_creates_a_user_who_can_log_in(as_admin, make, session, client):
    team = make.organisation("gemeente", name="Team Veiligheid HLT")
    lisse, hillegom = make.gemeente("Lisse"), make.gemeente("Hillegom")
    response = as_admin.post("/beheer/gebruikers/nieuw", data=user_data(
        email="  F.ElAmrani@Lisse.example ", organisation_id=team.id, gemeente_ids=[lisse.id, hillegom.id]))
    assert response.status_code == 302
    assert "Gebruiker Fatima el Amrani is aangemaakt." in as_admin.get(response.headers["Location"]).text

    user = find_user(session, "f.elamrani@lisse.example")
    assert (user.name, user.role, user.organisation_id, user.active) == (
        "Fatima el Amrani", "coordinator", team.id, True)
    assert {g.name for g in user.gemeenten} == {"Lisse", "Hillegom"}
    [entry] = audit_entries(session, "user", "create")
    assert entry.record_id == user.id and entry.role == "admin"

    client.post("/uitloggen")
    login = client.post("/inloggen", data={"email": "f.elamrani@lisse.example",
                                           "password": "een lang genoeg wachtwoord"})
    assert login.status_code == 302


def test_admin_users_need_no_gemeente(as_admin, make, session):
    team = make.organisation("gemeente")
    response = as_admin.post("/beheer/gebruikers/nieuw", data=user_data(role="admin", organisation_id=team.id))
    assert response.status_code == 302
    assert find_user(session, "f.elamrani@lisse.example").gemeenten == []


@pytest.mark.parametrize(("case", "message"), [
    ("duplicate e-mail", "Er is al een gebruiker met dit e-mailadres."),
    ("duplicate e-mail, other capitals", "Er is al een gebruiker met dit e-mailadres."),
    ("partner in gemeente organisation", "Een partnermedewerker hoort bij een partnerorganisatie"),
    ("coordinator at the police", "Een coördinator hoort bij het team van de gemeente."),
    ("short password", "Kies een wachtwoord van 12 tot 128 tekens."),
    ("no password", "Kies een wachtwoord."),
    ("no gemeente", "Kies ten minste één gemeente waarvoor deze gebruiker werkt."),
    ("invalid e-mail", "Vul een geldig e-mailadres in."),
    ("no name", "Vul de naam in."),
    ("unknown role", "Ongeldige keuze."),
    ("deactivated organisation", "Kies een organisatie."),
])
def test_user_form_refuses_bad_input_and_changes_nothing(as_admin, make, session, case, message):
    team = make.organisation("gemeente")
    politie = make.organisation("politie")
    lisse = make.gemeente()
    make.user(email="bestaand@lisse.example")
    gone = make.organisation("gemeente")
    gone.active = False
    session.commit()
    data = user_data(organisation_id=team.id, gemeente_ids=[lisse.id])
    data.update({
        "duplicate e-mail": {"email": "bestaand@lisse.example"},
        "duplicate e-mail, other capitals": {"email": "Bestaand@LISSE.example"},
        "partner in gemeente organisation": {"role": "partner"},
        "coordinator at the police": {"organisation_id": politie.id},
        "short password": {"password": "kort"},
        "no password": {"password": ""},
        "no gemeente": {"gemeente_ids": []},
        "invalid e-mail": {"email": "geen-adres"},
        "no name": {"name": "   "},
        "unknown role": {"role": "superuser"},
        "deactivated organisation": {"organisation_id": gone.id},
    }[case])
    users_before = session.scalars(select(User.id)).all()

    response = as_admin.post("/beheer/gebruikers/nieuw", data=data)

    assert response.status_code == 200
    assert "Controleer het formulier" in response.text
    assert message in response.text
    assert session.scalars(select(User.id)).all() == users_before
    assert audit_entries(session, "user", "create") == []


def test_new_user_form_offers_only_active_organisations(as_admin, make):
    make.organisation("politie", name="Actieve politie")
    gone = make.organisation("politie", name="Opgeheven politie")
    gone.active = False
    make.session.commit()
    page = as_admin.get("/beheer/gebruikers/nieuw").text
    assert "Actieve politie" in page and "Opgeheven politie" not in page
    assert 'name="password"' in page and 'name="active"' not in page  # new users are active


def test_admin_edits_a_user(as_admin, make, session):
    politie = make.organisation("politie", name="Politie Hollands Midden")
    ggd = make.organisation("ggd", name="GGD Hollands Midden")
    lisse, teylingen = make.gemeente("Lisse"), make.gemeente("Teylingen")
    user = make.user("partner", organisation=politie, gemeenten=[lisse], email="agent@politie.example")

    form = as_admin.get(f"/beheer/gebruikers/{user.id}").text
    assert 'value="agent@politie.example"' in form and "Nieuw wachtwoord" in form

    response = as_admin.post(f"/beheer/gebruikers/{user.id}", data={
        "name": "Sanne de Vries", "email": "sanne@ggd.example", "role": "partner", "organisation_id": ggd.id,
        "gemeente_ids": [lisse.id, teylingen.id], "active": "y", "password": ""})
    assert response.status_code == 302

    session.refresh(user)
    assert (user.name, user.email, user.organisation_id) == ("Sanne de Vries", "sanne@ggd.example", ggd.id)
    assert {g.name for g in user.gemeenten} == {"Lisse", "Teylingen"}
    [entry] = audit_entries(session, "user", "update")
    assert entry.record_id == user.id
    assert entry.detail == "changed: email, name, organisation, gemeenten"


def edit_data(user, **overrides):
    return {"name": user.name, "email": user.email, "role": user.role, "organisation_id": user.organisation_id,
            "gemeente_ids": user.gemeente_ids, "active": "y", "password": "", **overrides}


def test_deactivated_user_cannot_log_in_until_reactivated(as_admin, make, session, client, admin, login):
    user = make.user("coordinator", gemeenten=[make.gemeente()])
    data = edit_data(user)
    del data["active"]  # an unticked checkbox is not sent

    assert as_admin.post(f"/beheer/gebruikers/{user.id}", data=data).status_code == 302
    session.refresh(user)
    assert user.active is False
    assert "Gedeactiveerd" in as_admin.get("/beheer/gebruikers").text
    client.post("/uitloggen")
    assert client.post("/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 200

    login(admin).post(f"/beheer/gebruikers/{user.id}", data=edit_data(user))
    session.refresh(user)
    assert user.active is True
    details = [entry.detail for entry in audit_entries(session, "user", "update")]
    assert details == ["changed: active=False", "changed: active=True"]


def test_admin_sets_a_new_password(as_admin, make, session, client):
    user = make.user("coordinator", gemeenten=[make.gemeente()])
    short = as_admin.post(f"/beheer/gebruikers/{user.id}", data=edit_data(user, password="kort"))
    assert "Kies een wachtwoord van 12 tot 128 tekens." in short.text

    response = as_admin.post(f"/beheer/gebruikers/{user.id}", data=edit_data(user, password="nieuw en lang genoeg"))
    assert response.status_code == 302
    [entry] = audit_entries(session, "user", "update")
    assert entry.detail == "changed: password reset"
    client.post("/uitloggen")
    assert client.post("/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 200
    assert client.post("/inloggen", data={"email": user.email, "password": "nieuw en lang genoeg"}).status_code == 302


def test_editing_keeps_own_email_but_refuses_another_users(as_admin, make, session):
    make.user(email="bezet@example.nl")
    user = make.user("coordinator", gemeenten=[make.gemeente()], email="eigen@example.nl")
    same = as_admin.post(f"/beheer/gebruikers/{user.id}", data=edit_data(user, email="EIGEN@example.nl"))
    assert same.status_code == 302

    taken = as_admin.post(f"/beheer/gebruikers/{user.id}", data=edit_data(user, email="bezet@example.nl"))
    assert "Er is al een gebruiker met dit e-mailadres." in taken.text
    session.refresh(user)
    assert user.email == "eigen@example.nl"


@pytest.mark.parametrize(("change", "message"), [
    ({"active": None}, "U kunt uw eigen account niet deactiveren."),
    ({"role": "coordinator"}, "U kunt uw eigen rol van functioneel beheerder niet intrekken."),
])
def test_admin_cannot_lock_themselves_out(as_admin, admin, session, change, message):
    data = edit_data(admin, **change)
    data = {key: value for key, value in data.items() if value is not None}
    response = as_admin.post(f"/beheer/gebruikers/{admin.id}", data=data)
    assert response.status_code == 200
    assert message in response.text
    session.refresh(admin)
    assert (admin.active, admin.role) == (True, "admin")
    assert audit_entries(session, "user", "update") == []


def test_admin_can_edit_their_own_name(as_admin, admin, session):
    response = as_admin.post(f"/beheer/gebruikers/{admin.id}", data=edit_data(admin, name="Beheerder Lisse"))
    assert response.status_code == 302
    session.refresh(admin)
    assert admin.name == "Beheerder Lisse"


# --- Organisations ---------------------------------------------------------------------------------------------

def test_admin_creates_and_lists_organisations(as_admin, session):
    response = as_admin.post("/beheer/organisaties/nieuw", data={"name": " GGZ Rivierduinen ", "type": "ggz"})
    assert response.status_code == 302
    organisation = session.scalar(select(Organisation).where(Organisation.name == "GGZ Rivierduinen"))
    assert (organisation.type, organisation.active) == ("ggz", True)
    [entry] = audit_entries(session, "organisation", "create")
    assert entry.record_id == organisation.id

    listing = as_admin.get("/beheer/organisaties").text
    assert "GGZ Rivierduinen" in listing and "GGZ</td>" in listing
    assert "GGZ Rivierduinen" not in as_admin.get("/beheer/organisaties?type=politie").text


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "ggz rivierduinen", "type": "ggz"}, "Er is al een organisatie met deze naam."),
    ({"name": "", "type": "ggz"}, "Vul de naam van de organisatie in."),
    ({"name": "Nieuwe partner", "type": "geheime_dienst"}, "Ongeldige keuze."),
    ({"name": "x" * 151, "type": "ggz"}, "Gebruik ten hoogste 150 tekens."),
])
def test_organisation_form_refuses_bad_input(as_admin, make, session, data, message):
    make.organisation("ggz", name="GGZ Rivierduinen")
    count = len(session.scalars(select(Organisation.id)).all())
    response = as_admin.post("/beheer/organisaties/nieuw", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert len(session.scalars(select(Organisation.id)).all()) == count


def test_admin_renames_and_deactivates_an_organisation(as_admin, make, session):
    organisation = make.organisation("woningcorporatie", name="Stek")
    make.organisation("politie", name="Politie")
    assert 'value="Stek"' in as_admin.get(f"/beheer/organisaties/{organisation.id}").text

    taken = as_admin.post(f"/beheer/organisaties/{organisation.id}", data={"name": "politie", "type": "politie"})
    assert "Er is al een organisatie met deze naam." in taken.text

    response = as_admin.post(f"/beheer/organisaties/{organisation.id}",
                             data={"name": "Stek Wonen", "type": "woningcorporatie"})
    assert response.status_code == 302
    session.refresh(organisation)
    assert (organisation.name, organisation.active) == ("Stek Wonen", False)
    [entry] = audit_entries(session, "organisation", "update")
    assert entry.detail == "changed: name, active=False"
    assert "Stek Wonen" in as_admin.get("/beheer/organisaties?status=gedeactiveerd").text
    assert "Stek Wonen" not in as_admin.get("/beheer/organisaties?status=actief").text


def test_organisations_cannot_be_deleted(app):
    methods = {method for rule in app.url_map.iter_rules() if rule.endpoint.startswith("organisations.")
               for method in rule.methods}
    assert "DELETE" not in methods


# --- Gemeenten and wijken --------------------------------------------------------------------------------------

def test_admin_creates_a_gemeente_with_cbs_code(as_admin, session):
    response = as_admin.post("/beheer/gemeenten/nieuw", data={"name": "Lisse", "cbs_code": " gm0553 "})
    gemeente = session.scalar(select(Gemeente).where(Gemeente.name == "Lisse"))
    assert response.headers["Location"].endswith(f"/beheer/gemeenten/{gemeente.id}")
    assert gemeente.cbs_code == "GM0553"
    [entry] = audit_entries(session, "gemeente", "create")
    assert entry.record_id == gemeente.id

    page = as_admin.get(f"/beheer/gemeenten/{gemeente.id}").text
    assert "GM0553" in page and "Deze gemeente heeft nog geen wijken." in page
    listing = as_admin.get("/beheer/gemeenten?q=gm05").text
    assert "Lisse" in listing and "GM0553" in listing


def test_cbs_code_is_optional(as_admin, session):
    as_admin.post("/beheer/gemeenten/nieuw", data={"name": "Teylingen", "cbs_code": ""})
    as_admin.post("/beheer/gemeenten/nieuw", data={"name": "Hillegom", "cbs_code": ""})
    codes = session.scalars(select(Gemeente.cbs_code).where(Gemeente.name.in_(["Teylingen", "Hillegom"]))).all()
    assert codes == [None, None]


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "lisse", "cbs_code": ""}, "Er is al een gemeente met deze naam."),
    ({"name": "Hillegom", "cbs_code": "GM0553"}, "Deze CBS-gemeentecode hoort al bij een andere gemeente."),
    ({"name": "Hillegom", "cbs_code": "0534"}, "Een CBS-gemeentecode is GM gevolgd door vier cijfers"),
    ({"name": "Hillegom", "cbs_code": "GM534"}, "Een CBS-gemeentecode is GM gevolgd door vier cijfers"),
    ({"name": "Hillegom", "cbs_code": "GM05345"}, "Een CBS-gemeentecode is GM gevolgd door vier cijfers"),
    ({"name": "Hillegom", "cbs_code": "GMABCD"}, "Een CBS-gemeentecode is GM gevolgd door vier cijfers"),
    ({"name": "", "cbs_code": ""}, "Vul de naam van de gemeente in."),
])
def test_gemeente_form_refuses_bad_input(as_admin, session, data, message):
    as_admin.post("/beheer/gemeenten/nieuw", data={"name": "Lisse", "cbs_code": "GM0553"})
    response = as_admin.post("/beheer/gemeenten/nieuw", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert session.scalars(select(Gemeente.name)).all() == ["Lisse"]


def test_admin_edits_a_gemeente(as_admin, make, session):
    gemeente = make.gemeente("Lise")
    make.gemeente("Hillegom")
    assert as_admin.post(f"/beheer/gemeenten/{gemeente.id}/bewerken",
                         data={"name": "Hillegom", "cbs_code": ""}).status_code == 200
    response = as_admin.post(f"/beheer/gemeenten/{gemeente.id}/bewerken", data={"name": "Lisse", "cbs_code": "GM0553"})
    assert response.status_code == 302
    session.refresh(gemeente)
    assert (gemeente.name, gemeente.cbs_code) == ("Lisse", "GM0553")
    [entry] = audit_entries(session, "gemeente", "update")
    assert entry.detail == "changed: name, cbs_code"


def test_admin_records_whether_the_apv_has_the_151d_duty_of_care(as_admin, session):
    created = as_admin.post("/beheer/gemeenten/nieuw", data={"name": "Lisse", "cbs_code": "", "apv_151d": "y"})
    lisse = session.scalar(select(Gemeente).where(Gemeente.name == "Lisse"))
    assert created.status_code == 302 and lisse.apv_151d is True
    page = as_admin.get(f"/beheer/gemeenten/{lisse.id}").text
    assert "APV bevat de zorgplicht voor woonoverlast (art. 151d Gemeentewet)" in page
    form = as_admin.get(f"/beheer/gemeenten/{lisse.id}/bewerken").text
    assert re.search(r'<input[^>]*\bchecked\b[^>]*id="apv_151d"', form)

    as_admin.post(f"/beheer/gemeenten/{lisse.id}/bewerken", data={"name": "Lisse", "cbs_code": ""})
    session.refresh(lisse)
    assert lisse.apv_151d is False
    [entry] = audit_entries(session, "gemeente", "update")
    assert entry.detail == "changed: apv_151d=False"
    assert "Nee: een gedragsaanwijzing is hier niet mogelijk" in as_admin.get(f"/beheer/gemeenten/{lisse.id}").text


def test_admin_adds_wijken_unique_within_their_gemeente(as_admin, make, session):
    lisse = make.gemeente("Lisse", wijken=["Centrum"])
    make.gemeente("Hillegom", wijken=["Elsbroek"])

    response = as_admin.post(f"/beheer/gemeenten/{lisse.id}/wijken", data={"name": "Elsbroek"})
    assert response.status_code == 302  # the same name is fine in another gemeente
    duplicate = as_admin.post(f"/beheer/gemeenten/{lisse.id}/wijken", data={"name": "centrum"})
    assert duplicate.status_code == 200
    assert "Deze gemeente heeft al een wijk met deze naam." in duplicate.text
    empty = as_admin.post(f"/beheer/gemeenten/{lisse.id}/wijken", data={"name": " "})
    assert "Vul de naam van de wijk in." in empty.text

    names = session.scalars(select(Wijk.name).where(Wijk.gemeente_id == lisse.id).order_by(Wijk.name)).all()
    assert names == ["Centrum", "Elsbroek"]
    [entry] = audit_entries(session, "wijk", "create")
    assert entry.detail == f"gemeente {lisse.id}"
    page = as_admin.get(f"/beheer/gemeenten/{lisse.id}").text
    assert "<th scope=\"row\">Elsbroek</th>" in page


def test_admin_renames_a_wijk(as_admin, make, session):
    lisse = make.gemeente("Lisse", wijken=["Centrum", "Noord"])
    noord = next(wijk for wijk in lisse.wijken if wijk.name == "Noord")
    url = f"/beheer/gemeenten/{lisse.id}/wijken/{noord.id}"
    assert 'value="Noord"' in as_admin.get(url).text

    taken = as_admin.post(url, data={"name": "CENTRUM"})
    assert "Deze gemeente heeft al een wijk met deze naam." in taken.text
    assert as_admin.post(url, data={"name": "noord"}).status_code == 302  # its own name, differently spelled

    assert as_admin.post(url, data={"name": "Lisse-Noord"}).status_code == 302
    session.refresh(noord)
    assert noord.name == "Lisse-Noord"
    details = [entry.detail for entry in audit_entries(session, "wijk", "update")]
    assert details == ["changed: name", "changed: name"]
