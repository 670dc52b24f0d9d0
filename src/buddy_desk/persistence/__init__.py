"""Engine and session setup, schema migrations, the unit of work."""
