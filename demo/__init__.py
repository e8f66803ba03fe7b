"""Demo data for `make demo`: five marketplaces with people, catalogue, photos and bookings.

``marketplaces`` reads ``<preset-slug>.json`` and provisions each marketplace; ``catalog`` and
``bookings`` fill it through the same services the API calls. The app has no models and stays
out of ``tenants`` so the foundation app imports neither ``catalog`` nor ``bookings``. This
module imports nothing: Django imports it while loading apps, before models are ready.
"""
