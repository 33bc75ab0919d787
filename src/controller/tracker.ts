/**
 * Keeps one InverterSnapshot per configured inverter: readings and accounting go in, snapshots for the
 * sinks come out. Status is derived here so every sink agrees on it: at night an inverter is "sleeping"
 * with 0 W and its energies unchanged, never "unavailable".
 */
import { PRODUCING_MIN_W, readingStatus } from "../../converters/lib/status.ts";
import type { InverterSnapshot, InverterStatus, SiteSnapshot } from "../entities/snapshot.ts";
import type { ModelInfo } from "../protocol/models.ts";
import type { ProtectionReading } from "../protocol/protection/types.ts";
import type { LimitReply, Telemetry } from "../protocol/types.ts";
import type { InverterState } from "../radio/events.ts";
import type { AccountingResult, Totals } from "../site/energy/state.ts";

export interface TrackedInverter {
  serial: string;
  name: string;
  model: ModelInfo;
  shortAddress?: number;
  radioState: InverterState;
  telemetry?: Telemetry;
  acPowerW?: number;
  lifetimeWh: number;
  todayWh: number;
  channelsLifetimeWh: number[];
  channelsTodayWh: number[];
  linkQuality?: number;
  lastSeenMs?: number;
  maxPowerW?: number;
  /**
   * On/off as far as it is known: the last on/off command the inverter took (it gives no read-back for
   * on/off), else what its output proves (see applyTelemetry). Undefined = not known.
   */
  on?: boolean;
  /** When the last on/off command was delivered. */
  onOffAtMs?: number;
  panels?: (string | undefined)[];
  /** The stored limit was asked for once, so HA shows it without anyone setting it first. */
  limitQueried?: boolean;
  /** Day (local) the today-values belong to; a new day resets them before publishing. */
  day?: string;
  protection?: ProtectionReading;
  protectionAtMs?: number;
  /** When its grid-protection settings were last asked for (read once after start or pairing). */
  protectionAskedAtMs?: number;
}

export class InverterTracker {
  private readonly inverters = new Map<string, TrackedInverter>();

  add(
    i: {
      serial: string;
      name: string;
      model: ModelInfo;
      shortAddress?: number;
      panels?: (string | undefined)[];
    },
    lifetime?: Totals,
    today?: Totals,
  ): void {
    const n = i.model.channels;
    this.inverters.set(i.serial, {
      ...i,
      radioState: "unknown",
      lifetimeWh: lifetime?.inverterWh ?? 0,
      todayWh: today?.inverterWh ?? 0,
      channelsLifetimeWh: lifetime?.channelsWh.slice(0, n) ?? new Array(n).fill(0),
      channelsTodayWh: today?.channelsWh.slice(0, n) ?? new Array(n).fill(0),
    });
  }

  get(serial: string): TrackedInverter | undefined {
    return this.inverters.get(serial);
  }

  serials(): string[] {
    return [...this.inverters.keys()];
  }

  remove(serial: string): void {
    this.inverters.delete(serial);
  }

  applyTelemetry(
    t: Telemetry,
    acc: AccountingResult,
    linkQuality: number,
    atMs: number,
  ): TrackedInverter | undefined {
    const i = this.inverters.get(t.serial);
    if (!i) return undefined;
    if (acc.acPowerW >= PRODUCING_MIN_W && outputProvesOn(i, acc.acPowerSource)) i.on = true;
    i.telemetry = t;
    i.acPowerW = acc.acPowerW;
    i.lifetimeWh = acc.lifetimeWh;
    i.todayWh = acc.todayWh;
    i.channelsLifetimeWh = acc.channels.map((c) => c.lifetimeWh);
    i.channelsTodayWh = acc.channels.map((c) => c.todayWh);
    i.day = acc.day;
    i.linkQuality = linkQuality;
    i.lastSeenMs = atMs;
    i.radioState = "awake";
    return i;
  }

  /** A delivered on/off command: the state shows it from now on, whatever the averaged power says. */
  applyOnOff(serial: string, on: boolean, atMs: number): TrackedInverter | undefined {
    const i = this.inverters.get(serial);
    if (!i) return undefined;
    i.on = on;
    i.onOffAtMs = atMs;
    return i;
  }

