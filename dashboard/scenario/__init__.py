"""« Projet envisagé »: planned residences placed on the fiche or the map, and their effect on the EPCI."""
