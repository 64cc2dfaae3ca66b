"""The audit log: search only. There is deliberately no route that changes or removes an entry."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from caseapp import db
from caseapp.access import role_required
from caseapp.accounts.operations import all_users
from caseapp.audit.forms import AuditSearchForm
from caseapp.audit.operations import record_search, search_entries
from caseapp.pagination import filtered_page

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")


@bp.route("/")
@role_required("admin")
def search():
    form = AuditSearchForm(request.args, users=all_users())
    page = filtered_page(form, search_entries)
    if page is not None:
        record_search(current_user, "audit", form.criteria(), page.total)
        db.session().commit()
    return render_template("audit/search.html", form=form, page=page)
