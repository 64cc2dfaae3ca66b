"""Case conferences (casusoverleg, zorg- en veiligheidstafel, lokale kamer): agenda, record, vaststelling."""
