"""Factories for test data: each call adds one record with sensible defaults and commits it."""

import itertools
from datetime import date

from caseapp.accounts.operations import hash_password
from caseapp.audit.operations import utcnow
from caseapp.models import (
    AuditEntry,
    Case,
    CaseLeefgebied,
    CasePartner,
    CasePerson,
    Gemeente,
    Intervention,
    Note,
    Organisation,
    Person,
    User,
    Wijk,
)

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)
_counter = itertools.count(1)


class Factory:
    def __init__(self, session):
        self.session = session

    def _add(self, obj):
        self.session.add(obj)
        self.session.commit()
        return obj

    def gemeente(self, name=None, wijken=("Centrum", "Noord")):
        gemeente = Gemeente(name=name or f"Gemeente {next(_counter)}")
        gemeente.wijken = [Wijk(name=wijk) for wijk in wijken]
        return self._add(gemeente)

    def organisation(self, type="gemeente", name=None):
        return self._add(Organisation(name=name or f"{type} {next(_counter)}", type=type))

    def user(self, role="coordinator", organisation=None, gemeenten=(), email=None, active=True):
        if organisation is None:
            organisation = self.organisation("gemeente" if role in ("coordinator", "analyst", "admin") else "politie")
        number = next(_counter)
        return self._add(User(
            email=email or f"{role}{number}@example.nl",
            name=f"{role.title()} {number}",
            password_hash=_PASSWORD_HASH,
            role=role,
            organisation=organisation,
            gemeenten=list(gemeenten),
            active=active,
            created_at=utcnow(),
        ))

    def person(self, first_name="Jan", last_name=None, date_of_birth=date(1980, 5, 17), **fields):
        return self._add(Person(
            first_name=first_name,
            last_name=last_name or f"Jansen{next(_counter)}",
            date_of_birth=date_of_birth,
            created_at=utcnow(),
            **fields,
        ))

    def case(self, gemeente, *, persons=(), partners=(), coordinator=None, **fields):
        now = utcnow()
        defaults = {
            "type": "woonoverlast",
            "status": "aangemeld",
            "wijk": gemeente.wijken[0] if gemeente.wijken else None,
            "address": f"Dorpsstraat {next(_counter)}, Lisse",
            "description": "Geluidsoverlast en intimidatie van buren.",
            "risk_level": "midden",
            "opened_on": date.today(),
        }
        if fields.get("status") == "afgesloten":
            defaults["result"] = "opgelost"
        case = Case(gemeente=gemeente, coordinator=coordinator, created_at=now, updated_at=now,
                    **{**defaults, **fields})
        case.leefgebieden = [CaseLeefgebied(leefgebied="schulden")]
        case.persons = [CasePerson(person=person, role=role, added_at=now) for person, role in persons]
        case.partners = [CasePartner(organisation=organisation, assigned_at=now) for organisation in partners]
        return self._add(case)

    def note(self, case, author, body="Huisbezoek afgelegd.", visibility="partners"):
        return self._add(Note(case=case, author=author, organisation=author.organisation, body=body,
                              visibility=visibility, created_at=utcnow()))

    def intervention(self, case, type, status, **fields):
        """An intervention put straight into `status` (arrangement only: in the app, only the engine sets it)."""
        now = utcnow()
        return self._add(Intervention(case=case, type=type, status=status, created_at=now, updated_at=now,
                                      **fields))

    def audit_entry(self, user=None, action="view", at=None, **fields):
        """An audit entry as `record()` would write it, at a chosen time (naive UTC)."""
        return self._add(AuditEntry(
            at=at or utcnow(),
            user_id=user.id if user else None,
            organisation_id=user.organisation_id if user else None,
            role=user.role if user else "",
            action=action,
            **fields,
        ))
