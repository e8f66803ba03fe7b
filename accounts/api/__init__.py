"""The accounts' part of /api/v1/ (``accounts/api/urls.py``): auth flows, API tokens, the
logged-in user."""
