from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp import db
from caseapp.access import CASEWORK_ROLES, get_person_or_404, role_required
from caseapp.audit.operations import record, record_search
from caseapp.pagination import request_page
from caseapp.persons.forms import MERGE_FIELD_LABELS, MergeForm, PersonEditForm, PersonSearchForm, shown_value
from caseapp.persons.operations import (
    BSN_IN_USE,
    MAX_RESULTS,
    bsn_in_use,
    duplicate_pairs,
    duplicate_reason,
    hit_no_hit,
    merge_persons,
    merge_refusal,
    merged_into,
    person_cases,
    person_meldingen,
    person_search,
    possible_duplicates,
    register_person,
    similar_persons,
    update_person,
)
from caseapp.workflow.engine import Conflict

bp = Blueprint("persons", __name__, url_prefix="/personen")


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def search():
    form = PersonSearchForm(request.args)
    page = found = None
    if (form.q.data or form.date_of_birth.data) and form.validate():
        found = person_search(current_user, **form.criteria())
        page = request_page(found.capped())
        record_search(current_user, "person", form.criteria(), page.total)
        db.session().commit()
    return render_template("persons/search.html", form=form, page=page, approximate=found and found.approximate,
                           max_results=MAX_RESULTS)


@bp.route("/<int:person_id>")
@role_required(*CASEWORK_ROLES)
def show(person_id):
    kept_id = merged_into(current_user, person_id)
    if kept_id is not None:
        flash("Deze persoon is samengevoegd met een andere registratie. U ziet nu die registratie.", "info")
        return redirect(url_for("persons.show", person_id=kept_id))
    person = get_person_or_404(current_user, person_id)
    links = person_cases(current_user, person)
    duplicates = possible_duplicates(current_user, person) if current_user.role == "coordinator" else []
    meldingen = person_meldingen(current_user, person)
    record(current_user, "view", record_type="person", record_id=person.id, person_id=person.id)
    db.session().commit()
    return render_template("persons/show.html", person=person, links=links, meldingen=meldingen,
                           duplicates=duplicates)


def register_or_offer(form):
    """Register the person of a valid person form, unless similar persons are known (returned, for the coordinator
    to look at first; the form then confirms a new registration) or the BSN is taken (a field error).

    Returns (the new person or None, the similar persons)."""
    fields = form.person_fields()
    candidates = [] if form.confirm_new.data else similar_persons(current_user, **fields)
    form.confirm_new.data = "1" if candidates else ""
    if candidates:
        return None, candidates
    if bsn_in_use(fields["bsn"]):
        form.bsn.errors.append(BSN_IN_USE)
        return None, []
    return register_person(current_user, fields), []


def tell_hit_no_hit(person):
    """After a coordinator added or linked a person: whether another gemeente has them on an active case, as a
    message (the check is audited)."""
    result = hit_no_hit(current_user, person)
    if result is not None:
        flash(result.message, "warning" if result.hit else "info")


@bp.route("/dubbel")
@role_required("coordinator")
def duplicates():
    page = duplicate_pairs(current_user, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    db.session().commit()
    return render_template("persons/duplicates.html", page=page, reason=duplicate_reason)


@bp.route("/<int:person_id>/samenvoegen/<int:other_id>", methods=["GET", "POST"])
@role_required("coordinator")
def merge(person_id, other_id):
    """Compare two persons side by side; on confirmation, merge the other into this one."""
    kept = get_person_or_404(current_user, person_id)
    merged = get_person_or_404(current_user, other_id)
    form = MergeForm(kept=kept, merged=merged)
    refusal = merge_refusal(kept, merged)
    if refusal is None and form.validate_on_submit():
        kept_version, merged_version = form.versions()
        try:
            merge_persons(current_user, kept, merged, choices=form.chosen(), kept_version=kept_version,
                          merged_version=merged_version)
        except Conflict:
            db.session().rollback()
            flash("Een van beide personen is gewijzigd sinds u ze vergeleek. Er is niets samengevoegd: "
                  "bekijk de gegevens hieronder opnieuw en bevestig dan.", "error")
            return redirect(url_for("persons.merge", person_id=person_id, other_id=other_id))
        db.session().commit()
        flash(f"{merged.full_name} (nr. {other_id}) is samengevoegd met {kept.full_name}.", "success")
        return redirect(url_for("persons.show", person_id=kept.id))
    for person in (kept, merged):
        record(current_user, "view", record_type="person", record_id=person.id, person_id=person.id,
               detail="merge comparison")
    db.session().commit()
    page = render_template("persons/merge.html", kept=kept, merged=merged, form=form, refusal=refusal,
                           labels=MERGE_FIELD_LABELS, shown=shown_value,
                           kept_links=person_cases(current_user, kept),
                           merged_links=person_cases(current_user, merged))
    return page, 422 if request.method == "POST" else 200


@bp.route("/<int:person_id>/bewerken", methods=["GET", "POST"])
@role_required("coordinator")
def edit(person_id):
    person = get_person_or_404(current_user, person_id)
    form = PersonEditForm(record=person)
    changes = None
    if form.validate_on_submit():
        fields = form.person_fields()
        if bsn_in_use(fields["bsn"], person):
            form.bsn.errors.append(BSN_IN_USE)
        else:
            try:
                update_person(current_user, person, fields, expected_version=form.version())
            except Conflict:
                db.session().rollback()  # and read the person as the other user left them
                changes = form.refused(PersonEditForm(record=person, formdata=None))
            else:
                db.session().commit()
                flash("De persoonsgegevens zijn opgeslagen.", "success")
                return redirect(url_for("persons.show", person_id=person.id))
    record(current_user, "view", record_type="person", record_id=person.id, person_id=person.id)
    db.session().commit()
    page = render_template("persons/form.html", person=person, form=form, changes=changes)
    return page, 409 if changes is not None else 200
