from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import CASEWORK_ROLES, case_scope, get_person_or_404, role_required
from caseapp.audit.operations import record, record_search
from caseapp.cases.models import Case, CasePerson
from caseapp.pagination import filtered_page
from caseapp.persons.forms import PersonForm, PersonSearchForm
from caseapp.persons.operations import BSN_IN_USE, bsn_in_use, search_persons, update_person

bp = Blueprint("persons", __name__, url_prefix="/personen")


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def search():
    form = PersonSearchForm(request.args)
    page = None
    if form.q.data or form.date_of_birth.data:
        page = filtered_page(form, partial(search_persons, current_user))
    if page is not None:
        record_search(current_user, "person", form.criteria(), page.total)
        db.session().commit()
    return render_template("persons/search.html", form=form, page=page)


@bp.route("/<int:person_id>")
@role_required(*CASEWORK_ROLES)
def show(person_id):
    person = get_person_or_404(current_user, person_id)
    links = db.session().scalars(
        select(CasePerson).join(Case).where(CasePerson.person_id == person.id, case_scope(current_user))
        .options(selectinload(CasePerson.case).selectinload(Case.gemeente))
        .order_by(Case.opened_on.desc(), CasePerson.id)
    ).all()
    record(current_user, "view", record_type="person", record_id=person.id, person_id=person.id)
    db.session().commit()
    return render_template("persons/show.html", person=person, links=links)


@bp.route("/<int:person_id>/bewerken", methods=["GET", "POST"])
@role_required("coordinator")
def edit(person_id):
    person = get_person_or_404(current_user, person_id)
    form = PersonForm(record=person)
    if form.validate_on_submit():
        fields = form.person_fields()
        if not bsn_in_use(fields["bsn"], person):
            update_person(current_user, person, fields)
            db.session().commit()
            flash("De persoonsgegevens zijn opgeslagen.", "success")
            return redirect(url_for("persons.show", person_id=person.id))
        form.bsn.errors.append(BSN_IN_USE)
    record(current_user, "view", record_type="person", record_id=person.id, person_id=person.id)
    db.session().commit()
    return render_template("persons/form.html", person=person, form=form)
