-- Runs once, as the superuser, when the postgres service starts on an empty volume (docker-entrypoint-initdb.d).
-- One login role per application, each owning only its own databases:
--   lethe    -> lethe
--   temporal -> temporal, temporal_visibility (schemas created by the temporal-schema-setup service)
-- Passwords come from the container's environment through psql's \getenv (psql 15+), never from this file.
-- Changing them in .env later does not change the roles; see docs/docker.md.

\getenv lethe_password LETHE_DB_PASSWORD
\getenv temporal_password TEMPORAL_DB_PASSWORD

\if :{?lethe_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'LETHE_DB_PASSWORD is not set in the postgres container'; END $$;
\endif
\if :{?temporal_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'TEMPORAL_DB_PASSWORD is not set in the postgres container'; END $$;
\endif

CREATE ROLE lethe LOGIN PASSWORD :'lethe_password';
CREATE DATABASE lethe OWNER lethe;

CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

-- Only the owner (and the superuser) may connect: Lethe cannot read Temporal's histories and vice versa.
REVOKE ALL ON DATABASE lethe, temporal, temporal_visibility FROM PUBLIC;

-- Temporal's visibility schema needs btree_gin. It is a trusted extension that the owner could create itself;
-- creating it here as the superuser keeps the schema setup independent of that.
\connect temporal_visibility
CREATE EXTENSION IF NOT EXISTS btree_gin;
