from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from caseapp import db
from caseapp.access import role_required
from caseapp.accounts.forms import LoginForm
from caseapp.accounts.models import User
from caseapp.accounts.operations import authenticate
from caseapp.audit.operations import record
from caseapp.extensions import login_manager

bp = Blueprint("accounts", __name__)


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
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Deze combinatie van e-mailadres en wachtwoord is onbekend.")
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
    return "gebruikers"
