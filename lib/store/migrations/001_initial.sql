-- metalforge schema v1. One dialect (PostgreSQL) for PGlite and PostgreSQL servers.

CREATE TABLE organizations (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  full_name text NOT NULL,
  organization_id uuid NOT NULL REFERENCES organizations(id),
  is_operator boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  organization_id uuid NOT NULL REFERENCES organizations(id),
  tags jsonb NOT NULL DEFAULT '[]',
  customdata jsonb NOT NULL DEFAULT '{}',
  backend_transfer_enabled boolean NOT NULL DEFAULT false,
  webhook_url text,
  -- Bumped by a trigger whenever any of the project's devices changes: readers cache device pages by it.
  devices_version bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- API keys: only a SHA-256 hash of the token is stored.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  description text NOT NULL DEFAULT '',
  user_id uuid NOT NULL REFERENCES users(id),
  project_id uuid REFERENCES projects(id) ON DELETE CASCADE,
  read_only boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE metros (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  country text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('core', 'edge')),
  latitude double precision NOT NULL,
  longitude double precision NOT NULL,
  price_factor double precision NOT NULL DEFAULT 1
);

CREATE TABLE facilities (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  metro_id uuid NOT NULL REFERENCES metros(id),
  features jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE plans (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  category text NOT NULL,
  line text NOT NULL DEFAULT 'baremetal',
  type text NOT NULL DEFAULT 'standard',
  specs jsonb NOT NULL,
  price_hour double precision NOT NULL,
  deployment_types jsonb NOT NULL DEFAULT '["on_demand"]'
);

CREATE TABLE operating_systems (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  distro text NOT NULL,
  version text NOT NULL,
  provisionable_on jsonb NOT NULL DEFAULT '["*"]'
);

-- Physical (or simulated) machines. device_id is unique: no machine is ever given to two devices.
CREATE TABLE machines (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  facility_id uuid NOT NULL REFERENCES facilities(id),
  plan_id uuid NOT NULL REFERENCES plans(id),
  -- Global enrolment number; derives the machine's (simulated) addresses.
  ordinal integer NOT NULL UNIQUE,
  macs jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('enrolling', 'available', 'allocated', 'failed', 'maintenance')),
  bmc_driver text NOT NULL,
  bmc_address text NOT NULL,
  bmc_username text,
  -- AES-256-GCM ciphertext (iv:tag:data, base64) of the BMC password; never returned or logged.
  bmc_secret text,
  bmc_options jsonb NOT NULL DEFAULT '{}',
  inventory jsonb,
  last_error text,
  device_id uuid UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX machines_bmc ON machines (bmc_driver, bmc_address);

-- Every NIC MAC belongs to one machine: a network-booting machine is found by its MAC, and two enrolments of one
-- MAC would make that ambiguous.
CREATE TABLE machine_macs (
  mac text PRIMARY KEY,
  machine_id uuid NOT NULL REFERENCES machines(id) ON DELETE CASCADE
);
CREATE INDEX machines_free ON machines (plan_id, facility_id) WHERE state = 'available';

CREATE TABLE devices (
  id uuid PRIMARY KEY,
  short_id text NOT NULL,
  project_id uuid NOT NULL REFERENCES projects(id),
  hostname text NOT NULL,
  description text NOT NULL DEFAULT '',
  state text NOT NULL,
  failure_reason text,
  provisioning_percentage double precision,
  -- Catalogue rows are never deleted, so these references carry no foreign keys: each would cost a per-row
  -- trigger on the hottest insert, and the engine resolves them from the world before inserting.
  plan_id uuid NOT NULL,
  metro_id uuid NOT NULL,
  facility_id uuid NOT NULL,
  machine_id uuid REFERENCES machines(id),
  operating_system_id uuid NOT NULL,
  billing_cycle text NOT NULL DEFAULT 'hourly',
  userdata text NOT NULL DEFAULT '',
  customdata jsonb NOT NULL DEFAULT '{}',
  ipxe_script_url text NOT NULL DEFAULT '',
  always_pxe boolean NOT NULL DEFAULT false,
  locked boolean NOT NULL DEFAULT false,
  tags jsonb NOT NULL DEFAULT '[]',
  ssh_key_ids jsonb NOT NULL DEFAULT '[]',
  ip_addresses jsonb NOT NULL DEFAULT '[]',
  root_password text,
  -- Install number; the phone-home token of an install is derived from it with the server key.
  install_generation integer NOT NULL DEFAULT 0,
  -- SHA-256 of the one-time phone-home token of the current install (cleared once used).
  phone_home_hash text,
  spot_instance boolean NOT NULL DEFAULT false,
  spot_price_max double precision,
  termination_time timestamptz,
  deadline timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX devices_project ON devices (project_id, created_at) WHERE state <> 'deleted';
CREATE UNIQUE INDEX devices_phone_home ON devices (phone_home_hash) WHERE phone_home_hash IS NOT NULL;

CREATE FUNCTION bump_devices_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE projects SET devices_version = devices_version + 1 WHERE id IN (SELECT DISTINCT project_id FROM changed);
  RETURN NULL;
END
$$;
-- Statement-level with transition tables: one projects update per batch statement, not per device row.
CREATE TRIGGER devices_inserted AFTER INSERT ON devices REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_devices_version();
CREATE TRIGGER devices_updated AFTER UPDATE ON devices REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_devices_version();
CREATE TRIGGER devices_deleted AFTER DELETE ON devices REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_devices_version();

CREATE TABLE ssh_keys (
  id uuid PRIMARY KEY,
  label text NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  tags jsonb NOT NULL DEFAULT '[]',
  user_id uuid REFERENCES users(id),
  project_id uuid REFERENCES projects(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The event log. Device state changes carry from_state / transition / to_state.
CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  body text NOT NULL,
  state text NOT NULL DEFAULT 'done',
  project_id uuid,
  device_id uuid,
  from_state text,
  transition text,
  to_state text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_device ON events (device_id, seq);
CREATE INDEX events_project ON events (project_id, seq);

-- Durable jobs, claimed with FOR UPDATE SKIP LOCKED so several workers (or replicas) can share them.
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  device_id uuid,
  machine_id uuid,
  payload jsonb NOT NULL DEFAULT '{}',
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at);

-- Idempotent creates: the first response to (api key, Idempotency-Key) is replayed for retries.
CREATE TABLE idempotency_keys (
  api_key_id uuid NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (api_key_id, key)
);
