-- Address management: the pools an operator enrols (per metro, or global for anycast), the free list of the space
-- carved out of them, and the blocks projects reserve. Offsets and sizes are numeric so IPv6 fits; a block is
-- always aligned to its size, so (pool, start) names it. Allocation locks its pool's row (one writer per pool).
CREATE TABLE ip_pools (
  id uuid PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('public_ipv4', 'private_ipv4', 'public_ipv6', 'global_ipv4')),
  metro_id uuid REFERENCES metros (id),
  network text NOT NULL UNIQUE,
  address_family smallint NOT NULL CHECK (address_family IN (4, 6)),
  first_address numeric NOT NULL,
  size numeric NOT NULL CHECK (size > 0),
  next numeric NOT NULL DEFAULT 0,
  allocated numeric NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'global_ipv4') = (metro_id IS NULL))
);
CREATE INDEX ip_pools_by_kind ON ip_pools (type, metro_id);

CREATE TABLE ip_free_blocks (
  pool_id uuid NOT NULL REFERENCES ip_pools (id) ON DELETE CASCADE,
  start numeric NOT NULL,
  size numeric NOT NULL,
  PRIMARY KEY (pool_id, start)
);
CREATE INDEX ip_free_blocks_fit ON ip_free_blocks (pool_id, size, start);

CREATE TABLE ip_reservations (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects (id),
  pool_id uuid NOT NULL REFERENCES ip_pools (id),
  start numeric NOT NULL,
  size numeric NOT NULL,
  type text NOT NULL,
  metro_id uuid REFERENCES metros (id),
  address_family smallint NOT NULL,
  network text NOT NULL,
  cidr smallint NOT NULL,
  quantity integer NOT NULL,
  details text,
  tags jsonb NOT NULL DEFAULT '[]',
  customdata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (pool_id, start)
);
CREATE INDEX ip_reservations_of_project ON ip_reservations (project_id, created_at, id);
