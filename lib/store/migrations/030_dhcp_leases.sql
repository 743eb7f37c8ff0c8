-- DHCP leases of the provisioning networks: one address per MAC and network. An expired lease keeps its row
-- (the same machine gets its old address back) until another MAC needs the address.
CREATE TABLE dhcp_leases (
  network text NOT NULL,
  mac text NOT NULL,
  address text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (network, mac),
  UNIQUE (network, address)
);
