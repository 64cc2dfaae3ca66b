from types import SimpleNamespace

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm

from caseapp import db
from caseapp.access import CASEWORK_ROLES, get_case_or_404, get_document_or_404, role_required
from caseapp.audit.operations import record_search
from caseapp.documents import operations
from caseapp.documents.filetypes import ACCEPTED, Refused
from caseapp.documents.forms import DocumentForm
from caseapp.pagination import paginate

bp = Blueprint("documents", __name__)

SECTION_SIZE = 5  # the newest documents on the case and intervention pages; the rest on the documents page


def _form(case, intervention=None):
    form = DocumentForm(interventions=case.interventions)
    if intervention is not None and not form.is_submitted():
        form.intervention_id.data = intervention.id
    return form


@bp.app_template_global()
def document_section(case, intervention=None):
    """What the Documenten section of the case page (or an intervention's page) shows: the newest documents
    the user may see, how many there are, and the form to add one."""
    page = paginate(operations.documents_of(current_user, case, intervention), 1, SECTION_SIZE)
    return SimpleNamespace(items=page.items, total=page.total, form=_form(case, intervention), **_limits())


@bp.app_template_filter("bestandsgrootte")
def file_size(size):
    return operations.size_label(size)


def _limits():
    return {"max_size": operations.size_label(operations.max_bytes()), "accepted": ACCEPTED,
            "may_delete": lambda document: operations.may_delete(current_user, document)}


@bp.route("/casussen/<int:case_id>/documenten")
@role_required(*CASEWORK_ROLES)
def index(case_id):
    case = get_case_or_404(current_user, case_id)
    return _render_index(case, _form(case))


def _render_index(case, form, status=200):
    number = request.args.get("page", 1, type=int)
    page = paginate(operations.documents_of(current_user, case), number, current_app.config["PAGE_SIZE"],
                    query_args={"case_id": case.id})
    record_search(current_user, "document", {"case_id": case.id}, page.total)
    db.session().commit()
    return render_template("documents/index.html", case=case, form=form, page=page, **_limits()), status


@bp.route("/casussen/<int:case_id>/documenten", methods=["POST"])
@role_required(*CASEWORK_ROLES)
def upload(case_id):
    case = get_case_or_404(current_user, case_id)
    form = _form(case)
    if form.validate_on_submit():
        file = form.upload.data
        try:
            document = operations.add_upload(
                current_user, case, stream=file.stream, filename=file.filename, title=form.title.data,
                note=form.note.data or "", visibility=form.visibility.data, intervention=form.intervention)
        except Refused as refusal:
            db.session().rollback()
            form.upload.errors = [str(refusal)]
        else:
            db.session().commit()
            flash(f"‘{document.title}’ is toegevoegd.", "success")
            return redirect(_back_to(case, document.intervention))
    # The title and note come back as typed; a browser never keeps a chosen file, which the page says.
    return _render_index(case, form, 422)


def _back_to(case, intervention):
    """The page the upload form was on: the case, the intervention or the documents page."""
    came_from = request.form.get("terug")
    if came_from == "interventie" and intervention is not None:
        return url_for("interventions.show", intervention_id=intervention.id, _anchor="documenten")
    if came_from == "casus":
        return url_for("cases.show", case_id=case.id, _anchor="documenten")
    return url_for("documents.index", case_id=case.id)


@bp.route("/documenten/<int:document_id>/downloaden")
@role_required(*CASEWORK_ROLES)
def download(document_id):
    document = get_document_or_404(current_user, document_id)
    path = operations.file_of(document)
    if not path.is_file():
        current_app.logger.error("the file of document %s is missing from the document storage", document.id)
        text = ("Het bestand van dit document ontbreekt in de opslag. De fout is vastgelegd; neem contact op met de "
                "functioneel beheerder.")
        return render_template("error.html", code=500, title="Bestand ontbreekt", text=text), 500
    operations.record_download(current_user, document)
    db.session().commit()
    response = send_file(path, mimetype=document.content_type, as_attachment=True, download_name=document.filename,
                         conditional=False, etag=False, max_age=None)
    response.headers["Cache-Control"] = "no-store"  # no copy of personal data left in a shared browser's cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/documenten/<int:document_id>/verwijderen", methods=["GET", "POST"])
@role_required(*CASEWORK_ROLES)
def delete(document_id):
    """Ask first (GET), then delete (POST): a deleted document cannot be brought back."""
    document = get_document_or_404(current_user, document_id)
    if not operations.may_delete(current_user, document):
        abort(403)
    form = FlaskForm()
    if form.validate_on_submit():
        operations.delete_document(current_user, document)
        db.session().commit()
        flash(f"‘{document.title}’ is verwijderd.", "success")
        return redirect(url_for("documents.index", case_id=document.case_id))
    return render_template("documents/delete.html", document=document, form=form)


@bp.app_errorhandler(413)
def too_large(_error):
    """Flask refuses a request above MAX_CONTENT_LENGTH before any view runs: say so in Dutch."""
    back = None
    if request.endpoint == "documents.upload" and request.view_args:
        back = url_for("documents.index", case_id=request.view_args["case_id"])
    return render_template("documents/too_large.html", message=operations.too_large_message(), back=back), 413


@bp.cli.command("check")
@click.option("--checksums", is_flag=True, help="Read every file and compare its SHA-256 with the database.")
@click.option("--remove-orphans", is_flag=True, help="Remove files no document refers to (older than a day).")
def check_command(checksums, remove_orphans):
    """Compare the document storage with the database: missing or changed files, and files left behind."""
    report = operations.check_storage(checksums=checksums, remove_orphans=remove_orphans)
    click.echo(f"{report.checked} documents checked in {operations.storage.folder()}.")
    for label, ids in (("missing", report.missing), ("changed", report.changed)):
        if ids:
            click.echo(f"{len(ids)} {label}: document ids {', '.join(map(str, ids[:50]))}")
    verb = "removed" if remove_orphans else "found (remove with --remove-orphans)"
    click.echo(f"{len(report.orphans)} orphan files {verb}.")
    if report.missing or report.changed:
        raise SystemExit(1)
