"""What every feature shares: the loaded data store, the perimeter it was built for, the catalogue's
indicators and values, French formatting and number parsing, and the one URL-state kit."""
