"""Trends wherever a source has dates: small charts with their source and vintage on the fiches and in the
comparison (Logement d'abord, private vacancy, population, résidences by opening year)."""
