"""dialogs of the Buddy Desk UI."""
