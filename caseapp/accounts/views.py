import segno
from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from caseapp import db
from caseapp.access import role_required
from caseapp.accounts.forms import (
    EnrolForm,
    LoginForm,
    SecondFactorForm,
    SecondFactorResetForm,
    UserFilterForm,
    UserForm,
)
from caseapp.accounts.models import User
from caseapp.accounts.operations import (
    LOCKOUT,
    RECOVERY_CODE_COUNT,
    authenticate,
    check_second_factor,
    confirm_enrolment,
    create_user,
    enrolment_uri,
    is_locked,
    recovery_codes_left,
    renew_recovery_codes,
    reset_second_factor,
    search_users,
    start_enrolment,
    update_user,
)
from caseapp.demo import demo_logins
from caseapp.organisations.operations import all_gemeenten, all_organisations, selectable_organisations
from caseapp.pagination import filtered_page
from caseapp.sessions import (
    PENDING_LIFETIME,
    begin_login,
    current_session_id,
    drop_pending,
    log_in,
    log_out,
    pending_next,
    pending_user,
)

bp = Blueprint("accounts", __name__)

# One message for an unknown account, a wrong password, a locked account and a blocked address.
LOGIN_REFUSED = ("Deze combinatie van e-mailadres en wachtwoord is onbekend. Na te veel mislukte pogingen blijft "
                 f"inloggen {LOCKOUT.seconds // 60} minuten geblokkeerd; probeer het dan later opnieuw.")
WRONG_CODE = "Deze code klopt niet of is al gebruikt. Wacht op de volgende code van de app en probeer het opnieuw."
WRONG_RECOVERY_CODE = "Deze herstelcode klopt niet of is al gebruikt."
WRONG_ENROLMENT_CODE = ("Deze code klopt niet. Controleer of de tijd op uw telefoon goed staat en vul de code in "
                        "die de app nu toont.")
LOCKED = (f"Te veel mislukte pogingen: inloggen is {LOCKOUT.seconds // 60} minuten geblokkeerd. "
          "Probeer het daarna opnieuw.")
LOCKED_HERE = f"Te veel onjuiste codes. Probeer het over {LOCKOUT.seconds // 60} minuten opnieuw."
LOG_IN_FIRST = ("Log in met uw e-mailadres en wachtwoord. Duurde het inloggen langer dan "
                f"{PENDING_LIFETIME.seconds // 60} minuten, begin dan opnieuw.")


# -- login ------------------------------------------------------------------------------------------------


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    """The password step; a second factor follows, or its enrolment for a user who has none yet."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, _client_address())
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            if _second_factor_waived(user):
                log_in(user, "demo account, second factor off in development")
                return redirect(next_url)
            begin_login(user, next_url)
            if user.has_second_factor:
                return redirect(url_for("accounts.second_factor"))
            start_enrolment(user)
            db.session().commit()
            return redirect(url_for("accounts.enrol"))
        form.password.errors.append(LOGIN_REFUSED)
    return render_template("accounts/login.html", form=form)


@bp.route("/inloggen/code", methods=["GET", "POST"])
def second_factor():
    """The second step: a code from the app, or a recovery code. Only after it is the user logged in."""
    user, elsewhere = _half_way(enrolled=True)
    if elsewhere:
        return elsewhere
    form = SecondFactorForm()
    if form.validate_on_submit():
        how = check_second_factor(user, _client_address(), code=form.code.data,
                                  recovery_code=form.recovery_code.data)
        if how:
            next_url = pending_next()
            log_in(user, how)
            if how == "recovery code":
                flash(f"U heeft een herstelcode gebruikt; u heeft er nog {recovery_codes_left(user)}. Is uw "
                      "telefoon kwijt? Koppel dan een nieuwe app via Mijn account.", "warning")
            return redirect(next_url)
        db.session().commit()
        if is_locked(user, _client_address()):
            drop_pending()
            flash(LOCKED, "error")
            return redirect(url_for("accounts.login"))
        form.used_field.errors.append(WRONG_CODE if form.code.data else WRONG_RECOVERY_CODE)
    return render_template("accounts/second_factor.html", form=form)


@bp.route("/inloggen/koppelen", methods=["GET", "POST"])
def enrol():
    """Enrolment at login, for a user without a second factor: scan, confirm with a code, receive recovery codes."""
    user, elsewhere = _half_way(enrolled=False)
    if elsewhere:
        return elsewhere
    if user.totp_pending_secret is None:  # reset by an admin while this login was half-way
        start_enrolment(user)
        db.session().commit()
    form = EnrolForm()
    if form.validate_on_submit():
        codes = confirm_enrolment(user, form.code.data)
        if codes:
            next_url = pending_next()
            log_in(user, "second factor enrolled")
            return _recovery_codes_page(codes, next_url)
        db.session().commit()
        form.code.errors.append(WRONG_ENROLMENT_CODE)
    return _enrol_page(user, form, url_for("accounts.enrol"))


def _half_way(enrolled):
    """The user half-way through logging in, or a redirect: to the right step, or back to the password."""
    if current_user.is_authenticated:
        return None, redirect(url_for("home.index"))
    user = pending_user()
    if user is None:
        flash(LOG_IN_FIRST, "info")
        return None, redirect(url_for("accounts.login"))
    if is_locked(user, _client_address()):
        drop_pending()
        flash(LOCKED, "error")
        return None, redirect(url_for("accounts.login"))
    if user.has_second_factor != enrolled:
        return None, redirect(url_for("accounts.second_factor" if user.has_second_factor else "accounts.enrol"))
    return user, None


def _second_factor_waived(user):
    """Development only (refused in production by config.check): the demo users log in with their password alone."""
    return current_app.config["SECOND_FACTOR_DISABLED_FOR_DEMO"] and user.email in {
        email for _role, email in demo_logins()}


@bp.route("/uitloggen", methods=["POST"])
@login_required
def logout():
    log_out()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("accounts.login"))


def _safe_next(target):
    """Only local paths, so the login page cannot be used to send users elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


