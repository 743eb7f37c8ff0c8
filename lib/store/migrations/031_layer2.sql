-- Layer 2: a project's VLANs (virtual networks) per metro, each with a VXLAN id unique in its metro (it is the VLAN
-- id on the metro's switches); every placed device's ports as Metal showed them (bond0 over one port per NIC), its
-- network type, the VLANs each port carries (one of them native at most) and the batches that changed them.
-- A device's ports exist while it holds its machine: a trigger creates them when the machine is set, with the
-- ids the API showed before (port_id below is the same derivation as lib/engine/network/port-rules.ts portId).
CREATE TABLE virtual_networks (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  metro_id uuid NOT NULL,
  vxlan integer NOT NULL CHECK (vxlan BETWEEN 2 AND 3999),
  description text,
  tags jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (metro_id, vxlan)
);
CREATE INDEX virtual_networks_of_project ON virtual_networks (project_id, created_at, id);

-- A device's network: its type (ports and their VLANs below). Changes to it are serialised by locking its row.
CREATE TABLE device_networks (
  device_id uuid PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  machine_id uuid NOT NULL,
  network_type text NOT NULL DEFAULT 'layer3'
    CHECK (network_type IN ('layer3', 'hybrid', 'hybrid-bonded', 'layer2-bonded', 'layer2-individual')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ports (
  id uuid PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES device_networks (device_id) ON DELETE CASCADE,
  name text NOT NULL,
  mac text,
  native_vlan_id uuid REFERENCES virtual_networks (id),
  UNIQUE (device_id, name)
);

CREATE TABLE port_vlans (
  port_id uuid NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
  vlan_id uuid NOT NULL REFERENCES virtual_networks (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (port_id, vlan_id)
);
CREATE INDEX port_vlans_of_vlan ON port_vlans (vlan_id);

CREATE TABLE port_vlan_batches (
  id uuid PRIMARY KEY,
  port_id uuid NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
  project_id uuid NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'in_progress', 'completed', 'failed')),
  -- [{vlan_id, vxlan, state: assigned|unassigned, native}]
  vlan_assignments jsonb NOT NULL,
  error_messages jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX port_vlan_batches_of_port ON port_vlan_batches (port_id, created_at, id);

CREATE FUNCTION port_id(machine uuid, name text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-5' || substr(h, 14, 3) || '-' ||
    to_hex((('x' || substr(h, 17, 1))::bit(4)::int & 3) | 8) || substr(h, 18, 3) || '-' || substr(h, 21, 12))::uuid
  FROM (SELECT encode(sha256(convert_to(machine::text || '/' || name, 'UTF8')), 'hex') AS h) x
$$;

-- The ports of devices placed on a machine: bond0, then one port per NIC (eth0, eth1, ... in the machine's order).
-- A machine's ports belong to one device: a previous device's, if left, go.
CREATE FUNCTION create_device_ports(device uuid, machine uuid) RETURNS void LANGUAGE sql AS $$
  DELETE FROM device_networks WHERE machine_id = machine AND device_id <> device;
  INSERT INTO device_networks (device_id, machine_id) VALUES (device, machine) ON CONFLICT (device_id) DO NOTHING;
  INSERT INTO ports (id, device_id, name, mac)
  SELECT port_id(machine, p.name), device, p.name, p.mac FROM (
    SELECT 'bond0' AS name, NULL::text AS mac
    UNION ALL
    SELECT 'eth' || (n - 1), mac FROM machines m, jsonb_array_elements_text(m.macs) WITH ORDINALITY AS e (mac, n) WHERE m.id = machine
  ) p
  ON CONFLICT (id) DO NOTHING;
$$;

CREATE FUNCTION devices_create_ports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.machine_id IS NOT NULL AND NEW.state <> 'deleted' AND (TG_OP = 'INSERT' OR OLD.machine_id IS DISTINCT FROM NEW.machine_id) THEN
    PERFORM create_device_ports(NEW.id, NEW.machine_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER devices_create_ports AFTER INSERT OR UPDATE OF machine_id ON devices FOR EACH ROW EXECUTE FUNCTION devices_create_ports();

SELECT create_device_ports(id, machine_id) FROM devices WHERE machine_id IS NOT NULL AND state NOT IN ('deprovisioning', 'deleted');

-- Metal gateways: a VLAN's router, on the first address of an IPv4 block of its project (a private block taken
-- from the pools for it, released with it, or a block the project reserved, which stays).
CREATE TABLE metal_gateways (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  vlan_id uuid NOT NULL UNIQUE REFERENCES virtual_networks (id),
  reservation_id uuid NOT NULL UNIQUE REFERENCES ip_reservations (id),
  owns_reservation boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX metal_gateways_of_project ON metal_gateways (project_id, created_at, id);
