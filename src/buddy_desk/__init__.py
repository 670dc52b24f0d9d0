"""Buddy Desk: one integrated IMG/NCG dossier view for buddy pairs in Groningen."""

__version__ = "0.1.0"
