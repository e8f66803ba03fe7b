"""Catalog writes, one module per feature: categories, listing types, provider profiles,
listings, availability, favorites, media. Each is a keyword-only function; state changes take
``actor=``. Import them from their feature module."""
