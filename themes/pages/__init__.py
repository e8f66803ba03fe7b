"""The branded site's public pages beyond the home page: search, a provider's profile and a
listing. Server-rendered and thin: each calls catalog's (and bookings') selectors as the API
does, and validates with the API's own parameter serializers."""
