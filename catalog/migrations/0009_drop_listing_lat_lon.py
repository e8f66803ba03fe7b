from django.db import migrations


class Migration(migrations.Migration):
    """Drop the (latitude, longitude) b-tree over every listing.

    Search reads only published listings, through listing_published_own_point (0007), which
    covers what the page and facets need. The planner misjudges a latitude × longitude box
    (it multiplies the two ranges' selectivities, ~20 rows for ~2,000), and with this index
    present it chose a bitmap scan here plus a heap visit per listing (15 ms) over the
    covering index-only scan (9 ms). Nothing else reads listings by coordinates.
    """

    dependencies = [("catalog", "0008_search_published_indexes")]

    operations = [migrations.RemoveIndex(model_name="listing", name="listing_lat_lon")]
