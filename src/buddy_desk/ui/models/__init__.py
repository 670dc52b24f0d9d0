"""models of the Buddy Desk UI."""
