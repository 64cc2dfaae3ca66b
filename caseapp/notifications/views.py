"""The user's own notifications: the list, opening one (which marks it read), and marking all read."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Regexp

from caseapp import db
from caseapp.access import CASEWORK_ROLES, role_required
from caseapp.audit.operations import utcnow
from caseapp.notifications import operations
from caseapp.pagination import request_page

bp = Blueprint("notifications", __name__, url_prefix="/notificaties")


class MarkAllReadForm(FlaskForm):
    """Mark read what the list showed: the newest id on it travels with the form."""

    up_to_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])  # PostgreSQL's integer: < 2**31


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def index():
    return _render_list(MarkAllReadForm())


def _render_list(form):
    page = request_page(operations.notifications_of(current_user))
    if not form.up_to_id.data:
        form.up_to_id.data = operations.newest_notification_id(current_user) or ""
    return render_template("notifications/index.html", page=page, form=form)


@bp.route("/<int:notification_id>")
@role_required(*CASEWORK_ROLES)
def show(notification_id):
    notification = operations.read_notification(current_user, notification_id, utcnow())
    if notification is None:
        abort(404)
    db.session().commit()
    return redirect(_local(notification.link))


@bp.route("/gelezen", methods=["POST"])
@role_required(*CASEWORK_ROLES)
def mark_all_read():
    form = MarkAllReadForm()
    if not form.validate_on_submit():
        flash("Er is niets als gelezen gemarkeerd: laad de pagina opnieuw en probeer het nog eens.", "error")
        form.up_to_id.data = ""
        return _render_list(form)
    marked = operations.mark_all_read(current_user, int(form.up_to_id.data), utcnow())
    db.session().commit()
    flash(f"{marked} {'notificatie' if marked == 1 else 'notificaties'} als gelezen gemarkeerd." if marked
          else "Er waren geen ongelezen notificaties.", "success")
    return redirect(url_for("notifications.index"))


def _local(link):
    """Only a path on this site: a stored link is never a way off it."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return url_for("notifications.index")
