from django.db import migrations


class Migration(migrations.Migration):
    """Published listings by provider, covering what the facet counts read.

    Provider-level filters (rating, badges, online, available on a date) select a set of
    providers; with this index the counts walk each chosen provider's listings (a nested loop
    of index-only range scans) instead of hashing every provider and probing it with every
    published listing: 43 → 22 ms for "rating ≥ 4" over 100k listings.
    """

    dependencies = [("catalog", "0009_drop_listing_lat_lon")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS listing_published_by_provider "
            "ON catalog_listing (provider_id) INCLUDE (category_id, price_minor) "
            "WHERE status = 'published';",
            reverse_sql="DROP INDEX IF EXISTS listing_published_by_provider;",
        ),
    ]
