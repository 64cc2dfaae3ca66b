"""Telling users what became theirs: rows in the same transaction, e-mail only after the commit.

Texts name a case by its reference and an intervention by its type, never a person; an e-mail carries
no text of its own at all, only a link to the notifications page.
"""

from flask import current_app
from flask_mailman import EmailMessage
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from caseapp import db
from caseapp.access import CASEWORK_ROLES, case_scope
from caseapp.accounts.models import User
from caseapp.audit.operations import utcnow
from caseapp.cases.models import Case
from caseapp.notifications.models import Notification

MAIL_SUBJECT = "Nieuwe notificatie in Zorg en Veiligheid"
MAIL_BODY = "Er staat een nieuwe notificatie voor u klaar. Bekijk die na inloggen:\n\n{url}\n"


def notify(users, text, link, *, actor=None, case_id=None, now=None):
    """A notification for each active user (never the actor themselves), e-mailed after the commit; how many.

    With `case_id`, only users who may see that case are told: nobody learns of a case they cannot open.
    """
    session = db.session()
    now = now or utcnow()
    made = 0
    for user in {u.id: u for u in users}.values():
        if not user.active or (actor is not None and user.id == actor.id):
            continue
        if case_id is not None and session.scalar(select(Case.id).where(Case.id == case_id, case_scope(user))) is None:
            continue
        session.add(Notification(user_id=user.id, text=text[:300], link=link, created_at=now))
        session.info.setdefault("outbox", []).append(user.email)
        made += 1
    return made


def organisation_users(*organisation_ids):
    """The active coordinators and partner users of these organisations.

    Analysts and admins do no casework: they have no notifications page, so nothing is made for them.
    """
    return db.session().scalars(select(User).where(
        User.organisation_id.in_(organisation_ids), User.active, User.role.in_(CASEWORK_ROLES))).all()


def case_link(case_id):
    return f"/casussen/{case_id}"


def intervention_link(intervention_id):
    return f"/interventies/{intervention_id}"


def notify_transition(actor, subject, transition, from_status, now):
    """After a fired transition: a step given to a partner, or a partner's report back to the coordinator."""
    from caseapp.interventions.models import Intervention

    if not isinstance(subject, Intervention):
        return
    case = subject.case
    if from_status is None and subject.owner_organisation_id and subject.owner_organisation_id != actor.organisation_id:
        notify(organisation_users(subject.owner_organisation_id),
               f"Casus {case.reference}: ‘{subject.type_label}’ is aan uw organisatie toegewezen.",
               intervention_link(subject.id), actor=actor, case_id=case.id, now=now)
    elif from_status is not None and actor.role == "partner" and case.coordinator is not None:
        notify([case.coordinator], f"Casus {case.reference}: {actor.organisation.name} heeft "
               f"‘{transition.label.lower()}’ gedaan bij ‘{subject.type_label}’.", intervention_link(subject.id),
               actor=actor, case_id=case.id, now=now)


def notify_case_assignment(actor, case, *, coordinator=None, organisation=None):
    """A case newly given to a coordinator, or a partner organisation newly assigned to it."""
    if coordinator is not None:
        notify([coordinator], f"Casus {case.reference} is aan u toegewezen als coördinator.", case_link(case.id),
               actor=actor, case_id=case.id)
    if organisation is not None:
        notify(organisation_users(organisation.id),
               f"Casus {case.reference} is aan uw organisatie toegewezen.", case_link(case.id), actor=actor,
               case_id=case.id)


def unread_count(user):
    """How many of the user's notifications are unread: one COUNT on the (user_id, read_at) index."""
    return db.session().scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def notifications_of(user):
    """The user's own notifications, newest first."""
    return (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def newest_notification_id(user):
    return db.session().scalar(select(func.max(Notification.id)).where(Notification.user_id == user.id))


def read_notification(user, notification_id, now):
    """The user's notification, marked read; None when it is not theirs (or does not exist)."""
    notification = db.session().scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id))
    if notification is not None and notification.read_at is None:
        notification.read_at = now
    return notification


def mark_all_read(user, up_to_id, now):
    """Mark read the user's unread notifications up to `up_to_id`, the newest the list showed: one that
    arrived after the user looked stays unread. Returns how many were marked."""
    return db.session().execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None), Notification.id <= up_to_id)
        .values(read_at=now)
    ).rowcount


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
