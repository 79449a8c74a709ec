-- The registry of a deployment's tenants (JdbcTenants): which schema holds each tenant's inventory,
-- and which role its credentials log in as. Flyway runs this in the registry's own schema, with
-- its own history table, apart from every tenant's schema. Released migrations are never edited.
--
-- Only the deployment's owner reads and writes it: no tenant role is granted anything here, so a
-- tenant cannot even list the others.
CREATE TABLE tenant (
    name        text        PRIMARY KEY,
    schema_name text        NOT NULL UNIQUE,
    -- NULL: the tenant has no role of its own (its schema is reached by the owner's role only).
    role_name   text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