def _client_address():
    return request.remote_addr or ""


# -- Mijn account -----------------------------------------------------------------------------------------


@bp.route("/mijn-account")
@login_required
def account():
    return _account_page()


@bp.route("/mijn-account/herstelcodes", methods=["POST"])
@login_required
def account_recovery_codes():
    """New recovery codes, after a current code; the old ones stop working, as do the user's other sessions."""
    form = SecondFactorForm(prefix="herstelcodes")
    how = _checked(form)
    if how is None:
        return _account_page(renew_form=form)
    codes = renew_recovery_codes(current_user, how, keep_session=current_session_id())
    db.session().commit()
    return _recovery_codes_page(codes, url_for("accounts.account"))


@bp.route("/mijn-account/koppelen", methods=["POST"])
@login_required
def account_reenrol():
    """Start linking a new app, after a current code; the current app works until the new one is confirmed."""
    form = SecondFactorForm(prefix="koppelen")
    how = _checked(form)
    if how is None:
        return _account_page(reenrol_form=form)
    start_enrolment(current_user, how)
    db.session().commit()
    return _enrol_page(current_user, EnrolForm(formdata=None), url_for("accounts.account_confirm_enrolment"))


@bp.route("/mijn-account/koppelen/bevestigen", methods=["POST"])
@login_required
def account_confirm_enrolment():
    """Confirm the new app with one of its codes: it replaces the old one, with new recovery codes."""
    if current_user.totp_pending_secret is None:
        flash("Er is geen nieuwe koppeling begonnen, of die is al bevestigd. Begin hieronder opnieuw.", "error")
        return _account_page()
    form = EnrolForm()
    if form.validate_on_submit():
        codes = confirm_enrolment(current_user, form.code.data, keep_session=current_session_id())
        if codes:
            db.session().commit()
            return _recovery_codes_page(codes, url_for("accounts.account"))
        db.session().commit()
        form.code.errors.append(WRONG_ENROLMENT_CODE)
    return _enrol_page(current_user, form, url_for("accounts.account_confirm_enrolment"))


def _checked(form):
    """How the current user proved their second factor in `form`, or None with the reason on the form."""
    if not form.validate_on_submit():
        return None
    how = check_second_factor(current_user, _client_address(), code=form.code.data,
                              recovery_code=form.recovery_code.data, action="update")
    if how is None:
        db.session().commit()
        if is_locked(current_user, _client_address()):
            form.used_field.errors.append(LOCKED_HERE)
        else:
            form.used_field.errors.append(WRONG_CODE if form.code.data else WRONG_RECOVERY_CODE)
    return how


def _account_page(renew_form=None, reenrol_form=None):
    return render_template("accounts/account.html", user=current_user,
                           codes_left=recovery_codes_left(current_user), code_count=RECOVERY_CODE_COUNT,
                           renew_form=renew_form or SecondFactorForm(prefix="herstelcodes", formdata=None),
                           reenrol_form=reenrol_form or SecondFactorForm(prefix="koppelen", formdata=None))


def _enrol_page(user, form, action):
    secret = user.totp_pending_secret
    return _no_store(render_template(
        "accounts/enrol.html", user=user, form=form, action=action, qr_code=_qr_code(enrolment_uri(user)),
        secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), reenrol=current_user.is_authenticated,
    ))


def _qr_code(uri):
    """`uri` as a QR code in inline SVG, drawn here: the secret in it goes to no other service."""
    svg = segno.make(uri, error="m").svg_inline(omitsize=True, dark="#000", light="#fff",
                                                 title="QR-code om uw authenticator-app te koppelen")
    # segno's own markup: the address is encoded in the drawing, never inserted as text.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704  # nosec B704


def _recovery_codes_page(codes, continue_url):
    """The recovery codes, shown this once: only their hashes are kept, and the page is not cached."""
    return _no_store(render_template("accounts/recovery_codes.html", codes=codes, continue_url=continue_url))


def _no_store(body):
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- admin -------------------------------------------------------------------------------------------------


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
    return _user_edit_page(user, form)


@bp.route("/beheer/gebruikers/<int:user_id>/tweede-factor-resetten", methods=["POST"])
@role_required("admin")
def user_second_factor_reset(user_id):
    """Remove a user's second factor (a lost phone, no recovery codes left); they enrol again at their next login."""
    user = db.get_or_404(User, user_id)
    reset_form = SecondFactorResetForm(prefix="reset")
    if reset_form.validate_on_submit():
        reset_second_factor(current_user, user)
        db.session().commit()
        flash(f"De tweede factor van {user.name} is gereset en {user.name} is overal uitgelogd. Bij de volgende "
              "keer inloggen koppelt deze gebruiker opnieuw een authenticator-app.", "success")
        return redirect(url_for("accounts.user_edit", user_id=user.id))
    form = UserForm(record=user, formdata=None, actor=current_user,
                    organisations=selectable_organisations(user.organisation), gemeenten=all_gemeenten())
    return _user_edit_page(user, form, reset_form)


def _user_edit_page(user, form, reset_form=None):
    return render_template("admin/user_form.html", form=form, user=user,
                           reset_form=reset_form or SecondFactorResetForm(prefix="reset", formdata=None))
