"""Telling users what became theirs: rows in the same transaction, e-mail only after the commit.

Texts name a case by its reference and an intervention by its type, never a person; an e-mail carries
no text of its own at all, only a link to the notifications page.
"""

from flask import current_app
from flask_mailman import EmailMessage
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from caseapp import db
from caseapp.accounts.models import User
from caseapp.audit.operations import utcnow
from caseapp.notifications.models import Notification

MAIL_SUBJECT = "Nieuwe notificatie in Zorg en Veiligheid"
MAIL_BODY = "Er staat een nieuwe notificatie voor u klaar. Bekijk die na inloggen:\n\n{url}\n"


def notify(users, text, link, *, actor=None):
    """A notification for each active user (never the actor themselves), e-mailed after the commit."""
    session = db.session()
    now = utcnow()
    for user in {u.id: u for u in users}.values():
        if not user.active or (actor is not None and user.id == actor.id):
            continue
        session.add(Notification(user_id=user.id, text=text[:300], link=link, created_at=now))
        session.info.setdefault("outbox", []).append(user.email)


def organisation_users(organisation_id):
    return db.session().scalars(select(User).where(User.organisation_id == organisation_id, User.active)).all()


def case_link(case_id):
    return f"/casussen/{case_id}"


def intervention_link(intervention_id):
    return f"/interventies/{intervention_id}"


def notify_transition(actor, subject, transition, from_status):
    """After a fired transition: a step given to a partner, or a partner's report back to the coordinator."""
    from caseapp.interventions.models import Intervention

    if not isinstance(subject, Intervention):
        return
    case = subject.case
    if from_status is None and subject.owner_organisation_id and subject.owner_organisation_id != actor.organisation_id:
        notify(organisation_users(subject.owner_organisation_id),
               f"Casus {case.reference}: ‘{subject.type_label}’ is aan uw organisatie toegewezen.",
               intervention_link(subject.id), actor=actor)
    elif from_status is not None and actor.role == "partner" and case.coordinator is not None:
        notify([case.coordinator], f"Casus {case.reference}: {actor.organisation.name} heeft "
               f"‘{transition.label.lower()}’ gedaan bij ‘{subject.type_label}’.", intervention_link(subject.id),
               actor=actor)


def notify_case_assignment(actor, case, *, coordinator=None, organisation=None):
    """A case newly given to a coordinator, or a partner organisation newly assigned to it."""
    if coordinator is not None:
        notify([coordinator], f"Casus {case.reference} is aan u toegewezen als coördinator.", case_link(case.id),
               actor=actor)
    if organisation is not None:
        notify(organisation_users(organisation.id),
               f"Casus {case.reference} is aan uw organisatie toegewezen.", case_link(case.id), actor=actor)


@event.listens_for(Session, "after_commit")
def _send_outbox(session):
    outbox = session.info.pop("outbox", None)
    if not outbox or not current_app:
        return
    url = current_app.config["BASE_URL"].rstrip("/") + "/notificaties"
    for address in dict.fromkeys(outbox):
        try:
            EmailMessage(MAIL_SUBJECT, MAIL_BODY.format(url=url), to=[address]).send()
        except OSError:  # the notification itself is saved; a mail server being down must not fail the request
            current_app.logger.warning("notification e-mail could not be sent")


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session):
    session.info.pop("outbox", None)
