#!/bin/sh
# One-shot of the temporal-schema-setup service (temporalio/admin-tools image), run before the Temporal server
# starts: creates or upgrades the schemas of the `temporal` and `temporal_visibility` databases.
#
# Safe on every `docker compose up`: `setup-schema -v 0.0` only adds the version tables when they are missing and
# never lowers a recorded version; `update-schema` applies only the versions a database lacks.
# The databases and their owner role come from docker/postgres/init.sql, so no CREATEDB right is needed here.
#
# temporal-sql-tool reads its connection from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD.
# --schema-name picks the schema files embedded in the tool itself, which always match its server version.
set -eu

: "${SQL_HOST:?SQL_HOST is required}"
: "${SQL_USER:?SQL_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"

echo "Setting up the Temporal schemas on ${SQL_HOST} as ${SQL_USER}"

temporal-sql-tool --db temporal setup-schema -v 0.0
temporal-sql-tool --db temporal update-schema --schema-name postgresql/v12/temporal

temporal-sql-tool --db temporal_visibility setup-schema -v 0.0
temporal-sql-tool --db temporal_visibility update-schema --schema-name postgresql/v12/visibility

echo 'Temporal schemas are up to date'
