"""Use cases: functions that take a unit of work, decide, commit once and return plain data."""
