import click
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import delete, select

from caseapp import db
from caseapp.access import indicator_gemeenten, role_required
from caseapp.audit.operations import record, today, utcnow
from caseapp.indicators import counting, exports
from caseapp.indicators.charts import bar_chart
from caseapp.indicators.forms import BaselineForm, IndicatorForm, ReportFilterForm, TargetForm
from caseapp.indicators.models import BETTER, Indicator, IndicatorBaseline, IndicatorTarget
from caseapp.indicators.report import GRANULARITIES, build, indicators, number
from caseapp.versions import VersionedForm, check_version, flush_or_conflict
from caseapp.workflow.engine import Conflict

bp = Blueprint("indicators", __name__, url_prefix="/indicatoren", cli_group="indicatoren")



@bp.context_processor
def _helpers():
    return {"number": number, "indicator_better": BETTER}


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _report():
    """The filter form on the query string, and the report it asks for (None while the form has errors)."""
    form = ReportFilterForm(request.args, gemeenten=current_user.gemeenten)
    report = build(**form.report_arguments()) if current_user.gemeenten and form.validate() else None
    return form, report


def _asked():
    return ", ".join(f"{name}={value}" for name, value in request.args.items())[:300] or "standaard"


@bp.route("/")
@role_required("analyst")
def report():
    form, report = _report()
    publication = bool(report and form.publicatie.data)
    charts = {row.indicator.id: bar_chart(row, report.periods, publication) for row in report.rows} if report else {}
    record(current_user, "view", record_type="indicator_report", detail=_asked())
    db.session().commit()
    return render_template("indicators/report.html", form=form, report=report, charts=charts,
                           publication=publication, scope=_scope(form), export_args=request.args.to_dict())


def _scope(form):
    """What the report covers, in words: "Lisse, wijk Centrum, per jaar 2021–2025"."""
    if form.errors or not form.gemeenten:
        return ""
    where = form.gemeenten[form.gemeente.data].name if form.gemeente.data else "alle gemeenten samen"
    if form.wijk.data:
        where += ", wijk " + next(w.name for g in form.gemeenten.values() for w in g.wijken if w.id == form.wijk.data)
    years = str(form.van.data) if form.van.data == form.tot.data else f"{form.van.data}–{form.tot.data}"
    return f"{where}, {GRANULARITIES[form.indeling.data].lower()}, {years}"


