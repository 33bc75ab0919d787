/**
 * The converters' pure core: one raw APS payload (6-byte serial + L2, exactly what the inverter sent) and the
 * device's memory → the state keys of the entity catalog, and the next memory. No I/O, no clock: the caller
 * passes the reading's wall-clock time. Decoding is src/protocol's `decodeReply` — the one decode path shared
 * with the CLI and the radio; state values come from the catalog's own value functions.
 */
import { INVERTER_ENTITIES, inverterState } from "../../src/entities/catalog.ts";
import type { InverterSnapshot, InverterStatus } from "../../src/entities/snapshot.ts";
import { FrameError } from "../../src/protocol/errors.ts";
import { type ModelInfo, modelForSerial } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import type { Reply, Telemetry } from "../../src/protocol/types.ts";
import type { EnergyEvent, InverterState } from "../../src/site/energy-state.ts";
import { accountReading, type EnergyContext, energyTotals } from "./energy.ts";
import { exposedKeys } from "./keys.ts";
import { statusOf } from "./status.ts";

/** What a host keeps per device between messages (zigbee2mqtt has no store: the converter keeps it). */
export interface DeviceMemory {
  serial?: string;
  /** Energy accounting state; absent until the first telemetry. */
  energy?: InverterState;
  /** The last reading, so state published while silent keeps its fault flags. */
  telemetry?: Telemetry;
  status?: InverterStatus;
}

export interface DecodeContext {
  /** Wall-clock time of the reading (ms since epoch). */
  atMs: number;
  /** IANA zone for daily energy; default: this host's zone. */
  timeZone?: string;
  /** Site energy_calibration factor; default 1. */
  calibration?: number;
  /** The device's last published state, used to seed energy when the memory is empty (see energy.ts). */
  published?: Readonly<Record<string, unknown>>;
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
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function energyContext(ctx: DecodeContext): EnergyContext {
  return { atMs: ctx.atMs, timeZone: ctx.timeZone ?? systemTimeZone(), calibration: ctx.calibration ?? 1 };
}

/** Throws FrameError for a payload that is not an inverter reply (the caller logs it). */
export function decodeRaw(payload: Uint8Array, memory: DeviceMemory, ctx: DecodeContext): DecodeResult {
  const reply = decodeReply(payload);
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
  const model = requireModel(reply.serial);
  if (reply.kind === "telemetry") {
    const step = accountReading(base.energy, reply, ectx, base.energy ? undefined : ctx.published);
    const status = statusOf(reply, step.acPowerW);
    const snap = snapshotOf(model, reply.serial, status, reply, step.next, ectx, step.acPowerW);
    return {
      reply,
      values: pickKeys(inverterState(snap), exposedKeys(model.channels)),
      memory: { ...base, energy: step.next, telemetry: reply, status },
      warnings: [],
      events: step.events,
    };
  }
  if (reply.kind === "limit") {
    // The read-back limit: a catalog control, published as state (the control itself is not exposed).
    const snap = snapshotOf(model, reply.serial, base.status ?? "idle", base.telemetry, base.energy, ectx);
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
  ctx: Omit<DecodeContext, "published">,
): Record<string, unknown> | undefined {
  if (memory.serial === undefined || memory.energy === undefined) return undefined;
  const model = requireModel(memory.serial);
  const snap = snapshotOf(
    model,
    memory.serial,
    "sleeping",
    memory.telemetry,
    memory.energy,
    energyContext(ctx),
  );
  return pickKeys(inverterState(snap), exposedKeys(model.channels));
}

function snapshotOf(
  model: ModelInfo,
  serial: string,
  status: InverterStatus,
  telemetry: Telemetry | undefined,
  energy: InverterState | undefined,
  ctx: EnergyContext,
  acPowerW?: number,
): InverterSnapshot {
  const totals = energy ? energyTotals(energy, ctx.atMs, ctx.timeZone) : [];
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
