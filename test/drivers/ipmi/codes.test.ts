import { DriverError } from '../../../lib/drivers/types';
import { COMPLETION_CODES, completionCodeError, RMCP_PLUS_STATUS_CODES, sessionStatusError } from '../../../lib/drivers/ipmi/codes';
import {
  BOOT_DEVICE_SELECTOR,
  bootFlagsRequest,
  CHASSIS_CONTROL,
  parseBootFlags,
  parseChassisStatus,
} from '../../../lib/drivers/ipmi/commands';

describe('completion codes', () => {
  it.each([
    [0xc0, 'busy', true],
    [0xc3, 'timeout', true],
    [0xce, 'busy', true],
    [0xd2, 'busy', true],
    [0xff, 'busy', true],
    [0xc1, 'unsupported', false],
    [0xcc, 'unsupported', false],
    [0xd4, 'auth_failed', false],
    [0xc7, 'protocol', false],
  ] as const)('maps 0x%s to %s (retryable %s)', (code, kind, retryable) => {
    const err = completionCodeError(code, 'Chassis Control on IPMI BMC 10.0.0.1:623');
    expect(err).toBeInstanceOf(DriverError);
    expect(err.kind).toBe(kind);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain('Chassis Control on IPMI BMC 10.0.0.1:623');
    expect(err.message).toContain(`0x${code.toString(16)}`);
    expect(err.message).toContain(COMPLETION_CODES.get(code)!.text);
  });

  it('treats unknown codes as protocol errors', () => {
    const err = completionCodeError(0x42, 'Get Chassis Status');
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain('0x42');
  });
});

describe('RMCP+ session status codes', () => {
  it('maps session exhaustion to a retryable busy error that tells the operator what to do', () => {
    const err = sessionStatusError(0x01, 'Open Session on IPMI BMC 10.0.0.1:623');
    expect(err.kind).toBe('busy');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/insufficient resources/);
    expect(err.message).toMatch(/close stale sessions/);
  });

  it.each([0x0d, 0x0f, 0x0a])('maps 0x%s to auth_failed', (code) => {
    expect(sessionStatusError(code, 'RAKP').kind).toBe('auth_failed');
  });

  it('maps algorithm mismatches to unsupported', () => {
    expect(sessionStatusError(0x11, 'Open Session').kind).toBe('unsupported');
    expect(RMCP_PLUS_STATUS_CODES.get(0x04)!.kind).toBe('unsupported');
  });
});

describe('chassis command bytes', () => {
  it('maps power actions to Chassis Control values', () => {
    expect(CHASSIS_CONTROL).toEqual({ off: 0, on: 1, cycle: 2, reset: 3, soft_off: 5 });
  });

  it('reads power from bit 0 of the first status byte', () => {
    expect(parseChassisStatus(Buffer.from([0x01, 0, 0]), 'bmc')).toBe('on');
    expect(parseChassisStatus(Buffer.from([0x60, 0, 0]), 'bmc')).toBe('off');
    expect(() => parseChassisStatus(Buffer.alloc(0), 'bmc')).toThrow(DriverError);
  });

  it('builds boot flags with valid, persistent and EFI bits', () => {
    expect(bootFlagsRequest('pxe', { persistent: false, efi: false }, 'bmc').toString('hex')).toBe('058004000000');
    expect(bootFlagsRequest('disk', { persistent: true, efi: true }, 'bmc').toString('hex')).toBe('05e008000000');
    expect(bootFlagsRequest('cdrom', { persistent: false, efi: true }, 'bmc')[2]).toBe(0x14);
    expect(bootFlagsRequest('bios', { persistent: false, efi: true }, 'bmc')[2]).toBe(0x18);
  });

  it('refuses UEFI HTTP boot, which IPMI cannot express', () => {
    expect(() => bootFlagsRequest('uefi_http', { persistent: false, efi: true }, 'bmc')).toThrow(
      expect.objectContaining({ kind: 'unsupported' }),
    );
  });

  it('parses boot flags answers back to devices through the selector table', () => {
    for (const [device, selector] of Object.entries(BOOT_DEVICE_SELECTOR)) {
      expect(parseBootFlags(Buffer.from([1, 5, 0xa0, selector, 0, 0, 0]), 'bmc')).toEqual({
        device,
        selector,
        persistent: false,
        efi: true,
      });
    }
    expect(parseBootFlags(Buffer.from([1, 5, 0, 0, 0, 0, 0]), 'bmc').device).toBe('none');
    expect(parseBootFlags(Buffer.from([1, 0x85, 0xc0, 0x0c, 0, 0, 0]), 'bmc')).toMatchObject({
      device: 'disk',
      persistent: true,
    });
    expect(() => parseBootFlags(Buffer.from([1, 5, 0, 0x3c, 0, 0, 0]), 'bmc')).toThrow(expect.objectContaining({ kind: 'unsupported' }));
    expect(() => parseBootFlags(Buffer.from([1, 4, 0]), 'bmc')).toThrow(expect.objectContaining({ kind: 'protocol' }));
  });
});
