-- metalforge schema v4: prompt takeover of a dead server's work, the server key's fingerprint, exactly-once
-- idempotent creates and the webhook outbox.

-- Live job runners. Each renews last_seen every few seconds; one whose heartbeat stopped is deleted by a live one,
-- which then takes over its jobs and re-boots the installs it had started.
CREATE TABLE workers (
  id uuid PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL,
  last_seen timestamptz NOT NULL
);
-- The worker holding a job's lease: a job whose holder is gone is claimable at once, without spending an attempt.
ALTER TABLE jobs ADD COLUMN locked_by uuid;
-- The worker that network-booted the current install (its machine phones home to that server).
ALTER TABLE devices ADD COLUMN install_worker uuid;

-- Facts about the installation itself, such as the fingerprint of the key that seals its secrets.
CREATE TABLE server_settings (
  name text PRIMARY KEY,
  value text NOT NULL
);

-- The worker running the first request of an Idempotency-Key: a retry takes the key over once that worker is gone.
ALTER TABLE idempotency_keys ADD COLUMN worker_id uuid;

-- Webhook deliveries, written in the transaction of the change they announce and sent by their own worker.
CREATE TABLE webhook_outbox (
  id bigserial PRIMARY KEY,
  project_id uuid NOT NULL,
  body jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  run_at timestamptz NOT NULL,
  locked_by uuid,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (run_at);
-- Webhooks queued as jobs by earlier versions move to the outbox.
INSERT INTO webhook_outbox (project_id, body, run_at)
SELECT (payload->>'project_id')::uuid, payload->'body', run_at FROM jobs WHERE kind = 'spot_webhook';
DELETE FROM jobs WHERE kind = 'spot_webhook';
