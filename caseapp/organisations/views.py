from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp import db
from caseapp.access import role_required
from caseapp.organisations.forms import (
    APV_151D_LABEL,
    GemeenteFilterForm,
    GemeenteForm,
    OrganisationFilterForm,
    OrganisationForm,
    WijkForm,
)
from caseapp.organisations.models import Gemeente, Organisation, Wijk
from caseapp.organisations.operations import (
    add_wijk,
    create_gemeente,
    create_organisation,
    rename_wijk,
    search_gemeenten,
    search_organisations,
    update_gemeente,
    update_organisation,
)
from caseapp.pagination import filtered_page

bp = Blueprint("organisations", __name__, url_prefix="/beheer")


@bp.route("/organisaties")
@role_required("admin")
def organisations():
    form = OrganisationFilterForm(request.args)
    return render_template("admin/organisations.html", form=form, page=filtered_page(form, search_organisations))


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@role_required("admin")
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = create_organisation(current_user, name=form.name.data, type=form.type.data)
        db.session().commit()
        flash(f"Organisatie {organisation.name} is toegevoegd.", "success")
        return redirect(url_for("organisations.organisations"))
    return render_template("admin/form.html", form=form, title="Nieuwe organisatie",
                           back=url_for("organisations.organisations"), back_label="Terug naar organisaties")


@bp.route("/organisaties/<int:organisation_id>", methods=["GET", "POST"])
@role_required("admin")
def organisation_edit(organisation_id):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(record=organisation)
    if form.validate_on_submit():
        update_organisation(current_user, organisation, name=form.name.data, type=form.type.data,
                            active=form.active.data)
        db.session().commit()
        flash(f"Organisatie {organisation.name} is opgeslagen.", "success")
        return redirect(url_for("organisations.organisations"))
    return render_template("admin/form.html", form=form, title=f"Organisatie {organisation.name}",
                           back=url_for("organisations.organisations"), back_label="Terug naar organisaties")


@bp.route("/gemeenten")
@role_required("admin")
def gemeenten():
    form = GemeenteFilterForm(request.args)
    return render_template("admin/gemeenten.html", form=form, page=filtered_page(form, search_gemeenten))


@bp.route("/gemeenten/nieuw", methods=["GET", "POST"])
@role_required("admin")
def gemeente_new():
    form = GemeenteForm()
    if form.validate_on_submit():
        gemeente = create_gemeente(current_user, name=form.name.data, cbs_code=form.cbs_code.data,
                                   apv_151d=form.apv_151d.data,
                                   structural_attention_threshold=form.structural_attention_threshold.data)
        db.session().commit()
        flash(f"Gemeente {gemeente.name} is toegevoegd. Voeg nu de wijken toe.", "success")
        return redirect(url_for("organisations.gemeente", gemeente_id=gemeente.id))
    return render_template("admin/form.html", form=form, title="Nieuwe gemeente",
                           back=url_for("organisations.gemeenten"), back_label="Terug naar gemeenten")


@bp.route("/gemeenten/<int:gemeente_id>")
@role_required("admin")
def gemeente(gemeente_id):
    gemeente = db.get_or_404(Gemeente, gemeente_id)
    return render_template("admin/gemeente.html", gemeente=gemeente, wijk_form=WijkForm(gemeente=gemeente),
                           apv_151d_label=APV_151D_LABEL)


@bp.route("/gemeenten/<int:gemeente_id>/bewerken", methods=["GET", "POST"])
@role_required("admin")
def gemeente_edit(gemeente_id):
    gemeente = db.get_or_404(Gemeente, gemeente_id)
    form = GemeenteForm(record=gemeente)
    if form.validate_on_submit():
        update_gemeente(current_user, gemeente, name=form.name.data, cbs_code=form.cbs_code.data,
                        apv_151d=form.apv_151d.data,
                        structural_attention_threshold=form.structural_attention_threshold.data)
        db.session().commit()
        flash(f"Gemeente {gemeente.name} is opgeslagen.", "success")
        return redirect(url_for("organisations.gemeente", gemeente_id=gemeente.id))
    return render_template("admin/form.html", form=form, title=f"Gemeente {gemeente.name} bewerken",
                           back=url_for("organisations.gemeente", gemeente_id=gemeente.id),
                           back_label=f"Terug naar {gemeente.name}")


@bp.route("/gemeenten/<int:gemeente_id>/wijken", methods=["POST"])
@role_required("admin")
def gemeente_wijk_new(gemeente_id):
    gemeente = db.get_or_404(Gemeente, gemeente_id)
    form = WijkForm(gemeente=gemeente)
    if form.validate_on_submit():
        wijk = add_wijk(current_user, gemeente, name=form.name.data)
        db.session().commit()
        flash(f"Wijk {wijk.name} is toegevoegd aan {gemeente.name}.", "success")
        return redirect(url_for("organisations.gemeente", gemeente_id=gemeente.id))
    return render_template("admin/gemeente.html", gemeente=gemeente, wijk_form=form, apv_151d_label=APV_151D_LABEL)


@bp.route("/gemeenten/<int:gemeente_id>/wijken/<int:wijk_id>", methods=["GET", "POST"])
@role_required("admin")
def gemeente_wijk_edit(gemeente_id, wijk_id):
    wijk = db.get_or_404(Wijk, wijk_id)
    if wijk.gemeente_id != gemeente_id:
        abort(404)
    form = WijkForm(record=wijk, gemeente=wijk.gemeente)
    if form.validate_on_submit():
        rename_wijk(current_user, wijk, name=form.name.data)
        db.session().commit()
        flash(f"Wijk {wijk.name} is opgeslagen.", "success")
        return redirect(url_for("organisations.gemeente", gemeente_id=gemeente_id))
    return render_template("admin/form.html", form=form, title=f"Wijk {wijk.name} hernoemen",
                           back=url_for("organisations.gemeente", gemeente_id=gemeente_id),
                           back_label=f"Terug naar {wijk.gemeente.name}")
