"""The audit log (search only: there is deliberately no route that changes or removes an entry) and inzage."""

import json
from functools import partial

from flask import Blueprint, Response, make_response, render_template, request
from flask_login import current_user

from caseapp import db
from caseapp.access import get_inzage_subject_or_404, role_required
from caseapp.accounts.operations import all_users
from caseapp.audit import inzage
from caseapp.audit.forms import AuditSearchForm, InzageSearchForm
from caseapp.audit.operations import record_search, search_entries
from caseapp.pagination import filtered_page

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")


@bp.route("/")
@role_required("admin")
def search():
    form = AuditSearchForm(request.args, users=all_users())
    page = filtered_page(form, search_entries)
    if page is not None:
        # Every page viewed is audited, with its number: each shows other entries.
        shown = {"page": page.number} if page.number > 1 else {}
        record_search(current_user, "audit", form.criteria() | shown, page.total)
        db.session().commit()
    return render_template("audit/search.html", form=form, page=page)


@bp.route("/inzage/")
@role_required("admin")
def inzage_search():
    form = InzageSearchForm(request.args)
    page = None
    if form.is_filled():
        page = filtered_page(form, partial(inzage.find_subjects, current_user))
    if page is not None:
        record_search(current_user, "inzage", form.criteria(), page.total)
        db.session().commit()
    return render_template("inzage/search.html", form=form, page=page)


@bp.route("/inzage/<int:subject_id>")
@role_required("admin")
def inzage_document(subject_id):
    person = get_inzage_subject_or_404(current_user, subject_id)
    document = inzage.inzage_document(current_user, person, "afdrukbare pagina")
    db.session().commit()
    return _not_stored(make_response(render_template("inzage/document.html", document=document,
                                                      display=inzage.display)))


@bp.route("/inzage/<int:subject_id>/download")
@role_required("admin")
def inzage_download(subject_id):
    person = get_inzage_subject_or_404(current_user, subject_id)
    document = inzage.inzage_document(current_user, person, "JSON-bestand")
    db.session().commit()
    body = json.dumps(document.as_json(), ensure_ascii=False, indent=2)
    filename = f"inzage-{person.id}-{document.produced_at:%Y%m%d}.json"
    return _not_stored(Response(body, mimetype="application/json",
                                headers={"Content-Disposition": f'attachment; filename="{filename}"'}))


def _not_stored(response):
    """The document holds everything about a person: no browser or proxy keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response
