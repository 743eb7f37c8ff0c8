-- BGP: a project's BGP configuration (one per project; its MD5 password sealed with the server's secret key) and
-- the sessions its devices hold with their metro's router (one per device and address family). A session's status,
-- reason and learned routes are what the router last said; router_error is set while the router refused the
-- change (or did not answer), and cleared once it takes it.
CREATE TABLE bgp_configs (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL UNIQUE REFERENCES projects (id) ON DELETE CASCADE,
  deployment_type text NOT NULL CHECK (deployment_type IN ('local', 'global')),
  asn bigint NOT NULL CHECK (asn BETWEEN 1 AND 4294967295),
  md5_sealed text,
  max_prefix integer NOT NULL DEFAULT 10 CHECK (max_prefix > 0),
  status text NOT NULL CHECK (status IN ('requested', 'enabled', 'disabled')),
  created_at timestamptz NOT NULL
);

CREATE TABLE bgp_sessions (
  id uuid PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  metro_id uuid NOT NULL,
  address_family text NOT NULL CHECK (address_family IN ('ipv4', 'ipv6')),
  default_route boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'up', 'down')),
  reason text,
  router_error text,
  learned_routes jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (device_id, address_family)
);
CREATE INDEX bgp_sessions_of_project ON bgp_sessions (project_id, created_at, id);
CREATE INDEX bgp_sessions_of_metro ON bgp_sessions (metro_id);
