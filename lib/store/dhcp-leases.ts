/** DHCP leases of the provisioning networks (dhcp_leases): the store behind the boot service's DHCP server. */
import type { Clock } from '../core/clock';
import type { Database } from './database';

export class DhcpLeases {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async lease(network: string, mac: string, candidates: string[], seconds: number): Promise<string | null> {
    const now = this.clock.now();
    const expires = new Date(now.getTime() + seconds * 1000);
    return this.db.transaction(async (tx) => {
      // One writer per network at a time, so two clients never take the same free address.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`dhcp:${network}`]);
      const held = await tx.query<{ address: string }>('SELECT address FROM dhcp_leases WHERE network = $1 AND mac = $2', [network, mac]);
      if (held[0] && candidates.includes(held[0].address)) {
        await tx.query('UPDATE dhcp_leases SET expires_at = $3 WHERE network = $1 AND mac = $2', [network, mac, expires]);
        return held[0].address;
      }
      const taken = await tx.query<{ address: string; expired: boolean }>(
        'SELECT address, expires_at <= $2 AS expired FROM dhcp_leases WHERE network = $1',
        [network, now],
      );
      const live = new Set(taken.filter((t) => !t.expired).map((t) => t.address));
      const never = new Set(taken.map((t) => t.address));
      // Never-leased addresses first, then the expired leases of other machines.
      const address = candidates.find((a) => !never.has(a)) ?? candidates.find((a) => !live.has(a));
      if (address === undefined) return null;
      await tx.query('DELETE FROM dhcp_leases WHERE network = $1 AND (mac = $2 OR address = $3)', [network, mac, address]);
      await tx.query('INSERT INTO dhcp_leases (network, mac, address, expires_at) VALUES ($1, $2, $3, $4)', [
        network,
        mac,
        address,
        expires,
      ]);
      return address;
    });
  }

  async release(network: string, mac: string): Promise<void> {
    await this.db.query('UPDATE dhcp_leases SET expires_at = $3 WHERE network = $1 AND mac = $2', [network, mac, this.clock.now()]);
  }

  /** The leases of a network, for operators and tests. */
  async list(network: string): Promise<{ mac: string; address: string; expiresAt: Date }[]> {
    const rows = await this.db.query<{ mac: string; address: string; expires_at: Date }>(
      'SELECT mac, address, expires_at FROM dhcp_leases WHERE network = $1 ORDER BY address',
      [network],
    );
    return rows.map((r) => ({ mac: r.mac, address: r.address, expiresAt: new Date(r.expires_at) }));
  }
}
