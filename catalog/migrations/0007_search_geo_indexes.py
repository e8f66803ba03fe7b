from django.db import migrations


class Migration(migrations.Migration):
    """Partial covering indexes for listing search near a point.

    A listing is placed at its own coordinates (events, venues) or, lacking them, at its
    provider's. catalog.selectors.search searches the two kinds as two disjoint parts, one index
    each, both carrying what the page and the facets read (id, provider, category, price,
    published_at) so PostgreSQL answers them index-only:

    * own coordinates: a (latitude, longitude) range for the bounding box;
    * provider's coordinates: the providers in the box (provider_lat_lon), then their
      listings by provider_id.

    Raw SQL with no model state, as 0004: physical access paths, not part of the model.
    """

    dependencies = [("catalog", "0006_search_words")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS listing_published_own_point "
            "ON catalog_listing (latitude, longitude) "
            "INCLUDE (id, provider_id, category_id, price_minor, published_at) "
            "WHERE status = 'published' AND latitude IS NOT NULL;",
            reverse_sql="DROP INDEX IF EXISTS listing_published_own_point;",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS listing_published_provider_point "
            "ON catalog_listing (provider_id) "
            "INCLUDE (id, category_id, price_minor, published_at) "
            "WHERE status = 'published' AND latitude IS NULL;",
            reverse_sql="DROP INDEX IF EXISTS listing_published_provider_point;",
        ),
    ]
