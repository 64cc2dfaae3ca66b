"""Factories for test data: each call adds one record with sensible defaults and commits it."""

import hashlib
import itertools
import secrets
from datetime import UTC, date

import pyotp
from sqlalchemy import select

from caseapp.accounts import operations as accounts_operations
from caseapp.accounts.operations import hash_password
from caseapp.audit.operations import utcnow
from caseapp.documents.storage import path_of
from caseapp.models import (
    ApiToken,
    AuditEntry,
    Case,
    CaseLeefgebied,
    CasePartner,
    CasePerson,
    Conference,
    ConferenceItem,
    Document,
    Gemeente,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Intervention,
    Melding,
    MeldingPerson,
    Note,
    Organisation,
    Person,
    PlanAction,
    PlanGoal,
    User,
    Wijk,
)

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # every factory user's second factor, unless made without one
_counter = itertools.count(1)


def totp_code(secret=TOTP_SECRET, steps=0, at=None):
    """The code of `secret` for the time step `steps` away from `at` (naive UTC), by default now by the clock the
    login code uses (which tests may have stopped: see the `clock` fixture)."""
    at = at or accounts_operations.utcnow()
    return pyotp.TOTP(secret).at(at.replace(tzinfo=UTC), counter_offset=steps)


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

    def user(self, role="coordinator", organisation=None, gemeenten=(), email=None, active=True, second_factor=True):
        """A user enrolled with TOTP_SECRET (or, with `second_factor=False`, one who enrols at the next login)."""
        if organisation is None:
            organisation = self.organisation("gemeente" if role in ("coordinator", "analyst", "admin") else "politie")
        number = next(_counter)
        now = utcnow()
        return self._add(User(
            email=email or f"{role}{number}@example.nl",
            name=f"{role.title()} {number}",
            password_hash=_PASSWORD_HASH,
            role=role,
            organisation=organisation,
            gemeenten=list(gemeenten),
            active=active,
            created_at=now,
            totp_secret=TOTP_SECRET if second_factor else None,
            totp_enrolled_at=now if second_factor else None,
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

    def melding(self, gemeente, registered_by, *, persons=(), **fields):
        """An untriaged melding (pass triage_status, triaged_at and the rest to arrange a triaged one)."""
        defaults = {
            "kind": "melding",
            "source": "inwoner",
            "category": "woonoverlast",
            "address": f"Heereweg {next(_counter)}, Lisse",
            "description": "Buren melden harde muziek tot diep in de nacht.",
            "received_on": date.today(),
            "triage_status": "nieuw",
            "triage_reason": "",
        }
        melding = Melding(gemeente=gemeente, registered_by=registered_by, registered_at=utcnow(),
                          **{**defaults, **fields})
        melding.persons = [MeldingPerson(person=person, role=role, added_at=utcnow()) for person, role in persons]
        return self._add(melding)

    def plan_goal(self, case, leefgebied="schulden", description="Schulden in beeld en een betalingsregeling.",
                  status="open"):
        now = utcnow()
        return self._add(PlanGoal(case=case, leefgebied=leefgebied, description=description, status=status,
                                  created_at=now, updated_at=now))

    def plan_action(self, case, owner, *, due_on=None, status="open", description="Huisbezoek afleggen.", report="",
                    goal=None, conference_item=None):
        """An action of the plan van aanpak; `owner` is a User (coordinator) or an Organisation."""
        now = utcnow()
        by_user = isinstance(owner, User)
        return self._add(PlanAction(
            case=case, goal=goal, description=description, due_on=due_on or date.today(), status=status,
            report=report or ("Gedaan." if status == "gereed" else ""), closed_at=None if status == "open" else now,
            owner_user=owner if by_user else None, owner_organisation=None if by_user else owner,
            conference_item=conference_item, created_at=now, updated_at=now))

    def conference(self, gemeenten, chair, organisations=(), *, starts_at=None, kind="casusoverleg",
                   location="Gemeentehuis Lisse, kamer 2.14"):
        now = utcnow()
        return self._add(Conference(kind=kind, starts_at=starts_at or now, location=location, chair=chair,
                                    gemeenten=list(gemeenten), organisations=list(organisations), created_at=now,
                                    updated_at=now))

    def conference_item(self, conference, case, *, decisions="", present=()):
        """An agenda item; with `decisions`, recorded (present: the organisations that were there)."""
        recorded = utcnow() if decisions else None
        position = len(conference.items) + 1
        return self._add(ConferenceItem(conference=conference, case=case, position=position, added_at=utcnow(),
                                        decisions=decisions, recorded_at=recorded,
                                        present_organisations=list(present)))

    def document(self, case, uploader, *, content=b"%PDF-1.4\n%%EOF\n", folder=None, **fields):
        """A document on `case`; with `folder` (the app's DOCUMENT_STORAGE), its file is written there too."""
        key = secrets.token_hex(16)
        if folder is not None:
            path = path_of(key, folder)
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(content)
        defaults = {"title": "Verslag huisbezoek", "filename": "verslag.pdf", "content_type": "application/pdf",
                    "visibility": "intern", "kind": "upload", "note": ""}
        return self._add(Document(case=case, uploaded_by=uploader, organisation_id=uploader.organisation_id,
                                  size=len(content), sha256=hashlib.sha256(content).hexdigest(), storage_key=key,
                                  created_at=utcnow(), **{**defaults, **fields}))

    def intervention(self, case, type, status, **fields):
        """An intervention put straight into `status` (arrangement only: in the app, only the engine sets it)."""
        now = utcnow()
        return self._add(Intervention(case=case, type=type, status=status, created_at=now, updated_at=now,
                                      **fields))

    def api_token(self, user, created_by, name="Power BI team veiligheid", **fields):
        """An API token for `user` (an analyst): the record, and the token itself, of which only the hash is kept."""
        token = f"cak_{secrets.token_urlsafe(32)}"
        api_token = self._add(ApiToken(user=user, name=name, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                                       prefix=token[:12], created_at=utcnow(), created_by=created_by, **fields))
        return api_token, token

    def indicator_goals(self, gemeente, key="meldingen_woonoverlast", year=2023, comparison="<", value=80):
        """A nulmeting and a streefwaarde of a counted indicator in `gemeente`."""
        indicator = self.session.scalar(select(Indicator).where(Indicator.key == key))
        self.session.add(IndicatorBaseline(indicator_id=indicator.id, gemeente_id=gemeente.id, year=year - 5,
                                           set_at=utcnow()))
        self.session.add(IndicatorTarget(indicator_id=indicator.id, gemeente_id=gemeente.id, year=year,
                                         comparison=comparison, value=value, set_at=utcnow()))
        self.session.commit()
        return indicator

    def imported_indicator(self, name="Woninginbraken", source="Politie"):
        """An imported series, as an import makes it, without values."""
        return self._add(Indicator(key=f"import_{next(_counter)}", name=name, definition=f"Zoals aangeleverd: {name}.",
                                   unit="aantal", source=source, kind="import", theme="extern", better="lager"))

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
