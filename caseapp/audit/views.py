from flask import Blueprint

from caseapp.access import role_required

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")


@bp.route("/")
@role_required("admin")
def search():
    return "audit"
