#!/usr/bin/env bash
# First start of the PostgreSQL volume (docker-entrypoint-initdb.d): one role per duty.
#   MIGRATION_DB_ROLE owns the project's database and its tables: only `consultoria db upgrade`
#     (the compose file's one-shot `migrate` service) connects as it.
#   APP_DB_ROLE is what the action server and the bot connect as: it reads and writes rows
#     (SELECT, INSERT, UPDATE, DELETE) and nothing else, so it can neither drop nor disable the
#     append-only triggers of the audit tables (only a table's owner can), truncate a table, nor
#     create or drop one. In Rasa's database it may read and delete the rows Rasa stores, which
#     the LGPD erasure deletes.
#   TRACKER_DB_ROLE owns Rasa's tracker store database; Rasa creates its tables as this role.
# Passwords come from the container's environment and reach psql on its standard input, never
# on a command line. Role and database names may be overridden (tests use throwaway ones).
set -euo pipefail

app_db="${APP_DB_NAME:-consultoria}"
tracker_db="${TRACKER_DB_NAME:-rasa}"
owner="${MIGRATION_DB_ROLE:-consultoria_owner}"
app="${APP_DB_ROLE:-consultoria_app}"
tracker="${TRACKER_DB_ROLE:-rasa_tracker}"

# A SQL string literal: single quotes doubled.
literal() { printf "'%s'" "${1//\'/\'\'}"; }

run_sql() {  # run_sql DATABASE, the statements on standard input
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "$1"
}

run_sql "${POSTGRES_DB:-postgres}" <<SQL
CREATE ROLE "$owner" LOGIN PASSWORD $(literal "${MIGRATION_DB_PASSWORD:?set MIGRATION_DB_PASSWORD}");
CREATE ROLE "$app" LOGIN PASSWORD $(literal "${APP_DB_PASSWORD:?set APP_DB_PASSWORD}");
CREATE ROLE "$tracker" LOGIN PASSWORD $(literal "${TRACKER_DB_PASSWORD:?set TRACKER_DB_PASSWORD}");
CREATE DATABASE "$app_db" OWNER "$owner";
CREATE DATABASE "$tracker_db" OWNER "$tracker";
REVOKE ALL ON DATABASE "$app_db" FROM PUBLIC;
REVOKE ALL ON DATABASE "$tracker_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE "$app_db" TO "$app";
GRANT CONNECT ON DATABASE "$tracker_db" TO "$app";
SQL

run_sql "$app_db" <<SQL
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO "$app";
ALTER DEFAULT PRIVILEGES FOR ROLE "$owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "$app";
ALTER DEFAULT PRIVILEGES FOR ROLE "$owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO "$app";
ALTER DEFAULT PRIVILEGES FOR ROLE "$owner" IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO "$app";
SQL

run_sql "$tracker_db" <<SQL
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO "$app";
ALTER DEFAULT PRIVILEGES FOR ROLE "$tracker" IN SCHEMA public
    GRANT SELECT, DELETE ON TABLES TO "$app";
SQL
