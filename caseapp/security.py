"""Security headers on every response: a strict Content-Security-Policy and HSTS where the config asks for it."""

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def init_app(app):
    """Set the headers after every request, error pages and static files included."""

    @app.after_request
    def set_security_headers(response):
        response.headers.update(HEADERS)
        # Only behind HTTPS: browsers remember HSTS for a year, so a development host must never send it.
        if app.config["STRICT_TRANSPORT_SECURITY"]:
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        return response
