/** The inverters the radio talks to: serial → short address (stored by the caller after pairing) and model. */
import { formatShort, type ModelInfo, modelForSerial } from "../protocol/index.ts";
import { RadioError } from "./errors.ts";

export interface InverterEntry {
  serial: string;
  shortAddress: number;
  model: ModelInfo;
  /** Overrides the scheduler's default poll interval. */
  pollIntervalMs?: number;
}

export interface InverterInput {
  serial: string;
  shortAddress: number;
  model?: ModelInfo;
  pollIntervalMs?: number;
}

export class InverterTable {
  private readonly bySerial = new Map<string, InverterEntry>();

  upsert(i: InverterInput): InverterEntry {
    if (!Number.isInteger(i.shortAddress) || i.shortAddress <= 0 || i.shortAddress >= 0xfff8) {
      throw new RadioError(
        "unknown-inverter",
        `short address ${i.shortAddress} for ${i.serial} is not a unicast address (0x0001–0xFFF7); pair it again`,
      );
    }
    const model = i.model ?? modelForSerial(i.serial);
    if (!model) {
      throw new RadioError(
        "unknown-inverter",
        `serial ${i.serial} has no known model prefix (${i.serial.slice(0, 3)}); give the model explicitly`,
      );
    }
    const entry: InverterEntry = { serial: i.serial, shortAddress: i.shortAddress, model };
    if (i.pollIntervalMs !== undefined) entry.pollIntervalMs = i.pollIntervalMs;
    this.bySerial.set(i.serial, entry);
    return entry;
  }

  remove(serial: string): boolean {
    return this.bySerial.delete(serial);
  }

  get(serial: string): InverterEntry | undefined {
    return this.bySerial.get(serial);
  }

  require(serial: string): InverterEntry {
    const e = this.bySerial.get(serial);
    if (!e) {
      throw new RadioError(
        "unknown-inverter",
        `inverter ${serial} has no short address: pair it first (localecu probe --inverter ${serial})`,
      );
    }
    return e;
  }

  /** Without a copy: the scheduler walks the table on every poll. */
  values(): IterableIterator<InverterEntry> {
    return this.bySerial.values();
  }

  list(): InverterEntry[] {
    return [...this.bySerial.values()];
  }

  describe(serial: string): string {
    const e = this.bySerial.get(serial);
    return e ? `${serial} (${formatShort(e.shortAddress)})` : serial;
  }
}
