from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from caseapp import db
from caseapp.access import role_required
from caseapp.accounts.forms import LoginForm, UserFilterForm, UserForm
from caseapp.accounts.models import User
from caseapp.accounts.operations import LOCKOUT, authenticate, create_user, search_users, update_user
from caseapp.audit.operations import record
from caseapp.extensions import login_manager
from caseapp.organisations.operations import all_gemeenten, all_organisations, selectable_organisations
from caseapp.pagination import filtered_page

bp = Blueprint("accounts", __name__)

# One message for an unknown account, a wrong password, a locked account and a blocked address.
LOGIN_REFUSED = ("Deze combinatie van e-mailadres en wachtwoord is onbekend. Na te veel mislukte pogingen blijft "
                 f"inloggen {LOCKOUT.seconds // 60} minuten geblokkeerd; probeer het dan later opnieuw.")


@login_manager.user_loader
def load_user(user_id):
    user = db.session().get(User, int(user_id))
    return user if user is not None and user.active else None


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, request.remote_addr or "")
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(LOGIN_REFUSED)
    return render_template("accounts/login.html", form=form)


@bp.route("/uitloggen", methods=["POST"])
@login_required
def logout():
    record(current_user, "logout", record_type="user", record_id=current_user.id)
    db.session().commit()
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("accounts.login"))


def _safe_next(target):
    """Only local paths, so the login page cannot be used to send users elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/beheer/gebruikers")
@role_required("admin")
def users():
    form = UserFilterForm(request.args, organisations=all_organisations())
    return render_template("admin/users.html", form=form, page=filtered_page(form, search_users))


@bp.route("/beheer/gebruikers/nieuw", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    form = UserForm(actor=current_user, organisations=selectable_organisations(), gemeenten=all_gemeenten())
    if form.validate_on_submit():
        user = create_user(current_user, email=form.email.data, name=form.name.data, password=form.password.data,
                           role=form.role.data, organisation=form.organisation, gemeenten=form.gemeenten)
        db.session().commit()
        flash(f"Gebruiker {user.name} is aangemaakt.", "success")
        return redirect(url_for("accounts.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/beheer/gebruikers/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(record=user, actor=current_user, organisations=selectable_organisations(user.organisation),
                    gemeenten=all_gemeenten())
    if form.validate_on_submit():
        update_user(current_user, user, email=form.email.data, name=form.name.data, role=form.role.data,
                    organisation=form.organisation, gemeenten=form.gemeenten, active=form.active.data,
                    password=form.password.data)
        db.session().commit()
        flash(f"De gegevens van {user.name} zijn opgeslagen.", "success")
        return redirect(url_for("accounts.users"))
    return render_template("admin/user_form.html", form=form, user=user)
