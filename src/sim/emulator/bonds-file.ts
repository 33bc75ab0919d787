/**
 * The inverters' side of pairing on disk, for `localecu emulate --bonds FILE`. A real inverter keeps its
 * PAN, channel and ECU in flash, so a stick pulled out and plugged back in (or a restarted ser2net host)
 * still reaches it; an emulator process holds its inverters in memory, and without this file a restarted
 * emulator would bring back inverters that were never paired.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fromHex, toHex } from "../../protocol/bytes.ts";
import type { Bond, EmulatorAir } from "./air.ts";

interface SavedBond {
  pan: number;
  channel: number;
  /** The ECU bytes (MAC order) of the coordinator that paired it, hex. */
  ecu: string;
}

/** Loads the bonds kept in `file` (none if it does not exist) and keeps every new one there. */
export function keepBonds(file: string, air: EmulatorAir): void {
  if (existsSync(file)) {
    let saved: Record<string, SavedBond>;
    try {
      saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, SavedBond>;
    } catch (e) {
      throw new Error(
        `--bonds ${file}: not a bonds file (${(e as Error).message}); delete it to start unpaired`,
      );
    }
    for (const [serial, b] of Object.entries(saved)) {
      if (air.shortFor(serial) === undefined) continue; // an inverter no longer emulated
      air.setBond(serial, { pan: b.pan, channel: b.channel, ecuRev: fromHex(b.ecu) });
    }
  }
  air.onBond = () => save(file, air.allBonds());
}

function save(file: string, bonds: [string, Bond][]): void {
  const out: Record<string, SavedBond> = {};
  for (const [serial, b] of bonds) out[serial] = { pan: b.pan, channel: b.channel, ecu: toHex(b.ecuRev) };
  // Whole or not at all: a kill mid-write must not leave half a file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(out, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
