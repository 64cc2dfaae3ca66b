from datetime import timedelta

from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from caseapp.accounts.models import User
from caseapp.audit.operations import today
from caseapp.enums import LEEFGEBIEDEN
from caseapp.forms import FilterForm, optional_int, strip
from caseapp.plans.models import ACTION_STATUSES, GOAL_STATUSES
from caseapp.plans.operations import GOAL_REFUSED, LEEFGEBIED_REFUSED, OWNER_REFUSED, REPORT_MISSING
from caseapp.versions import VersionedForm

TEXT_MAX = 2000
TOO_LONG = f"Gebruik ten hoogste {TEXT_MAX} tekens."
DUE_WITHIN = timedelta(days=2 * 366)


def text_field(label, missing, required=True):
    first = DataRequired(missing) if required else Optional()
    return TextAreaField(label, filters=[strip], validators=[first, Length(max=TEXT_MAX, message=TOO_LONG)])


class GoalForm(VersionedForm):
    leefgebied = SelectField("Leefgebied", validate_choice=False, validators=[DataRequired("Kies het leefgebied.")])
    description = text_field("Doel", "Beschrijf het doel.")
    status = SelectField("Status", choices=list(GOAL_STATUSES.items()), default="open")

    def __init__(self, *args, case, goal=None, **kwargs):
        super().__init__(*args, record=goal, **kwargs)
        # The case's leefgebieden; an existing goal keeps its own, even when the case no longer lists it.
        allowed = {item.leefgebied for item in case.leefgebieden} | ({goal.leefgebied} if goal else set())
        self.leefgebied.choices = [("", "Kies een leefgebied")] + [
            (value, label) for value, label in LEEFGEBIEDEN.items() if value in allowed]

    def validate_leefgebied(self, field):
        if field.data not in dict(self.leefgebied.choices):
            raise ValidationError(LEEFGEBIED_REFUSED)

    def goal_fields(self):
        return {"leefgebied": self.leefgebied.data, "description": self.description.data}


class ActionForm(VersionedForm):
    description = text_field("Actie", "Beschrijf de actie.")
    owner_id = SelectField("Eigenaar", validate_choice=False, validators=[DataRequired("Kies de eigenaar.")])
    due_on = DateField("Uiterlijk klaar op", validators=[DataRequired("Vul een geldige datum in.")])
    goal_id = SelectField("Hoort bij doel", coerce=optional_int, validate_choice=False, validators=[Optional()])

    def __init__(self, *args, owners, goals, action=None, **kwargs):
        """`owners` is (users, organisations) that may own the action; `goals` the goals of the case."""
        if action is not None:
            kwargs = {"owner_id": owner_key(action.owner), **kwargs}
        super().__init__(*args, record=action, **kwargs)
        users, organisations = owners
        self._owners = {f"user:{u.id}": u for u in users} | {f"organisation:{o.id}": o for o in organisations}
        self.owner_id.choices = [("", "Kies de eigenaar"),
                                 *((f"organisation:{o.id}", f"{o.name} ({o.type_label})") for o in organisations),
                                 *((f"user:{u.id}", f"{u.name} (coördinator)") for u in users)]
        self._goals = {goal.id: goal for goal in goals}
        self.goal_id.choices = [("", "Geen (losse actie)")] + [
            (goal.id, f"{goal.leefgebied_label}: {_short(goal.description)}") for goal in goals]

    def validate_owner_id(self, field):
        if field.data not in self._owners:
            raise ValidationError(OWNER_REFUSED)

    def validate_goal_id(self, field):
        if field.data is not None and field.data not in self._goals:
            raise ValidationError(GOAL_REFUSED)

    def validate_due_on(self, field):
        unchanged = self.record is not None and field.data == self.record.due_on
        if field.data and not unchanged:  # an overdue action keeps its date when something else is edited
            if field.data < today():
                raise ValidationError("De datum ligt in het verleden.")
            if field.data > today() + DUE_WITHIN:
                raise ValidationError("Kies een datum binnen twee jaar.")

    def action_fields(self):
        return {"description": self.description.data, "owner": self._owners[self.owner_id.data],
                "due_on": self.due_on.data, "goal": self._goals.get(self.goal_id.data)}


class ActionEditForm(ActionForm):
    status = SelectField("Status", choices=list(ACTION_STATUSES.items()), default="open")
    report = text_field("Terugkoppeling", "", required=False)

    def validate_report(self, field):
        if self.status.data == "gereed" and not field.data:
            raise ValidationError(REPORT_MISSING)

    def action_fields(self):
        return {**super().action_fields(), "status": self.status.data, "report": self.report.data or ""}


class CompleteForm(VersionedForm):
    report = text_field("Terugkoppeling", REPORT_MISSING)


class WorklistFilterForm(FilterForm):
    status = SelectField("Status", choices=[("open", "Open"), ("gereed", "Gereed"), ("vervallen", "Vervallen"),
                                            ("alle", "Alle")], default="open")

    def status_filter(self):
        """The status to list; an unknown value (a tampered URL) lists the open actions."""
        self.validate()
        value = self.status.data if not self.status.errors else "open"
        return "" if value == "alle" else value or "open"


def owner_key(owner):
    return f"{'user' if isinstance(owner, User) else 'organisation'}:{owner.id}"


def _short(text, length=48):
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"
