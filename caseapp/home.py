"""The start page: each role lands where its work is."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

bp = Blueprint("home", __name__)

LANDING = {
    "coordinator": "cases.worklist",
    "partner": "cases.worklist",
    "analyst": "indicators.report",
    "admin": "accounts.users",
}


@bp.route("/")
@login_required
def index():
    return redirect(url_for(LANDING[current_user.role]))
