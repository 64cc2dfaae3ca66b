"""Documents on cases and interventions: files kept outside the database, served only through the access gate."""
