"""django-tenants' PostgreSQL backend, without redundant round-trips.

django-tenants forgets the search path on every ``set_tenant`` call, so each request
re-issues ``SET search_path`` even when the connection already points at that schema.
Here a switch to the schema the connection is already on keeps the cached path; and the
connection remembers the path its PostgreSQL session really has (set by its last successful
``SET``, forgotten on connect, close and any rollback, which can undo a ``SET``), so a
switch away and back with no query in between (a socket's worker thread goes back to the
public schema after each marketplace's work) sends no ``SET`` either. The
connection counts the schemas it has served so the request cycle can recycle it before
PostgreSQL's per-backend catalog caches grow without bound.

Django's health check (``conn_health_checks``) sends ``SELECT 1`` before each request's first
query: a round trip as long as a webhook's whole work. A kept connection that is idle needs no
round trip to be judged: PostgreSQL writes nothing to an idle session of ours unless it is
ending it (an error message, then end of file), so a socket with nothing to read on an idle,
unbroken connection is usable. Anything else (something to read, a transaction open, a
broken connection) is asked ``SELECT 1`` as Django does, or reconnected.
"""

import select

import psycopg
from django.conf import settings
from django.db.backends.postgresql.introspection import TableInfo
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection
from django_tenants.utils import quote_schema_name
from psycopg.pq import TransactionStatus


class SchemaIntrospection(DatabaseSchemaIntrospection):
    def get_table_list(self, cursor):
        """The current schema's tables and views, found by its namespace.

        Django asks ``pg_table_is_visible()`` of every relation of the database (django-tenants
        sets the search path to the schema around it): at six hundred schemas a scan of some
        forty thousand catalog rows, about 140 ms, which migrate makes twice per schema (does
        django_migrations exist?). Same answer for the schema alone, as the search path django-
        tenants sets for it holds nothing else."""
        cursor.execute(
            """
            SELECT c.relname,
              CASE WHEN c.relispartition THEN 'p'
                   WHEN c.relkind IN ('m', 'v') THEN 'v' ELSE 't' END,
              obj_description(c.oid, 'pg_class')
            FROM pg_catalog.pg_class c
            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
              AND c.relnamespace = to_regnamespace(%s)
            """,
            [quote_schema_name(self.connection.schema_name)],
        )
        return [TableInfo(*row) for row in cursor.fetchall() if row[0] not in self.ignored_tables]


class PreparingCursor(psycopg.Cursor):
    """Binds its parameters on the server and has PostgreSQL prepare each statement the first
    time this connection runs it (psycopg keeps the names): later runs skip parsing and
    planning. Django keeps prepared statements off for its own cursors (they bind on the
    client, for connection poolers); this cursor turns them on for its own statements only."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        connection = self.connection
        threshold = connection.prepare_threshold
        connection.prepare_threshold = 0  # None would ignore ``prepare``
        try:
            return super().execute(query, params, prepare=True, binary=binary)
        finally:
            connection.prepare_threshold = threshold


class DatabaseWrapper(TenantDatabaseWrapper):
    search_path_set_schemas: list[str] | None  # django-tenants': the path set for this schema

    def __init__(self, *args, **kwargs):
        self.schemas_served: set[str] = set()
        self.session_search_path: list[str] | None = None
        super().__init__(*args, **kwargs)
        self.introspection = SchemaIntrospection(self)

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path:
            return
        if self.search_path_set_schemas is not None:  # set for this schema already
            super()._handle_search_path(cursor)
            if self.search_path_set_schemas is None:  # a repeated SET failed
                self.session_search_path = None
            return
        wanted = self._get_cursor_search_paths()
        if wanted == self.session_search_path:
            self.search_path_set_schemas = wanted
            return
        super()._handle_search_path(cursor)
        # None when the SET failed: the session's path is then unknown.
        self.session_search_path = self.search_path_set_schemas

    def connect(self):
        self.session_search_path = None
        super().connect()

    def prepared_cursor(self):
        """A cursor for the few statements of the hot paths (every message sent, every event
        a socket delivers), written out and run with the same parameters' types each time:
        PostgreSQL prepares each once per connection, and planning them (a join of six
        tables took 1.2 ms to plan, 0.1 ms to run) is no longer paid per run. A change of
        search path (another marketplace) makes PostgreSQL parse and plan again, so a
        statement always reads the current schema. A plain cursor when
        SOUK_DB_PREPARED_STATEMENTS is off (a pooler in transaction mode that cannot keep
        prepared statements). Logged and counted as any cursor's statements."""
        cursor = self.cursor()  # the search path, as every cursor sets it
        if not settings.SOUK_DB_PREPARED_STATEMENTS:
            return cursor
        cursor.close()
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparingCursor(self.connection))

    def rollback(self):
        try:
            super().rollback()
        finally:
            self.session_search_path = None

    def savepoint_rollback(self, sid):
        try:
            super().savepoint_rollback(sid)
        finally:
            self.session_search_path = None

    def set_tenant(self, tenant, include_public=True):
        unchanged = (
            self.search_path_set_schemas is not None
            and self.schema_name == tenant.schema_name
            and self.include_public_schema == include_public
        )
        if unchanged:
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)
        self.schemas_served.add(tenant.schema_name)

    def close_if_health_check_failed(self) -> None:
        checking = self.health_check_enabled and not getattr(self, "health_check_done", True)
        if checking and self._quietly_idle():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _quietly_idle(self) -> bool:
        """An open connection, outside any transaction, with nothing waiting to be read."""
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        if raw.info.transaction_status != TransactionStatus.IDLE:
            return False
        try:
            poller = select.poll()
            poller.register(raw.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False

    def close(self):
        self.schemas_served = set()
        self.session_search_path = None
        super().close()
