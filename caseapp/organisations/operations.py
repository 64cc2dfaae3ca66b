"""Organisations, gemeenten and their wijken: configuration kept by the functioneel beheerder."""

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.audit.operations import apply_changes, change_detail, record
from caseapp.organisations.models import Gemeente, Organisation, Wijk


def all_organisations():
    return db.session().scalars(select(Organisation).order_by(Organisation.name)).all()


def selectable_organisations(current=None):
    """Organisations a user can be placed in: the active ones, and `current` even if it is no longer active."""
    condition = Organisation.active.is_(True)
    if current is not None:
        condition = or_(condition, Organisation.id == current.id)
    return db.session().scalars(select(Organisation).where(condition).order_by(Organisation.name)).all()


def all_gemeenten():
    return db.session().scalars(select(Gemeente).order_by(Gemeente.name)).all()


def search_organisations(*, q=None, type=None, status=None):
    """Organisations matching every given criterion, by name."""
    statement = select(Organisation)
    if q:
        statement = statement.where(Organisation.name.icontains(q, autoescape=True))
    if type:
        statement = statement.where(Organisation.type == type)
    if status:
        statement = statement.where(Organisation.active.is_(status == "actief"))
    return statement.order_by(Organisation.name, Organisation.id)


def search_gemeenten(*, q=None):
    """Gemeenten whose name or CBS code contains `q`, by name, with their wijken."""
    statement = select(Gemeente).options(selectinload(Gemeente.wijken))
    if q:
        statement = statement.where(or_(Gemeente.name.icontains(q, autoescape=True),
                                        Gemeente.cbs_code.icontains(q, autoescape=True)))
    return statement.order_by(Gemeente.name, Gemeente.id)


def create_organisation(actor, *, name, type):
    organisation = Organisation(name=name.strip(), type=type, active=True)
    db.session().add(organisation)
    db.session().flush()
    record(actor, "create", record_type="organisation", record_id=organisation.id)
    return organisation


def update_organisation(actor, organisation, *, name, type, active):
    """Change an organisation; it is deactivated rather than deleted, since users and cases refer to it."""
    changed = apply_changes(organisation, name=name.strip(), type=type, active=active)
    record(actor, "update", record_type="organisation", record_id=organisation.id, detail=change_detail(changed))
    return organisation


def create_gemeente(actor, *, name, cbs_code=None, apv_151d=False, structural_attention_threshold=3):
    gemeente = Gemeente(name=name.strip(), cbs_code=_cbs_code(cbs_code), apv_151d=apv_151d,
                        structural_attention_threshold=structural_attention_threshold)
    db.session().add(gemeente)
    db.session().flush()
    record(actor, "create", record_type="gemeente", record_id=gemeente.id)
    return gemeente


def update_gemeente(actor, gemeente, *, name, cbs_code=None, apv_151d, structural_attention_threshold):
    changed = apply_changes(gemeente, name=name.strip(), cbs_code=_cbs_code(cbs_code), apv_151d=apv_151d,
                            structural_attention_threshold=structural_attention_threshold)
    record(actor, "update", record_type="gemeente", record_id=gemeente.id, detail=change_detail(changed))
    return gemeente


def add_wijk(actor, gemeente, *, name):
    wijk = Wijk(gemeente=gemeente, name=name.strip())
    db.session().add(wijk)
    db.session().flush()
    record(actor, "create", record_type="wijk", record_id=wijk.id, detail=f"gemeente {gemeente.id}")
    return wijk


def rename_wijk(actor, wijk, *, name):
    changed = apply_changes(wijk, name=name.strip())
    record(actor, "update", record_type="wijk", record_id=wijk.id, detail=change_detail(changed))
    return wijk


def _cbs_code(value):
    """CBS codes are stored as "GM0553"; an empty code is no code."""
    return (value or "").strip().upper() or None
