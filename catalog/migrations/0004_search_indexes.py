from django.db import migrations


class Migration(migrations.Migration):
    """A covering index for catalog search over published listings.

    Search without text (browse by category, price, place, newest) and the facet counts read
    a large share of the published listings. From the heap that is a sequential scan of wide
    rows (title, HTML description, tsvector: ~1 kB each); this partial index carries every
    column those queries touch (tags too: an index-only scan can filter on included columns,
    which beats visiting a heap page per row once a tag matches a large share of listings),
    so PostgreSQL answers them with an index-only scan of a few MB. Raw SQL with no model state: it is a physical access path, not part of the model, and
    keeping it out of Meta leaves the models' owners free to change Meta.indexes.
    """

    dependencies = [("catalog", "0003_catalog_models")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS listing_published_search_cover "
            "ON catalog_listing (category_id, price_minor) "
            "INCLUDE (id, provider_id, latitude, longitude, published_at, tags) "
            "WHERE status = 'published';",
            reverse_sql="DROP INDEX IF EXISTS listing_published_search_cover;",
        ),
    ]
