"""The commune fiche (/commune/<code Insee>): every commune-level figure compared with its EPCI, département,
région and France, and the establishments in the commune and nearest to it."""
