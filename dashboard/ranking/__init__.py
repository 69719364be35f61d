"""The ranking page (/classement): which EPCI lack places against their need, filtered and sorted; its layout and callbacks."""
