"""Every model, imported once so the metadata (and Alembic) sees the whole schema."""

from caseapp.accounts.models import RecoveryCode, User, UserSession, user_gemeente
from caseapp.api.models import ApiToken
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Case, CaseLeefgebied, CasePartner, CasePerson, Note
from caseapp.conferences.models import Conference, ConferenceItem
from caseapp.db import Base
from caseapp.documents.models import Document
from caseapp.indicators.models import (
    Indicator,
    IndicatorBaseline,
    IndicatorCount,
    IndicatorFact,
    IndicatorImport,
    IndicatorTarget,
    IndicatorValue,
)
from caseapp.interventions.models import Intervention
from caseapp.letters.models import LetterTemplate
from caseapp.meldingen.models import Melding, MeldingPerson
from caseapp.notifications.models import Notification
from caseapp.organisations.models import Gemeente, Organisation, Wijk
from caseapp.persons.models import Person
from caseapp.plans.models import PlanAction, PlanGoal
from caseapp.retention.models import RetentionPeriod
from caseapp.workflow.models import Deadline, StatusChange

__all__ = [
    "ApiToken", "AuditEntry", "Base", "Case", "CaseLeefgebied", "CasePartner", "CasePerson", "Conference",
    "ConferenceItem", "Deadline", "Document", "Gemeente", "Indicator", "IndicatorBaseline", "IndicatorCount",
    "IndicatorFact", "IndicatorImport", "IndicatorTarget", "IndicatorValue", "Intervention", "LetterTemplate",
    "Melding", "MeldingPerson", "Note", "Notification", "Organisation", "Person", "PlanAction", "PlanGoal",
    "RecoveryCode", "RetentionPeriod", "StatusChange", "User", "UserSession", "Wijk", "user_gemeente",
]
