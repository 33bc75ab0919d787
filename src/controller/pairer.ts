/**
 * Pairs the configured inverters that have no short address yet, one at a time, and records what it
 * learns. Inverters asleep (night) or out of reach do not answer: it tries again every 10 minutes.
 */
import type { Logger } from "../log.ts";
import type { Clock } from "../radio/clock.ts";
import type { Stick } from "../radio/stick.ts";
import type { PairingBook } from "../site/pairing.ts";
import type { InverterTracker } from "./tracker.ts";

export const PAIR_RETRY_MS = 10 * 60_000;

export interface PairerOptions {
  stick: Stick;
  tracker: InverterTracker;
  book: PairingBook;
  clock: Clock;
  logger: Logger;
  ecuId: string;
  onPaired: (serial: string) => void;
}

export class AutoPairer {
  private running = false;
  private stopped = false;
  private retry?: unknown;

  constructor(private readonly o: PairerOptions) {}

  async run(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      for (const serial of this.unpaired()) {
        if (this.stopped) return;
        await this.pairOne(serial);
      }
    } finally {
      this.running = false;
    }
    if (this.unpaired().length > 0 && !this.stopped) {
      if (this.retry !== undefined) this.o.clock.clearTimeout(this.retry);
      this.retry = this.o.clock.setTimeout(() => {
        this.retry = undefined;
        if (this.o.stick.ready) void this.run();
      }, PAIR_RETRY_MS);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.retry !== undefined) this.o.clock.clearTimeout(this.retry);
  }

  private unpaired(): string[] {
    return this.o.tracker.serials().filter((s) => this.o.tracker.get(s)?.shortAddress === undefined);
  }

  private async pairOne(serial: string): Promise<void> {
    const i = this.o.tracker.get(serial)!;
    this.o.logger.info(`pairing ${i.name} (${serial})…`);
    try {
      const res = await this.o.stick.pair(serial);
      this.o.book.set({
        serial,
        shortAddress: res.shortAddress,
        pairedAt: new Date(this.o.clock.now()).toISOString(),
        ecuId: this.o.ecuId,
        name: i.name,
      });
      i.shortAddress = res.shortAddress;
      this.o.stick.addInverter({ serial, shortAddress: res.shortAddress, model: i.model });
      const short = `0x${res.shortAddress.toString(16).toUpperCase().padStart(4, "0")}`;
      this.o.logger.info(`paired ${i.name} (${serial}) at short address ${short}`);
      this.o.onPaired(serial);
    } catch (e) {
      this.o.logger.warn(
        { serial },
        `pairing ${serial} failed: ${(e as Error).message} — trying again in 10 minutes`,
      );
    }
  }
}
