"""URLs of a marketplace host (a tenant schema)."""

from django.conf import settings
from django.urls import include, path, re_path

from catalog.sitemap import robots_txt, sitemap_xml
from tenants.admin_sites import marketplace_site
from themes.pages.profiles import listing_detail, provider_detail
from themes.pages.reading_room import reading_room
from themes.pages.search import search
from themes.pages.streams import stream_page
from themes.views import favicon, home, theme_css

urlpatterns = [
    path("", home, name="home"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("theme.css", theme_css, name="theme-css"),
    path("favicon.ico", favicon, name="favicon"),
    path("search/", search, name="search"),
    path("providers/<int:provider_id>/", provider_detail, name="provider-page"),
    path("listings/<slug:slug>/", listing_detail, name="listing-page"),
    path("readings/<int:booking_id>/", reading_room, name="reading-room"),
    path("streams/<int:stream_id>/", stream_page, name="stream-page"),
    path("", include("themes.pages.checkout.urls")),
    path("dashboard/", include("themes.pages.dashboard.urls")),
    path("provider/", include("themes.pages.provider.urls")),
    path("staff/", include("themes.pages.staff.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", marketplace_site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("billing.urls")),
    path("", include("config.urls_docs")),
]

# Under /api/ in the API's JSON error shape, elsewhere Django's pages (api/handlers.py).
handler400 = "api.handlers.bad_request"
handler403 = "api.handlers.permission_denied"
handler404 = "api.handlers.page_not_found"
handler500 = "api.handlers.server_error"

if settings.DEBUG:
    from catalog.media.serve import media_serve

    # Development only: each marketplace's own media prefix. Production serves media from S3.
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", media_serve, name="media")]
