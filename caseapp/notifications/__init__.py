"""Notifications: in the app, and by e-mail (a link only) when mail is configured."""
