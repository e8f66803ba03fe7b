from django.urls import path

from catalog import search_api

urlpatterns = [
    path("search/listings/", search_api.listings_search_view, name="search-listings"),
    path("search/providers/", search_api.providers_search_view, name="search-providers"),
    path("search/suggest/", search_api.suggest_view, name="search-suggest"),
]
