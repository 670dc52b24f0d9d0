"""The contact journal: dated contact moments per dossier, consent-gated like the dossier."""
