"""Letters from editable templates: bestuurlijke waarschuwing and the voornemens tot sluiting and gedragsaanwijzing."""
