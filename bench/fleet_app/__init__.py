"""A tenant app of bench/fleet.py only (bench/settings_fleet.py): one small table, and a
migration that adds a nullable column to it, the "one-column migration" the bench runs over
the fleet. ``migrations`` stops at the table; ``migrations_expand`` (chosen by
BENCH_FLEET_COLUMN=1) adds 0002. It has no models: the migrations are its whole state."""
