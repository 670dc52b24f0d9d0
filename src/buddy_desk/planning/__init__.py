"""Joint-inspection planning: holidays, calendars, slots, iCalendar, letters (no Qt, no DB)."""
