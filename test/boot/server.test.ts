/**
 * The provisioning network's UDP services next to the boot listener: each starts only when asked for, and one that
 * cannot bind stops the others and says where it tried.
 */
import { createSocket } from 'node:dgram';
import { startProvisioningServices } from '../../lib/boot';

const DHCP = {
  serverAddress: '127.0.0.1',
  ipxeScriptUrl: 'http://127.0.0.1:8081/boot/auto.ipxe',
  networks: [{ name: 'loop', subnet: '127.0.0.0/24', rangeStart: '127.0.0.100', rangeEnd: '127.0.0.110' }],
  leases: { lease: async () => null, release: async () => undefined },
  bindAddress: '127.0.0.1',
  port: 0,
};

describe('startProvisioningServices', () => {
  it('starts only the services asked for', async () => {
    const none = await startProvisioningServices({});
    expect(none.dhcp).toBeUndefined();
    expect(none.tftp).toBeUndefined();
    const both = await startProvisioningServices({ dhcp: DHCP, tftp: { bindAddress: '127.0.0.1', port: 0 } });
    expect(both.dhcp?.port).toBeGreaterThan(0);
    expect(both.tftp?.port).toBeGreaterThan(0);
    await both.close();
  });

  it('closes what it started when a later service cannot bind, naming the address and the fix', async () => {
    const bound = async (port: number) => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, '127.0.0.1', resolve);
      });
      return socket;
    };
    const holder = await bound(0);
    const busy = holder.address().port;
    const probe = await bound(0);
    const dhcpPort = probe.address().port;
    probe.close();
    try {
      await expect(
        startProvisioningServices({ dhcp: { ...DHCP, port: dhcpPort }, tftp: { bindAddress: '127.0.0.1', port: busy } }),
      ).rejects.toThrow(
        new RegExp(`^the TFTP server cannot listen on 127.0.0.1:${busy}: .*EADDRINUSE.*; free the port or choose another bind address$`),
      );
      // The DHCP server that had started let its port go.
      (await bound(dhcpPort)).close();
    } finally {
      holder.close();
    }
  });

  it('refuses a provisioning network with a bad range before binding anything', async () => {
    await expect(
      startProvisioningServices({ dhcp: { ...DHCP, networks: [{ ...DHCP.networks[0], rangeEnd: '10.0.0.1' }] } }),
    ).rejects.toThrow('provisioning network loop: rangeEnd 10.0.0.1 is not an address inside 127.0.0.0/24');
  });
});
