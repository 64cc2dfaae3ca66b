from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.db import Base
from caseapp.enums import INTERVENTION_TYPES, LIGHTER_STEPS, PREMISES_TYPES, check_in
from caseapp.organisations.models import Organisation
from caseapp.persons.models import Person

_PREMISES = ", ".join(f"'{value}'" for value in PREMISES_TYPES)
_STEPS = ", ".join(f"'{value}'" for value in LIGHTER_STEPS)


class Intervention(Base):
    """One measure on a case. Its status changes only through caseapp.workflow.engine.fire.

    The dated columns are what the legal deadlines are computed from; which of them a type uses is
    declared in caseapp/workflow/processes.py.
    """

    __tablename__ = "intervention"
    __table_args__ = (
        CheckConstraint(check_in("type", INTERVENTION_TYPES), name="type"),
        # Sluiting and Bibob concern premises or a business, never a person; a huisverbod always a person.
        CheckConstraint(f"type NOT IN ({_PREMISES}) OR person_id IS NULL", name="premises_no_person"),
        CheckConstraint("type <> 'huisverbod' OR person_id IS NOT NULL", name="huisverbod_person"),
        CheckConstraint(f"type NOT IN ({_STEPS}) OR owner_organisation_id IS NOT NULL", name="step_owner"),
        # Art. 172a: extended at most three times.
        CheckConstraint("type NOT IN ('gebiedsverbod', 'groepsverbod', 'meldplicht') OR extension_count <= 3",
                        name="extensions_172a"),
        Index("ix_intervention_case_type", "case_id", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    premises_address: Mapped[str] = mapped_column(String(200), default="")
    business_name: Mapped[str] = mapped_column(String(200), default="")
    kvk_number: Mapped[str] = mapped_column(String(8), default="")
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    due_on: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text, default="")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)

    # Dates of the procedure (naive UTC): the deadlines are computed from these.
    decided_at: Mapped[datetime | None]  # besluit, or the imposition of a huisverbod or 172a-maatregel
    ends_at: Mapped[datetime | None]  # end of the measure's running period
    extension_count: Mapped[int] = mapped_column(default=0)
    veilig_thuis_consulted_at: Mapped[datetime | None]
    appeal_at: Mapped[datetime | None]
    report_received_on: Mapped[date | None]  # sluiting: the bestuurlijke rapportage of the politie
    measures_until: Mapped[date | None]  # 174a: period for those involved to take measures themselves
    zienswijze_deadline: Mapped[date | None]
    zienswijze_received_on: Mapped[date | None]
    objection_received_on: Mapped[date | None]
    duration_months: Mapped[int | None]
    executed_on: Mapped[date | None]
    home_ban: Mapped[bool] = mapped_column(Boolean, default=False)  # 151d: 10 days' ban on being in the home
    compliance_until: Mapped[date | None]  # 151d: begunstigingstermijn
    enforcement: Mapped[str] = mapped_column(String(20), default="")  # last onder dwangsom / bestuursdwang
    advice_requested_on: Mapped[date | None]  # Bibob: advice of the Landelijk Bureau Bibob
    conclusion: Mapped[str] = mapped_column(String(20), default="")
    decision: Mapped[str] = mapped_column(String(30), default="")
    outcome: Mapped[str] = mapped_column(String(30), default="")
    outcome_note: Mapped[str] = mapped_column(Text, default="")

    suspended_since: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # Optimistic locking: an UPDATE based on an old version changes nothing and raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship(back_populates="interventions")
    person: Mapped[Person | None] = relationship()
    owner_organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def type_label(self):
        return INTERVENTION_TYPES[self.type]

    @property
    def process(self):
        from caseapp.workflow.processes import process_of

        return process_of(self)

    @property
    def status_label(self):
        return self.process.states[self.status].label

    @property
    def subject_label(self):
        """Whom or what the measure is about, as shown on the case page."""
        if self.person is not None:
            return self.person.full_name
        return self.business_name or self.premises_address or ""
