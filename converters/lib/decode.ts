/**
 * The converters' pure core: one inverter reply and the device's memory → the state keys of the entity
 * catalog, and the next memory. No I/O, no clock: the caller passes the reading's wall-clock time.
 *
 * Both hosts run it through the same fromZigbee converter (fz.ts):
 * - zigbee2mqtt hands over the raw APS payload, so `decodeRaw` decodes it (src/protocol's `decodeReply`) and
 *   the energy is accounted in this module's memory (energy.ts: zigbee2mqtt has no store);
 * - localecu's controller has already decoded the reply in the radio and accounts energy in its SQLite store,
 *   so it passes both in (`ReadingContext.account`): the reading is decoded once and accounted once.
 * The model comes from the definition that matched (or site.yaml's `model`), never re-guessed from the serial.
 */
import { INVERTER_ENTITIES, inverterState } from "../../src/entities/catalog/index.ts";
import type { InverterSnapshot, InverterStatus } from "../../src/entities/snapshot.ts";
import { FrameError } from "../../src/protocol/errors.ts";
import { type ModelInfo, modelForSerial } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import type { Reply, Telemetry } from "../../src/protocol/types.ts";
import type { AccountingResult, EnergyEvent, InverterState } from "../../src/site/energy/state.ts";
import { accountReading, type EnergyContext, energyTotals } from "./energy.ts";
import { exposedKeys } from "./keys.ts";
import { readingStatus } from "./status.ts";

/** What a host keeps per device between messages (zigbee2mqtt has no store: the converter keeps it). */
export interface DeviceMemory {
  serial?: string;
  /** In-memory energy accounting state (zigbee2mqtt only); absent until the first telemetry. */
  energy?: InverterState;
  /** The last reading, so state published while silent keeps its fault flags. */
  telemetry?: Telemetry;
  status?: InverterStatus;
}

/** Books one reading's energy and returns the totals after it: the host's store, or the in-memory core. */
export type Accountant = (t: Telemetry, atMs: number) => AccountingResult;

export interface ReadingContext {
  /** Wall-clock time of the reading (ms since epoch). */
  atMs: number;
  /** The definition's model (or site.yaml's); default: the serial's prefix. */
  model?: ModelInfo;
  /** IANA zone for daily energy; default: this host's zone. */
  timeZone?: string;
  /** Site energy_calibration factor; default 1. */
  calibration?: number;
  /** The device's last published state, used to seed in-memory energy when the memory is empty (energy.ts). */
  published?: Readonly<Record<string, unknown>>;
  /** A host with its own energy store books the reading there; the in-memory core is then not used. */
  account?: Accountant;
}