  applyLimit(r: LimitReply): TrackedInverter | undefined {
    const i = this.inverters.get(r.serial);
    if (i) i.maxPowerW = r.limitW;
    return i;
  }

  /** Grid-protection settings read from the inverter. */
  setProtection(r: ProtectionReading, atMs: number): TrackedInverter | undefined {
    const i = this.inverters.get(r.serial);
    if (!i) return undefined;
    i.protection = r;
    i.protectionAtMs = atMs;
    return i;
  }

  setRadioState(serial: string, state: InverterState, shortAddress?: number): TrackedInverter | undefined {
    const i = this.inverters.get(serial);
    if (!i) return undefined;
    i.radioState = state;
    if (shortAddress !== undefined) i.shortAddress = shortAddress;
    return i;
  }

  /** Local midnight: today's energy starts again at 0 even if the inverter is asleep and says nothing. */
  rollDay(day: string): TrackedInverter[] {
    const changed: TrackedInverter[] = [];
    for (const i of this.inverters.values()) {
      if (i.day !== undefined && i.day !== day) {
        i.day = day;
        i.todayWh = 0;
        i.channelsTodayWh = i.channelsTodayWh.map(() => 0);
        changed.push(i);
      }
    }
    return changed;
  }

  snapshot(serial: string): InverterSnapshot | undefined {
    const i = this.inverters.get(serial);
    return i && toSnapshot(i);
  }

  snapshots(): InverterSnapshot[] {
    return [...this.inverters.values()].map(toSnapshot);
  }

  site(name: string): SiteSnapshot {
    const all = this.snapshots();
    const producing = all.filter((s) => s.status === "producing");
    return {
      name,
      powerW: producing.reduce((n, s) => n + (s.acPowerW ?? 0), 0),
      lifetimeWh: all.reduce((n, s) => n + s.lifetimeWh, 0),
      todayWh: all.reduce((n, s) => n + s.todayWh, 0),
      producing: producing.length,
      inverters: all.length,
    };
  }
}

/**
 * Output proves an inverter is on only when no OFF can explain it: nobody switched it since start, or the
 * power covers an interval that began after the command (the previous reply came after it). Power from
 * counters is the average since the previous reply, so the first reply after an OFF still shows output
 * from before it; that one proves nothing.
 */
function outputProvesOn(i: TrackedInverter, source: AccountingResult["acPowerSource"]): boolean {
  if (i.on !== false) return true;
  if (i.onOffAtMs === undefined || i.lastSeenMs === undefined) return false;
  return source !== "estimate" && i.lastSeenMs >= i.onOffAtMs;
}

export function statusOf(i: TrackedInverter): InverterStatus {
  if (i.shortAddress === undefined) return "unpaired";
  switch (i.radioState) {
    case "sleeping":
      return "sleeping";
    case "unreachable":
      return "unreachable";
    case "encrypted":
      return "encrypted";
    case "unknown":
      // Not polled yet (just started or just paired): nothing is wrong and power is not known yet.
      return "starting";
    case "awake":
      break;
  }
  if (i.on === false) return "off";
  // Awake but its reading not in yet (the radio reports the answer just before the reply): still unknown,
  // not "idle, 0 W". Otherwise the same rule the zigbee2mqtt converter applies to a reading.
  return i.telemetry ? readingStatus(i.telemetry, i.acPowerW ?? 0) : "starting";
}

function toSnapshot(i: TrackedInverter): InverterSnapshot {
  return {
    serial: i.serial,
    name: i.name,
    model: i.model,
    status: statusOf(i),
    telemetry: i.telemetry,
    acPowerW: i.acPowerW,
    lifetimeWh: i.lifetimeWh,
    todayWh: i.todayWh,
    channels: i.channelsLifetimeWh.map((lifetimeWh, n) => ({
      lifetimeWh,
      todayWh: i.channelsTodayWh[n] ?? 0,
    })),
    linkQuality: i.linkQuality,
    lastSeenMs: i.lastSeenMs,
    maxPowerW: i.maxPowerW,
    on: i.on,
    shortAddress: i.shortAddress,
    panels: i.panels,
    ...(i.protection ? { protection: i.protection, protectionAtMs: i.protectionAtMs } : {}),
  };
}