@bp.route("/export.<any(csv, xlsx):filetype>")
@role_required("analyst")
def export(filetype):
    form, report = _report()
    if report is None:
        flash("De export kon niet worden gemaakt: pas eerst de filters aan.", "error")
        return redirect(url_for("indicators.report", **request.args.to_dict()))
    publication = bool(form.publicatie.data)
    record(current_user, "export", record_type="indicator_report", detail=f"{filetype}; {_asked()}")
    db.session().commit()
    scope = _scope(form)
    title = [f"Indicatoren: {scope}", f"Gemaakt op {today():%d-%m-%Y}"]
    body = exports.to_csv(report, publication) if filetype == "csv" else \
        exports.to_xlsx(report, publication, title)
    name = f"indicatoren-{form.van.data}-{form.tot.data}{'-publicatie' if publication else ''}.{filetype}"
    return Response(body, mimetype=EXPORT_TYPES[filetype], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# -- targets and baselines ---------------------------------------------------------------------------------

def _gemeente_or_404(gemeente_id):
    gemeente = next((g for g in indicator_gemeenten(current_user) if g.id == gemeente_id), None)
    if gemeente is None:
        abort(404)
    return gemeente


def _indicator_or_404(indicator_id):
    return db.session().get(Indicator, indicator_id) or abort(404)


@bp.route("/streefwaarden")
@role_required("analyst", "admin")
def targets():
    gemeenten = indicator_gemeenten(current_user)
    chosen = request.args.get("gemeente", type=int)
    gemeente = _gemeente_or_404(chosen) if chosen else (gemeenten[0] if gemeenten else None)
    rows = []
    if gemeente:
        baselines = {b.indicator_id: b for b in db.session().scalars(
            select(IndicatorBaseline).where(IndicatorBaseline.gemeente_id == gemeente.id))}
        targets = {}
        for target in db.session().scalars(select(IndicatorTarget).where(IndicatorTarget.gemeente_id == gemeente.id)
                                           .order_by(IndicatorTarget.year)):
            targets.setdefault(target.indicator_id, []).append(target)
        rows = [(i, baselines.get(i.id), targets.get(i.id, [])) for i in indicators()]
    return render_template("indicators/targets.html", gemeenten=gemeenten, gemeente=gemeente, rows=rows)


@bp.route("/streefwaarden/<int:gemeente_id>/<int:indicator_id>")
@role_required("analyst", "admin")
def edit_targets(gemeente_id, indicator_id):
    return _targets_page(_gemeente_or_404(gemeente_id), _indicator_or_404(indicator_id))


def _targets_page(gemeente, indicator, baseline_form=None, target_form=None, status=200):
    baseline = db.session().get(IndicatorBaseline, (indicator.id, gemeente.id))
    targets = db.session().scalars(select(IndicatorTarget).where(
        IndicatorTarget.gemeente_id == gemeente.id, IndicatorTarget.indicator_id == indicator.id)
        .order_by(IndicatorTarget.year)).all()
    baseline_form = baseline_form or BaselineForm(record=baseline)
    target_form = target_form or TargetForm(comparison="<=" if indicator.better == "lager" else ">=")
    return render_template("indicators/edit_targets.html", gemeente=gemeente, indicator=indicator,
                           baseline=baseline, targets=targets, baseline_form=baseline_form,
                           target_form=target_form), status


@bp.route("/streefwaarden/<int:gemeente_id>/<int:indicator_id>/nulmeting", methods=["POST"])
@role_required("analyst", "admin")
def set_baseline(gemeente_id, indicator_id):
    gemeente, indicator = _gemeente_or_404(gemeente_id), _indicator_or_404(indicator_id)
    form = BaselineForm()
    if not form.validate():
        return _targets_page(gemeente, indicator, baseline_form=form, status=400)
    baseline = db.session().get(IndicatorBaseline, (indicator.id, gemeente.id))
    if baseline is None:
        baseline = IndicatorBaseline(indicator_id=indicator.id, gemeente_id=gemeente.id)
        db.session().add(baseline)
    baseline.year, baseline.value = form.year.data, form.value.data
    baseline.set_by_id, baseline.set_at = current_user.id, utcnow()
    _audit("update", indicator, gemeente, f"nulmeting {baseline.year}"
           + (f" = {baseline.value:g}" if baseline.value is not None else " (waarde uit de reeks)"))
    return _saved(gemeente, indicator, f"De nulmeting van {indicator.name} in {gemeente.name} is {baseline.year}.")


@bp.route("/streefwaarden/<int:gemeente_id>/<int:indicator_id>/nulmeting/verwijderen", methods=["POST"])
@role_required("analyst", "admin")
def delete_baseline(gemeente_id, indicator_id):
    gemeente, indicator = _gemeente_or_404(gemeente_id), _indicator_or_404(indicator_id)
    db.session().execute(delete(IndicatorBaseline).where(IndicatorBaseline.indicator_id == indicator.id,
                                                         IndicatorBaseline.gemeente_id == gemeente.id))
    _audit("delete", indicator, gemeente, "nulmeting verwijderd")
    return _saved(gemeente, indicator, f"De nulmeting van {indicator.name} in {gemeente.name} is verwijderd.")


@bp.route("/streefwaarden/<int:gemeente_id>/<int:indicator_id>/streefwaarde", methods=["POST"])
@role_required("analyst", "admin")
def set_target(gemeente_id, indicator_id):
    gemeente, indicator = _gemeente_or_404(gemeente_id), _indicator_or_404(indicator_id)
    form = TargetForm()
    if not form.validate():
        return _targets_page(gemeente, indicator, target_form=form, status=400)
    target = db.session().scalar(select(IndicatorTarget).where(
        IndicatorTarget.indicator_id == indicator.id, IndicatorTarget.gemeente_id == gemeente.id,
        IndicatorTarget.year == form.year.data))
    if target is None:
        target = IndicatorTarget(indicator_id=indicator.id, gemeente_id=gemeente.id, year=form.year.data)
        db.session().add(target)
    target.comparison, target.value = form.comparison.data, form.value.data
    target.set_by_id, target.set_at = current_user.id, utcnow()
    _audit("update", indicator, gemeente, f"streefwaarde {target.year}: {target.sign} {target.value:g}")
    return _saved(gemeente, indicator, f"De streefwaarde voor {target.year} is {target.sign} {target.value:g}.")


@bp.route("/streefwaarden/<int:gemeente_id>/<int:indicator_id>/streefwaarde/<int:target_id>/verwijderen",
          methods=["POST"])
@role_required("analyst", "admin")
def delete_target(gemeente_id, indicator_id, target_id):
    gemeente, indicator = _gemeente_or_404(gemeente_id), _indicator_or_404(indicator_id)
    target = db.session().get(IndicatorTarget, target_id)
    if target is None or (target.gemeente_id, target.indicator_id) != (gemeente.id, indicator.id):
        abort(404)
    db.session().delete(target)
    _audit("delete", indicator, gemeente, f"streefwaarde {target.year} verwijderd")
    return _saved(gemeente, indicator, f"De streefwaarde voor {target.year} is verwijderd.")


def _saved(gemeente, indicator, message):
    """Commit, say what was saved, and go back to the indicator's page of the gemeente."""
    db.session().commit()
    flash(message, "success")
    return redirect(url_for("indicators.edit_targets", gemeente_id=gemeente.id, indicator_id=indicator.id))


def _audit(action, indicator, gemeente, detail):
    record(current_user, action, record_type="indicator", record_id=indicator.id,
           detail=f"{indicator.key} in {gemeente.name}: {detail}")


# -- imported series: their description -------------------------------------------------------------------

@bp.route("/reeksen/<int:indicator_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_indicator(indicator_id):
    """Name, definition, unit, source and direction of an imported series; a counted one's are fixed, since its
    definition says what the code counts."""
    indicator = _indicator_or_404(indicator_id)
    if indicator.counted:
        abort(404)
    form, changes = IndicatorForm(record=indicator), None
    if form.validate_on_submit():
        try:
            check_version(indicator, form.version())
            for name in ("name", "definition", "unit", "source", "better"):
                setattr(indicator, name, form[name].data)
            flush_or_conflict()
        except Conflict:
            db.session().rollback()
            changes = form.refused(IndicatorForm(record=indicator, formdata=None))
        else:
            record(current_user, "update", record_type="indicator", record_id=indicator.id,
                   detail=f"reeks {indicator.key} gewijzigd")
            db.session().commit()
            flash(f"De reeks {indicator.name} is opgeslagen.", "success")
            return redirect(url_for("indicators.targets"))
    page = render_template("indicators/edit_indicator.html", form=form, indicator=indicator, changes=changes)
    return page, 409 if changes is not None else 400 if form.errors else 200


@bp.route("/reeksen/<int:indicator_id>/verwijderen", methods=["POST"])
@role_required("admin")
def delete_indicator(indicator_id):
    indicator = _indicator_or_404(indicator_id)
    if indicator.counted or not VersionedForm().validate_on_submit():
        abort(404 if indicator.counted else 400)
    record(current_user, "delete", record_type="indicator", record_id=indicator.id,
           detail=f"reeks {indicator.key} met waarden, streefwaarden en nulmetingen verwijderd")
    db.session().delete(indicator)
    db.session().commit()
    flash(f"De reeks {indicator.name} is verwijderd, met haar waarden en streefwaarden.", "success")
    return redirect(url_for("indicators.targets"))


@bp.cli.command("herberekenen")
def rebuild_command():
    """Count every indicator again: the facts of every live record, then every bucket from the facts."""
    counting.rebuild(db.session())
    db.session().commit()
    click.echo("Indicator counts rebuilt.")


@bp.cli.command("controleren")
def check_command():
    """Compare the stored facts and counts with what a rebuild would make; exit 1 on any difference."""
    found = counting.differences(db.session())
    for line in found[:100]:
        click.echo(line)
    click.echo(f"{len(found)} differences." if found else "The indicator counts are correct.")
    if found:
        raise SystemExit(1)
