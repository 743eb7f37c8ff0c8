-- Devices take their addresses from the pools: a device's public IPv4 block is a management reservation of its own,
-- its private IPv4 and IPv6 blocks are carved out of its project's management ("precreated") blocks in the metro.
-- Each device address is an assignment, so the overlap rules of elastic IPs hold for them too.
ALTER TABLE ip_reservations ADD COLUMN management boolean NOT NULL DEFAULT false;
ALTER TABLE ip_assignments ADD COLUMN management boolean NOT NULL DEFAULT false;
CREATE INDEX ip_reservations_management ON ip_reservations (project_id, metro_id) WHERE management;
