-- metalforge schema v2: the spot market (requests, prices, price history) and project webhooks.

CREATE TABLE spot_market_requests (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  -- Catalogue references without foreign keys, as on devices (catalogue rows are never deleted).
  metro_id uuid NOT NULL,
  plan_id uuid NOT NULL,
  devices_min integer NOT NULL CHECK (devices_min >= 1),
  devices_max integer NOT NULL CHECK (devices_max >= devices_min),
  max_bid_price double precision NOT NULL CHECK (max_bid_price > 0),
  end_at timestamptz,
  -- one_time: reclaimed devices are not replaced; persistent: they are, whenever the price allows.
  kind text NOT NULL DEFAULT 'one_time' CHECK (kind IN ('one_time', 'persistent')),
  instance_parameters jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  -- Devices the request was ever filled with (a one-time request's count against devices_max).
  filled_total integer NOT NULL DEFAULT 0,
  closed_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX spot_market_requests_project ON spot_market_requests (project_id, created_at);
CREATE INDEX spot_market_requests_open ON spot_market_requests (metro_id, plan_id) WHERE state = 'open';

-- No foreign key: a request's devices outlive it (deleted without force_termination they keep running as spot).
ALTER TABLE devices ADD COLUMN spot_market_request_id uuid;
CREATE INDEX devices_spot_request ON devices (spot_market_request_id) WHERE spot_market_request_id IS NOT NULL;
CREATE INDEX devices_termination ON devices (termination_time) WHERE termination_time IS NOT NULL;
-- On-demand devices waiting for a machine to free up in their pool.
CREATE INDEX devices_waiting ON devices (metro_id, plan_id) WHERE machine_id IS NULL AND state = 'queued';

-- The current spot price per pool; `at` is the last price step applied (see lib/engine/spot/price.ts).
CREATE TABLE spot_prices (
  metro_id uuid NOT NULL,
  plan_id uuid NOT NULL,
  price double precision NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (metro_id, plan_id)
);

-- Recorded when the price changes and at least every 15 minutes; pruned to 90 days.
CREATE TABLE spot_price_history (
  metro_id uuid NOT NULL,
  plan_id uuid NOT NULL,
  at timestamptz NOT NULL,
  price double precision NOT NULL,
  PRIMARY KEY (metro_id, plan_id, at)
);
CREATE INDEX spot_price_history_at ON spot_price_history (at);

-- AES-256-GCM ciphertext of the key that signs the project's webhook deliveries (HMAC-SHA256).
ALTER TABLE projects ADD COLUMN webhook_secret text;
