/**
 * Where readings come from: the stick (src/radio, localecu talks ZigBee to the inverters) or the vendor
 * ECU on the LAN (src/ecu, which polls them itself). The controller and the automations see only this, so
 * accounting, entities, findings, the map and Node-RED do not know which source produced a reading.
 */
import type { SourceView } from "../entities/snapshot.ts";
import type { CommandResult, RadioEvents } from "../radio/events.ts";
import type { InverterInput } from "../radio/inverters.ts";
import type { PollOutcome } from "../radio/scheduler.ts";

export interface ReadingSource {
  readonly kind: "stick" | "ecu";
  readonly events: RadioEvents;
  /** The bridge's identity (6 bytes; for a stick, the ECU id its inverters are paired to). */
  readonly ecuId: Uint8Array;
  /**
   * False when the source cannot command the inverters: the vendor ECU whose command pages were not found
   * at start (its port 8899 only reads). The ECU's commands take effect only at its next round.
   */
  readonly canCommand: boolean;
  /** What the source found it can command (the vendor ECU's start-up probe), for the log and bridge/info. */
  readonly sourceControl?: Readonly<Record<string, unknown>> & { summary: string };
  /**
   * What it never delivers (values, controls), each with why in words: the entities create no entity for
   * those and say so in the inverter's attributes. Absent: everything (the stick).
   */
  readonly gaps?: SourceView["gaps"];
  /** How its commands reach the inverters when not over our radio (the vendor ECU's pages). */
  readonly commandPath?: SourceView["commands"];
  start(): Promise<unknown>;
  stop(): Promise<void>;
  addInverter(i: InverterInput): unknown;
  /** The inverters it reads. */
  inverters(): readonly { serial: string }[];
  poll(serial: string): Promise<PollOutcome>;
  setMaxPower(serial: string, watts: number): Promise<CommandResult>;
  setOnOff(serial: string, on: boolean): Promise<CommandResult>;
  queryLimit(serial: string): Promise<CommandResult>;
}
