"""Passwords: 12 to 128 characters, not easily guessed (zxcvbn), wherever one is set; Argon2id rehashed on login."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from caseapp.models import AuditEntry, User
from tests.factories import PASSWORD

STRONG = "fietsbel paraplu wolkenkrabber"
TOO_EASY = "Dit wachtwoord is te makkelijk te raden"
LENGTH = "Kies een wachtwoord van 12 tot 128 tekens."

REFUSED = [
    ("kort wachtw", LENGTH),  # 11
    (("fietsbel paraplu wolkenkrabber " * 5)[:128] + "x", LENGTH),  # 129
    ("welkom12345678", TOO_EASY),
    ("wachtwoord123", TOO_EASY),
    ("qwertyuiop1234", TOO_EASY),
    ("aaaaaaaaaaaaaaaa", TOO_EASY),
    ("f.elamrani@lisse.example", "het bevat uw naam of e-mailadres"),  # strong for anyone else
]
ACCEPTED = [STRONG, "correct horse battery staple", ("fietsbel paraplu wolkenkrabber " * 5)[:128]]


def new_user_data(make, password):
    return {"name": "Fatima el Amrani", "email": "f.elamrani@lisse.example", "role": "admin",
            "organisation_id": make.organisation("gemeente").id, "password": password}


def find_user(session, email):
    return session.scalar(select(User).where(User.email == email))


@pytest.mark.parametrize(("password", "message"), REFUSED)
def test_new_user_form_refuses_a_weak_password_with_a_field_message(as_admin, make, session, password, message):
    response = as_admin.post("/beheer/gebruikers/nieuw", data=new_user_data(make, password))
    assert response.status_code == 200
    assert "Controleer het formulier" in response.text and message in response.text
    assert find_user(session, "f.elamrani@lisse.example") is None


@pytest.mark.parametrize("password", ACCEPTED)
def test_new_user_form_accepts_a_strong_password(as_admin, make, session, client, password):
    response = as_admin.post("/beheer/gebruikers/nieuw", data=new_user_data(make, password))
    assert response.status_code == 302
    assert find_user(session, "f.elamrani@lisse.example") is not None
    client.post("/uitloggen")
    assert client.post("/inloggen", data={"email": "f.elamrani@lisse.example", "password": password}).status_code == 302


def test_the_check_uses_the_name_and_e_mail_in_the_form(as_admin, make):
    user_data = {**new_user_data(make, "f.elamrani@lisse.example"), "email": "beheer@lisse.example"}
    assert as_admin.post("/beheer/gebruikers/nieuw", data=user_data).status_code == 302


@pytest.mark.parametrize(("password", "message"), REFUSED[:4])
def test_password_reset_refuses_a_weak_password(as_admin, make, session, password, message):
    user = make.user()
    old_hash = user.password_hash
    response = as_admin.post(f"/beheer/gebruikers/{user.id}", data={
        "name": user.name, "email": user.email, "role": user.role, "organisation_id": user.organisation_id,
        "active": "y", "password": password})
    assert response.status_code == 200 and message in response.text
    session.refresh(user)
    assert user.password_hash == old_hash


def create_user_command(app, password):
    return app.test_cli_runner().invoke(
        args=["create-user", "--email", "beheer@lisse.example", "--name", "Eerste Beheerder",
              "--organisation", "Team Zorg en Veiligheid"],
        input=f"{password}\n{password}\n",
    )


@pytest.mark.parametrize(("password", "message"), [*REFUSED[:4], ("beheer@lisse.example", TOO_EASY)])
def test_create_user_command_refuses_a_weak_password(app, session, password, message):
    result = create_user_command(app, password)
    assert result.exit_code != 0 and message in result.output
    assert find_user(session, "beheer@lisse.example") is None


def test_create_user_command_accepts_a_strong_password(app, session):
    assert create_user_command(app, STRONG).exit_code == 0
    assert find_user(session, "beheer@lisse.example") is not None


def test_a_hash_with_old_parameters_is_rehashed_on_login(make, session, client):
    user = make.user()
    current, weaker = PasswordHasher(), PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    user.password_hash = weaker.hash(PASSWORD)
    session.commit()
    assert current.check_needs_rehash(user.password_hash)

    assert client.post("/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 302
    session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")
    assert not current.check_needs_rehash(user.password_hash)
    assert current.verify(user.password_hash, PASSWORD)
    assert session.scalar(select(AuditEntry.outcome).where(AuditEntry.action == "login")) == "allowed"
