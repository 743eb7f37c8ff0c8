-- Elastic IPs: an address or subnet of a project's reserved block assigned to one of its devices. `start` is the
-- offset inside the reservation, `size` its addresses; assignments of one reservation never overlap, which the
-- engine checks under the reservation's row lock (the unique key is the backstop for equal starts). A device's
-- deletion releases them in its own transaction; a hard-deleted device (project deletion) takes them with it.
CREATE TABLE ip_assignments (
  id uuid PRIMARY KEY,
  reservation_id uuid NOT NULL REFERENCES ip_reservations (id),
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  address text NOT NULL,
  cidr smallint NOT NULL,
  start numeric NOT NULL,
  size numeric NOT NULL CHECK (size > 0),
  customdata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  UNIQUE (reservation_id, start)
);
CREATE INDEX ip_assignments_of_device ON ip_assignments (device_id, created_at, id);
