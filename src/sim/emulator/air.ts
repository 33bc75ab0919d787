/**
 * The radio world the emulated stick talks into: which inverters exist, which short address each one
 * takes when paired, and which PAN/ECU each is bonded to. It outlives any one stick connection, because
 * pairing lives in the inverters (they keep their PAN and short address), not in the stick.
 */

import { hash32, hashString } from "../random.ts";
import type { EmulatedInverter } from "./types.ts";

export interface Bond {
  shortAddress: number;
  pan: number;
  channel: number;
  /** The 6 ECU bytes (MAC order) of the coordinator that paired it. */
  ecuRev: Uint8Array;
}

export interface Reachable {
  inverter: EmulatedInverter;
  bond: Bond;
}

export class EmulatorAir {
  readonly inverters = new Map<string, EmulatedInverter>();
  private readonly shorts = new Map<string, number>();
  private readonly bonds = new Map<string, Bond>();
  /** Told every new bond: `localecu emulate --bonds` keeps them the way inverters keep theirs in flash. */
  onBond?: (serial: string, bond: Bond) => void;

  constructor(
    inverters: Iterable<EmulatedInverter>,
    readonly seed = 1,
  ) {
    for (const inv of inverters) {
      if (this.inverters.has(inv.serial))
        throw new Error(`inverter ${inv.serial} is listed twice in the site`);
      this.inverters.set(inv.serial, inv);
    }
    // Sorted, so each serial's address depends on the seed and the site, not on insertion order.
    const used = new Set<number>();
    for (const serial of [...this.inverters.keys()].sort()) {
      const a = pickShort(seed, serial, used);
      used.add(a);
      this.shorts.set(serial, a);
    }
  }

  /** The short address this inverter takes when paired: seeded, random-looking, never 0x0000 or ≥ 0xFFF8. */
  shortFor(serial: string): number | undefined {
    return this.shorts.get(serial);
  }

  bond(serial: string): Bond | undefined {
    return this.bonds.get(serial);
  }

  setBond(serial: string, bond: Omit<Bond, "shortAddress">): Bond {
    const shortAddress = this.shorts.get(serial);
    if (shortAddress === undefined) throw new Error(`inverter ${serial} is not in the emulated site`);
    const b = { ...bond, ecuRev: Uint8Array.from(bond.ecuRev), shortAddress };
    this.bonds.set(serial, b);
    this.onBond?.(serial, b);
    return b;
  }

  /** Every bond, by serial. */
  allBonds(): [string, Bond][] {
    return [...this.bonds];
  }

  /** The inverter bonded to this network under `shortAddress`, whether or not its radio is on. */
  byShort(shortAddress: number, pan: number, channel: number): Reachable | undefined {
    // Keys, not entries: a [serial, bond] pair per bond per frame was most of the emulator's garbage at 500.
    for (const serial of this.bonds.keys()) {
      const bond = this.bonds.get(serial)!;
      if (bond.shortAddress === shortAddress && bond.pan === pan && bond.channel === channel) {
        return { inverter: this.inverters.get(serial)!, bond };
      }
    }
    return undefined;
  }

  /** Every inverter bonded to this network (broadcast commands reach all of them). */
  onNetwork(pan: number, channel: number): Reachable[] {
    return [...this.bonds]
      .filter(([, b]) => b.pan === pan && b.channel === channel)
      .map(([serial, bond]) => ({ inverter: this.inverters.get(serial)!, bond }));
  }

  /** Per-inverter base link quality (0x30–0x8F), like the spread seen in captures (0x1F–0x73). */
  baseLinkQuality(serial: string): number {
    return 0x30 + (hash32(this.seed, hashString(serial), 7) % 0x60);
  }
}

function pickShort(seed: number, serial: string, used: ReadonlySet<number>): number {
  for (let attempt = 0; ; attempt++) {
    const a = hash32(seed, hashString(serial), attempt) & 0xffff;
    if (a !== 0x0000 && a < 0xfff8 && !used.has(a)) return a;
  }
}
