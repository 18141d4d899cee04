"""Desktop integration that needs no window: registering the app and its archive type."""
