"""views of the Buddy Desk UI."""
