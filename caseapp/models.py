"""Every model, imported once so the metadata (and Alembic) sees the whole schema."""

from caseapp.accounts.models import User, user_gemeente
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Case, CaseLeefgebied, CasePartner, CasePerson, Note
from caseapp.db import Base
from caseapp.interventions.models import Intervention
from caseapp.notifications.models import Notification
from caseapp.organisations.models import Gemeente, Organisation, Wijk
from caseapp.persons.models import Person
from caseapp.workflow.models import Deadline, StatusChange

__all__ = [
    "AuditEntry", "Base", "Case", "CaseLeefgebied", "CasePartner", "CasePerson", "Deadline", "Gemeente",
    "Intervention", "Note", "Notification", "Organisation", "Person", "StatusChange", "User", "Wijk",
    "user_gemeente",
]
