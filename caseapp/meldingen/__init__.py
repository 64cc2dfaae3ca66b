"""Meldingen and signalen: registration, the triage inbox, and the structural-attention flag."""
