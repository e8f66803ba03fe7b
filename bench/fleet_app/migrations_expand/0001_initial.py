# The same first migration as the code without the column (bench/fleet_app/migrations).
from importlib import import_module

Migration = import_module("bench.fleet_app.migrations.0001_initial").Migration
