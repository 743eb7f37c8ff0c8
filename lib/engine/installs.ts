/**
 * Installs and network boots as the machines see them: the one-time phone-home token of each install (derived,
 * never stored), what a network-booting machine should do (install, rescue, or boot its disk), phone-home and
 * reported failures. Machines boot and report in waves, so lookups, hand-outs and phone-homes share batches.
 */
import { isUuid, sha256 } from '../core/ids';
import { Batcher } from '../store/batcher';
import { installingDevice, takeArmedInstalls } from '../store/boot-installs';
import type { Queryable } from '../store/database';
import { deviceRows, installsByMac, outstandingInstalls, type InstallState } from '../store/devices';
import type { EngineContext } from './context';
import { LifecycleState, NETWORK_BOOT_STATES, PROVISIONING_PROGRESS } from './lifecycle';
import type { DeviceRow } from './devices';
import { applyTransitions, type TransitionRequest } from './transitions';

/**
 * What a network-booting machine should do: install its OS, boot the in-memory rescue system, or boot its disk.
 * `token` is the phone-home token of the current network boot (install or rescue); `os` the device's OS slug.
 */
export interface BootDecision {
  deviceId: string;
  mode: 'install' | 'rescue' | 'local';
  token?: string;
  os: string;
}

/** A boot decision with the device it is for. */
export interface BootPlan extends Omit<BootDecision, 'deviceId'> {
  device: DeviceRow;
}

export class InstallService {
  private readonly phoneHomeBatcher = new Batcher<{ token: string }, 'accepted' | 'already_used' | 'unknown'>((items) =>
    this.flushPhoneHomes(items),
  );
  private readonly bootLookupBatcher = new Batcher<string, BootDecision | null>((macs) => this.lookupMacs(macs));
  private readonly tokenHandoutBatcher = new Batcher<string, string | null>((ids) => this.handOutTokens(ids));

  constructor(private readonly ctx: EngineContext) {}

  /**
   * The phone-home token of a device's current install: `<device id>.<MAC of id and install>` (derived, never
   * stored; only its hash is kept, to check a presented token against the device it names).
   */
  phoneHomeToken(deviceId: string, generation: number): string {
    return `${deviceId}.${this.ctx.secrets.derive(`phone-home:${deviceId}:${generation}`)}`;
  }

  /**
   * The device whose current install `token` belongs to, while that install runs (provisioning or reinstalling,
   * not yet phoned home, failed or deleted), or undefined.
   */
  async installOf(token: string, q: Queryable = this.ctx.db): Promise<{ id: string; hostname: string } | undefined> {
    const deviceId = deviceOfToken(token);
    return deviceId ? installingDevice(q, deviceId, sha256(token)) : undefined;
  }

  /**
   * The install token of the device's current install, handed out once per network boot the engine started for
   * it (the provisioner arms it before booting the machine); null when not armed. Lookups by MAC share a batch.
   */
  takeInstallToken(deviceId: string): Promise<string | null> {
    return this.tokenHandoutBatcher.submit(deviceId);
  }

  private async handOutTokens(deviceIds: string[]): Promise<(string | null)[]> {
    const taken = new Map((await takeArmedInstalls(this.ctx.db, [...new Set(deviceIds)])).map((r) => [r.id, r.install_generation]));
    return deviceIds.map((id) => {
      const generation = taken.get(id);
      // One hand-out per arming, also when a batch holds the same device twice.
      taken.delete(id);
      return generation === undefined ? null : this.phoneHomeToken(id, generation);
    });
  }

  phoneHome(token: string): Promise<'accepted' | 'already_used' | 'unknown'> {
    return this.phoneHomeBatcher.submit({ token });
  }

