from sqlalchemy import and_, func, or_, select

from caseapp import db
from caseapp.access import visible_persons
from caseapp.audit.operations import record, utcnow
from caseapp.persons.models import Person

BSN_IN_USE = "Er is al een persoon met dit BSN geregistreerd. Neem contact op met het team Zorg en Veiligheid."


def register_person(actor, fields):
    person = Person(created_at=utcnow(), **fields)
    db.session().add(person)
    db.session().flush()
    record(actor, "create", record_type="person", record_id=person.id, person_id=person.id)
    return person


def update_person(actor, person, fields):
    for name, value in fields.items():
        setattr(person, name, value)
    record(actor, "update", record_type="person", record_id=person.id, person_id=person.id)
    return person


def similar_persons(actor, *, first_name, last_name, date_of_birth, bsn=None, **_other):
    """Persons the actor may see who look like the one being registered: same name and date of birth, or BSN.

    Only the actor's own scope is searched, so the check reveals nothing about other gemeenten.
    """
    same_name = and_(
        func.lower(Person.last_name) == last_name.lower(),
        func.lower(Person.first_name) == first_name.lower(),
        Person.date_of_birth == date_of_birth,
    )
    if date_of_birth is None and not bsn:
        return []
    statement = visible_persons(actor).where(or_(same_name, Person.bsn == bsn) if bsn else same_name)
    found = db.session().scalars(statement.order_by(Person.id)).all()
    for person in found:
        record(actor, "view", record_type="person", record_id=person.id, person_id=person.id,
               detail="duplicate check")
    return found


def search_persons(actor, *, q=None, date_of_birth=None):
    """A statement over the persons the actor may see, matching name, address or BSN and date of birth."""
    statement = visible_persons(actor)
    for term in (q or "").split():
        pattern = f"%{term}%"
        statement = statement.where(or_(
            Person.first_name.ilike(pattern), Person.last_name.ilike(pattern),
            Person.address.ilike(pattern), Person.bsn == term,
        ))
    if date_of_birth:
        statement = statement.where(Person.date_of_birth == date_of_birth)
    return statement.order_by(Person.last_name, Person.first_name, Person.id)



def bsn_in_use(bsn, person=None):
    """Whether another person already has this BSN (the registry holds each person once)."""
    if not bsn:
        return False
    statement = select(Person.id).where(Person.bsn == bsn)
    if person is not None:
        statement = statement.where(Person.id != person.id)
    return db.session().scalar(statement) is not None
