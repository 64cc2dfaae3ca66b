"""Importing series of figures from outside (police, brandweer): the upload form, earlier imports, what landed."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from caseapp import db
from caseapp.access import (
    get_indicator_import_or_404,
    indicator_gemeenten,
    indicator_import_scope,
    role_required,
)
from caseapp.indicators import imports
from caseapp.indicators.import_forms import ImportForm
from caseapp.indicators.models import IndicatorImport
from caseapp.indicators.report import number
from caseapp.pagination import request_page

bp = Blueprint("indicator_imports", __name__, url_prefix="/indicatoren/importeren")

ROLES = ("analyst", "admin")
PROBLEMS_SHOWN = 200  # a file wrong in every cell would otherwise fill pages; the first ones show what to fix
CONCURRENT = ("Tegelijk met u is een reeks of waarde met dezelfde naam of hetzelfde jaar opgeslagen. Er is niets "
              "geïmporteerd; kies het bestand opnieuw.")


@bp.route("/")
@role_required(*ROLES)
def index():
    return _render(_form())


@bp.route("/", methods=["POST"])
@role_required(*ROLES)
def upload():
    form = _form()
    problems = []
    if form.validate_on_submit():
        file = form.upload.data
        try:
            table = imports.read(file.stream.read(imports.MAX_BYTES + 1), file.filename)
            result = imports.import_series(current_user, form.gemeente, form.source.data, file.filename, table)
            db.session().commit()
        except imports.ImportRefused as refusal:
            db.session().rollback()
            problems = _place(form, refusal.problems)
        except IntegrityError:
            db.session().rollback()
            problems = [imports.Problem(CONCURRENT)]
        else:
            flash(_summary(result), "success")
            return redirect(url_for("indicator_imports.index"))
    # 200, not 422: the page is the form again, with what was chosen and every reason the file was refused.
    return _render(form, problems)


@bp.route("/<int:import_id>")
@role_required(*ROLES)
def show(import_id):
    batch = get_indicator_import_or_404(current_user, import_id, joinedload(IndicatorImport.gemeente),
                                        joinedload(IndicatorImport.imported_by))
    series, years = imports.values_of(batch)
    return render_template("indicators/import_show.html", batch=batch, series=series, years=years,
                           number=number)


def _form():
    return ImportForm(gemeenten=indicator_gemeenten(current_user))


def _render(form, problems=()):
    statement = (select(IndicatorImport).where(indicator_import_scope(current_user))
                 .options(joinedload(IndicatorImport.gemeente), joinedload(IndicatorImport.imported_by))
                 .order_by(IndicatorImport.imported_at.desc(), IndicatorImport.id.desc()))
    page = request_page(statement)
    latest = db.session().scalars(statement.limit(1)).first()
    series, years = imports.values_of(latest) if latest is not None else ([], [])
    return render_template("indicators/import.html", form=form, problems=problems[:PROBLEMS_SHOWN],
                           problem_count=len(problems), page=page, latest=latest, series=series, years=years,
                           number=number, max_rows=imports.MAX_ROWS,
                           max_size=f"{imports.MAX_BYTES // (1024 * 1024)} MB")


def _place(form, problems):
    """Put the problems that belong to a form field (the file, the source) on it; the rest are the rows'."""
    rows = []
    for problem in problems:
        if problem.field is not None:
            form[problem.field].errors = [*form[problem.field].errors, str(problem)]
        else:
            rows.append(problem)
    return rows


def _summary(result):
    batch = result.batch
    text = (f"Geïmporteerd voor {batch.gemeente.name}: {_count(batch.row_count, 'reeks', 'reeksen')} met "
            f"{_count(batch.value_count, 'waarde', 'waarden')}")
    if result.created:
        text += f" ({_count(len(result.created), 'nieuwe indicator', 'nieuwe indicatoren')})"
    if result.targets:
        return text + ". Streefwaarden gezet: " + "; ".join(map(imports.describe_target, result.targets)) + "."
    return text + ". Het bestand had geen streefwaarden."


def _count(amount, one, many):
    return f"{amount} {one if amount == 1 else many}"