  private async flushPhoneHomes(items: { token: string }[]): Promise<('accepted' | 'already_used' | 'unknown')[]> {
    const now = this.ctx.clock.now();
    const hashes = items.map((i) => sha256(i.token));
    const ids = items.map((i) => deviceOfToken(i.token)).filter((id): id is string => !!id);
    // Tokens are checked before the transaction; the transition applies only while the install that issued the
    // token is still the device's current one.
    const rows = ids.length ? await outstandingInstalls(this.ctx.db, ids) : [];
    const byHash = new Map(rows.map((r) => [r.phone_home_hash, r]));
    return this.ctx.db.transaction(async (tx) => {
      const seen = new Set<string>();
      const requests: TransitionRequest[] = [];
      const verdicts = hashes.map((h) => {
        const install = byHash.get(h);
        if (!install) return 'unknown' as const;
        const deviceId = install.id;
        if (seen.has(deviceId)) return 'already_used' as const;
        seen.add(deviceId);
        requests.push({
          deviceId,
          event: 'phone_home',
          onlyFrom: [...NETWORK_BOOT_STATES],
          onlyGeneration: install.install_generation,
          patch: { phone_home_hash: null, provisioning_percentage: PROVISIONING_PROGRESS.phonedHome, deadline: null, failure_reason: null },
        });
        return 'accepted' as const;
      });
      const results = await applyTransitions(tx, requests, now);
      if (results.some((r) => !r.ok))
        this.ctx.log.warn({ results: results.filter((r) => !r.ok) }, 'phone-home for a device not installing');
      return verdicts;
    });
  }

  /**
   * What a machine that network-boots should do: install when its device is provisioning or reinstalling, boot
   * the rescue system when it is rescuing (each with the current network boot's phone-home token), else boot from
   * its local disk. `row` is the device as stored.
   */
  async bootPlan(deviceId: string): Promise<BootPlan | null> {
    const [row] = await deviceRows<LifecycleState>(this.ctx.db, [deviceId]);
    return row ? { device: row, ...this.bootMode(row) } : null;
  }

  /** The boot decision for the machine with this MAC, without the device's description (booting machines need only this). */
  bootDecision(mac: string): Promise<BootDecision | null> {
    return this.bootLookupBatcher.submit(mac.toLowerCase());
  }

  /** Machines PXE-boot in waves: their lookups share one query. */
  private async lookupMacs(macs: string[]): Promise<(BootDecision | null)[]> {
    const rows = await installsByMac<LifecycleState>(this.ctx.db, macs);
    const byMac = new Map(rows.map((r) => [r.boot_mac, r]));
    return macs.map((mac) => {
      const row = byMac.get(mac);
      return row ? { deviceId: row.id, ...this.bootMode(row) } : null;
    });
  }

  private bootMode(row: InstallState<LifecycleState>): Omit<BootDecision, 'deviceId'> {
    const os = this.ctx.world.operatingSystems.get(row.operating_system_id)!.slug;
    const waiting = (NETWORK_BOOT_STATES as readonly string[]).includes(row.state) && row.phone_home_hash !== null;
    if (!waiting) return { mode: 'local', os };
    return { mode: row.state === 'rescuing' ? 'rescue' : 'install', token: this.phoneHomeToken(row.id, row.install_generation), os };
  }

  /** The installer reports failure: the device fails with the installer's reason. */
  async installFailed(token: string, reason: string): Promise<'accepted' | 'unknown'> {
    const now = this.ctx.clock.now();
    return this.ctx.db.transaction(async (tx) => {
      // Checked in the transaction: a reinstall in between must not be failed by the old install's token.
      const row = await this.installOf(token, tx);
      if (!row) return 'unknown' as const;
      const message = `${row.hostname}: install failed: ${reason}; reinstall the device or delete it`;
      await applyTransitions(
        tx,
        [
          {
            deviceId: row.id,
            event: 'install_failed',
            onlyFrom: ['provisioning', 'reinstalling'],
            patch: { failure_reason: message, phone_home_hash: null, deadline: null },
            message,
          },
        ],
        now,
      );
      return 'accepted' as const;
    });
  }

  /** Resolves once queued phone-homes and lookups are done (tests and benchmarks). */
  async idle(): Promise<void> {
    await Promise.all([this.phoneHomeBatcher, this.bootLookupBatcher, this.tokenHandoutBatcher].map((batcher) => batcher.idle()));
  }
}

/** The device id a phone-home token names (see phoneHomeToken), when it has that shape. */
const deviceOfToken = (token: string): string | undefined => {
  const dot = token.indexOf('.');
  return dot > 0 && isUuid(token.slice(0, dot)) ? token.slice(0, dot) : undefined;
};
