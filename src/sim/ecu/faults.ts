/**
 * Faults the emulated ECU plays on demand: the failures users of the LAN integrations report
 * (ecu-lan-protocol.md §6): hangs, cut answers, unknown inverter types, counters that read 0 or double,
 * offline records, no-data answers. Plain state; the core reads it when it answers.
 */

export type OfflineFlavour =
  /** All values 0 with temperature raw 100 (reads 0 °C): ECU-R 2160 and ECU-B. */
  | "zeros-0c"
  /** All values 0 (temperature reads −100 °C): ECU-R-Pro, ECU-C. */
  | "zeros-minus-100c"
  /** The last values kept while online = 0 (ECU-R 2160 fw 1.3.6C with QT2). */
  | "stale";

export interface EcuEmulatorControls {
  /** Stop answering (connections accepted, nothing sent) for this many simulated seconds. */
  hang(seconds: number): void;
  /** Simulated time until which the ECU is hung, if it is. */
  readonly hungUntilMs: number | undefined;
  /** Answer normally again now (a power cycle). */
  powerCycle(): void;
  /** The next `count` answers stop after `atByte` bytes (default: half) and the connection closes. */
  cutNext(count?: number, atByte?: number): void;
  /** This inverter's record carries an unknown type code (default "07") until cleared with undefined. */
  unknownType(uid: string, typeCode?: string | undefined): void;
  /** The next `count` 0001 answers report lifetime energy 0 (the firmware fault, ksheumaker#124). */
  lifetimeZero(count?: number): void;
  /** The next `count` 0001 answers report today's energy 0 (ksheumaker#207, #210). */
  todayZero(count?: number): void;
  /** The next `count` 0001 answers report today's energy doubled (ksheumaker#245). */
  todayDoubled(count?: number): void;
  /** The ECU's counters really restart from 0 (a replaced or reset ECU). */
  resetCounters(): void;
  /** Report this inverter offline in this flavour whatever it does; undefined clears it. */
  offline(uid: string, flavour: OfflineFlavour | undefined): void;
  /** The next `count` 0002 answers are the 16-byte status-02 no-data frame. */
  noData(count?: number): void;
  /** Send every answer in pieces of this many bytes (undefined: whole). */
  chunkBytes: number | undefined;
  /** Requests answered, by command code. */
  readonly answered: Readonly<Record<string, number>>;
}

/** The state behind the controls, read by the core. */
export class EcuFaultState implements EcuEmulatorControls {
  hungUntilMs: number | undefined;
  chunkBytes: number | undefined;
  cut: { count: number; atByte: number | undefined } = { count: 0, atByte: undefined };
  readonly types = new Map<string, string>();
  readonly offlineAs = new Map<string, OfflineFlavour>();
  lifetimeZeroLeft = 0;
  todayZeroLeft = 0;
  todayDoubledLeft = 0;
  noDataLeft = 0;
  resetRequested = false;
  readonly answered: Record<string, number> = {};

  constructor(private readonly now: () => number) {}

  hang(seconds: number): void {
    if (!(seconds > 0)) throw new RangeError(`hang needs a positive number of seconds, got ${seconds}`);
    this.hungUntilMs = this.now() + seconds * 1000;
  }

  powerCycle(): void {
    this.hungUntilMs = undefined;
  }

  cutNext(count = 1, atByte?: number): void {
    this.cut = { count, atByte };
  }

  unknownType(uid: string, typeCode: string | undefined = "07"): void {
    if (typeCode === undefined) this.types.delete(uid);
    else this.types.set(uid, typeCode);
  }

  lifetimeZero(count = 1): void {
    this.lifetimeZeroLeft = count;
  }

  todayZero(count = 1): void {
    this.todayZeroLeft = count;
  }

  todayDoubled(count = 1): void {
    this.todayDoubledLeft = count;
  }

  resetCounters(): void {
    this.resetRequested = true;
  }

  offline(uid: string, flavour: OfflineFlavour | undefined): void {
    if (flavour === undefined) this.offlineAs.delete(uid);
    else this.offlineAs.set(uid, flavour);
  }

  noData(count = 1): void {
    this.noDataLeft = count;
  }

  /** Takes one from a counter; true when it was above 0. */
  take(key: "lifetimeZeroLeft" | "todayZeroLeft" | "todayDoubledLeft" | "noDataLeft"): boolean {
    if (this[key] <= 0) return false;
    this[key]--;
    return true;
  }

  /** Where to cut the next answer of `size` bytes, or undefined. */
  takeCut(size: number): number | undefined {
    if (this.cut.count <= 0) return undefined;
    this.cut.count--;
    return Math.min(size - 1, this.cut.atByte ?? Math.floor(size / 2));
  }
}
