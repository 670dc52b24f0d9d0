"""widgets of the Buddy Desk UI."""
