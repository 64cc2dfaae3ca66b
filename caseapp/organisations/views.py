from flask import Blueprint

from caseapp.access import role_required

bp = Blueprint("organisations", __name__, url_prefix="/beheer")


@bp.route("/organisaties")
@role_required("admin")
def organisations():
    return "organisaties"


@bp.route("/gemeenten")
@role_required("admin")
def gemeenten():
    return "gemeenten"
