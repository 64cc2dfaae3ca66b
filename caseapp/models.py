"""Every model, imported once so the metadata (and Alembic) sees the whole schema."""

from caseapp.accounts.models import User, user_gemeente
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Case, CaseLeefgebied, CasePartner, CasePerson, Note
from caseapp.db import Base
from caseapp.organisations.models import Gemeente, Organisation, Wijk
from caseapp.persons.models import Person

__all__ = [
    "AuditEntry", "Base", "Case", "CaseLeefgebied", "CasePartner", "CasePerson", "Gemeente", "Note",
    "Organisation", "Person", "User", "Wijk", "user_gemeente",
]
