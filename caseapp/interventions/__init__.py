"""Interventions on a case: huisverbod, gedragsaanwijzing, 172a-maatregelen, sluiting, waarschuwing, Bibob, steps."""
