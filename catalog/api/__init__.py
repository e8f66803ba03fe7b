"""The catalog's part of /api/v1/: thin views over catalog.services and catalog.selectors."""
