/**
 * Short addresses learned by pairing, kept in the data dir as `pairing.json` (small, human-readable, and
 * the one thing an installer may want to look at or copy to a new machine). Written atomically so a crash
 * never leaves half a file; the short address is not derivable from the serial, so losing it means re-pairing.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface PairingRecord {
  serial: string;
  shortAddress: number;
  pairedAt: string;
  /** ECU id the inverter was paired to: pairing is bound to the coordinator's PAN. */
  ecuId: string;
  /** Its name when paired, so its MQTT topics can be cleared if it is later removed. */
  name?: string;
}

export const PAIRING_FILE = "pairing.json";

export class PairingBook {
  private readonly records = new Map<string, PairingRecord>();

  private constructor(private readonly file: string) {}

  static open(dataDir: string): PairingBook {
    mkdirSync(dataDir, { recursive: true });
    const book = new PairingBook(join(dataDir, PAIRING_FILE));
    let text: string | undefined;
    try {
      text = readFileSync(book.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new Error(
          `${book.file}: not valid JSON (${(e as Error).message}) — fix or delete it and pair again`,
        );
      }
      for (const r of (parsed as { inverters?: PairingRecord[] }).inverters ?? [])
        book.records.set(r.serial, r);
    }
    return book;
  }

  get(serial: string, ecuId: string): PairingRecord | undefined {
    const r = this.records.get(serial);
    return r && r.ecuId.toUpperCase() === ecuId.toUpperCase() ? r : undefined;
  }

  all(): PairingRecord[] {
    return [...this.records.values()];
  }

  set(r: PairingRecord): void {
    this.records.set(r.serial, r);
    this.save();
  }

  delete(serial: string): void {
    if (this.records.delete(serial)) this.save();
  }

  private save(): void {
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify({ inverters: this.all() }, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}
