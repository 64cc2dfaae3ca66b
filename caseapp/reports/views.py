from flask import Blueprint

from caseapp.access import role_required

bp = Blueprint("reports", __name__, url_prefix="/overzicht")


@bp.route("/")
@role_required("analyst")
def overview():
    return "overzicht"
