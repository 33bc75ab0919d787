/**
 * What `localecu replace` does besides rewriting site.yaml: the new unit continues the old one's lifetime
 * energy (history stays with the position), the old short address is forgotten so the new unit is paired at
 * the next start, and the old unit is retired from Home Assistant by the controller (it removes devices that
 * have accounting or pairing records but are no longer in site.yaml).
 */
import { loadConfig } from "./config/index.ts";
import { PairingBook } from "./pairing.ts";
import type { ReplaceResult } from "./replace.ts";
import { EnergyStore } from "./store/index.ts";

export async function continueAfterReplace(
  result: ReplaceResult,
  configFile: string,
  nowMs = Date.now(),
): Promise<string[]> {
  const config = await loadConfig(configFile);
  const notes: string[] = [];
  const store = EnergyStore.open(config.site.dataDir, {
    timeZone: config.site.timezone,
    calibration: config.site.energyCalibration,
    historyDays: config.site.historyDays,
  });
  try {
    if (store.state(result.oldSerial) === undefined) {
      // A unit that never reported (dead on arrival, or replaced before its first poll): nothing to continue.
      notes.push(`no energy was recorded for ${result.oldSerial}: ${result.newSerial} starts from 0 kWh`);
    } else {
      const kWh = ((store.lifetime(result.oldSerial)?.inverterWh ?? 0) / 1000).toFixed(2);
      store.carryOver(result.oldSerial, result.newSerial, nowMs);
      notes.push(
        `lifetime energy continues: ${result.newSerial} starts from ${kWh} kWh recorded by ${result.oldSerial}`,
      );
    }
  } finally {
    store.close();
  }
  const book = PairingBook.open(config.site.dataDir);
  book.delete(result.oldSerial);
  notes.push(
    `${result.newSerial} will be paired when the controller next starts (or run \`localecu pair ${result.newSerial} --config ${configFile}\`)`,
  );
  notes.push(`${result.oldSerial} is removed from Home Assistant when the controller next starts`);
  return notes;
}
