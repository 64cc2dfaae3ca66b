from flask import Blueprint

from caseapp.access import CASEWORK_ROLES, role_required

bp = Blueprint("cases", __name__, url_prefix="/casussen")


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def worklist():
    return "casussen"
