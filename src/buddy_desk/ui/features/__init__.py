"""Feature plug-ins for the main window; see buddy_desk.ui.extensions."""
