"""Documents attached to a dossier: reports and photos, stored in the database, consent-gated."""
