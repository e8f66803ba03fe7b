"""Factories of every app, one module per app: rows made straight in the tables, for tests about
something else (each app's own API and services are tested through them)."""
