/**
 * IPMI numbers both sides of the wire use (the driver that asks and the simulated BMC that answers): network
 * functions, chassis commands and the boot options parameter's selectors and flags (IPMI v2.0 §28).
 */
export const NetFn = { chassis: 0x00, app: 0x06 } as const;

export const ChassisCmd = { getStatus: 0x01, control: 0x02, setBootOptions: 0x08, getBootOptions: 0x09 } as const;

/** Boot flags parameter byte 1. */
export const BootFlag = { valid: 0x80, persistent: 0x40, efi: 0x20 } as const;

export const BootParameter = { validBitClearing: 3, bootInfoAcknowledge: 4, bootFlags: 5 } as const;
