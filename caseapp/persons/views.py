from flask import Blueprint

from caseapp.access import CASEWORK_ROLES, role_required

bp = Blueprint("persons", __name__, url_prefix="/personen")


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def search():
    return "personen"
