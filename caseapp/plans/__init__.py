"""Plan van aanpak: per case, goals per leefgebied and the agreed actions, each with an owner and a due date."""
