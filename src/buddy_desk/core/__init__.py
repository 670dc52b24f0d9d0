"""Pure domain rules: no Qt, no database, no I/O."""