export interface DecodeResult {
  reply: Reply;
  /** State keys to publish (catalog keys, channels as `<key>_ch<n>`). */
  values: Record<string, unknown>;
  memory: DeviceMemory;
  /** Things the user must hear about (encrypted inverter). */
  warnings: string[];
  /** Energy accounting events (restart, wrap, rejected counters). */
  events: EnergyEvent[];
  /** Telemetry only: the booked energy and the power derived from it. */
  accounting?: AccountingResult;
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function energyContext(ctx: Pick<ReadingContext, "atMs" | "timeZone" | "calibration">): EnergyContext {
  return { atMs: ctx.atMs, timeZone: ctx.timeZone ?? systemTimeZone(), calibration: ctx.calibration ?? 1 };
}

/** zigbee2mqtt's path: decode the raw payload, then `readingValues`. Throws FrameError. */
export function decodeRaw(payload: Uint8Array, memory: DeviceMemory, ctx: ReadingContext): DecodeResult {
  return readingValues(decodeReply(payload, { model: ctx.model }), memory, ctx);
}

/** An already decoded reply → catalog state. Throws FrameError when the model is unknown. */
export function readingValues(reply: Reply, memory: DeviceMemory, ctx: ReadingContext): DecodeResult {
  // A different serial behind the same address is a different inverter: start its memory afresh.
  const base: DeviceMemory = memory.serial === reply.serial ? memory : { serial: reply.serial };
  const ectx = energyContext(ctx);
  const none = { warnings: [] as string[], events: [] as EnergyEvent[] };

  if (reply.kind === "encrypted") {
    return {
      reply,
      values: { status: "encrypted" },
      memory: { ...base, status: "encrypted" },
      warnings: [reply.reason],
      events: [],
    };
  }
  const model = ctx.model ?? requireModel(reply.serial);
  if (reply.kind === "telemetry") {
    let energy = base.energy;
    let accounting: AccountingResult;
    if (ctx.account) accounting = ctx.account(reply, ctx.atMs);
    else {
      const step = accountReading(base.energy, reply, ectx, base.energy ? undefined : ctx.published);
      energy = step.next;
      accounting = step.result;
    }
    const status = readingStatus(reply, accounting.acPowerW);
    const snap = snapshotOf(model, reply.serial, status, reply, totalsOf(accounting), accounting.acPowerW);
    return {
      reply,
      values: pickKeys(inverterState(snap), exposedKeys(model.channels)),
      memory: { ...base, energy, telemetry: reply, status },
      warnings: [],
      events: accounting.events,
      accounting,
    };
  }
  if (reply.kind === "limit") {
    // The read-back limit: a catalog control, published as state (the control itself is not exposed).
    const totals = base.energy ? energyTotals(base.energy, ectx.atMs, ectx.timeZone) : [];
    const snap = snapshotOf(model, reply.serial, base.status ?? "idle", base.telemetry, totals);
    snap.maxPowerW = reply.limitW;
    const maxPower = INVERTER_ENTITIES.find((d) => d.key === "max_power")?.value?.(snap);
    return { reply, values: { max_power: maxPower ?? null }, memory: base, ...none };
  }
  return { reply, values: {}, memory: base, ...none };
}

/**
 * What to publish once an inverter has gone silent (night): status sleeping, 0 W, energies kept (today's
 * resets after local midnight). Undefined before the first reading.
 */
export function sleepingValues(
  memory: DeviceMemory,
  ctx: Pick<ReadingContext, "atMs" | "timeZone" | "model">,
): Record<string, unknown> | undefined {
  if (memory.serial === undefined || memory.energy === undefined) return undefined;
  const model = ctx.model ?? requireModel(memory.serial);
  const ectx = energyContext(ctx);
  const totals = energyTotals(memory.energy, ectx.atMs, ectx.timeZone);
  const snap = snapshotOf(model, memory.serial, "sleeping", memory.telemetry, totals);
  return pickKeys(inverterState(snap), exposedKeys(model.channels));
}

function totalsOf(a: AccountingResult): { lifetimeWh: number; todayWh: number }[] {
  return a.channels.map((c) => ({ lifetimeWh: c.lifetimeWh, todayWh: c.todayWh }));
}

function snapshotOf(
  model: ModelInfo,
  serial: string,
  status: InverterStatus,
  telemetry: Telemetry | undefined,
  totals: readonly { lifetimeWh: number; todayWh: number }[],
  acPowerW?: number,
): InverterSnapshot {
  const channels = Array.from(
    { length: model.channels },
    (_, i) => totals[i] ?? { lifetimeWh: 0, todayWh: 0 },
  );
  return {
    serial,
    name: serial,
    model,
    status,
    telemetry,
    acPowerW,
    lifetimeWh: channels.reduce((a, c) => a + c.lifetimeWh, 0),
    todayWh: channels.reduce((a, c) => a + c.todayWh, 0),
    channels,
  };
}

function requireModel(serial: string): ModelInfo {
  const model = modelForSerial(serial);
  if (!model) throw new FrameError("serial", `serial ${serial} has no known APsystems model prefix`);
  return model;
}

function pickKeys(all: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in all) out[k] = all[k];
  return out;
}
