"""Observable application state shared by the views (QtCore only, no widgets)."""
