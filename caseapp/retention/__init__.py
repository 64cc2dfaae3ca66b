"""Retention: how long closed cases keep their personal data (per result), and the purge that anonymises them."""
