"""calculator."""
