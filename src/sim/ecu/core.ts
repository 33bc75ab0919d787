/**
 * An emulated vendor ECU (ECU-R, ECU-R-Pro, ECU-B or ECU-C) in front of simulated inverters: it asks
 * them once per round (default every 300 s, at rounds that are not on round minutes, like the real
 * ones), keeps what they said until the next round, and answers port-8899 requests from that.
 * Lifetime and today's energy are the inverters' true energy summed at each round. Its misbehaviour:
 * it hangs when the same request comes too often within one round, pauses in its nightly maintenance
 * window, and plays the faults of faults.ts on demand.
 *
 * Time is simulated epoch ms from `now()`; rounds are computed when a request needs them.
 */

import { localDigits } from "../../ecu/local-time.ts";
import { ECU_NIGHTLY_WINDOW, type NightlyWindow } from "../../ecu/pacing.ts";
import { parseEcuRequest } from "../../protocol/ecu/requests.ts";
import { FrameError } from "../../protocol/errors.ts";
import { checkTimeZone, wallTime } from "../../zone.ts";
import type { InverterSim } from "../inverter.ts";
import type { SimSite } from "../site.ts";
import type { TelemetryTruth } from "../truth.ts";
import { SIM_DC_TO_AC_EFFICIENCY } from "../wire/scales.ts";
import {
  type EcuRecordFields,
  encodeEcuClock,
  encodeEcuEnergyHistory,
  encodeEcuEnvelope,
  encodeEcuInfo,
  encodeEcuNoData,
  encodeEcuPowerOfDay,
  encodeEcuRealtime,
  encodeEcuSignal,
  recordBody,
} from "./answers.ts";
import { EcuFaultState } from "./faults.ts";
import { type EcuProfile, ecuMac, ecuProfile } from "./profile.ts";

export const DEFAULT_EMULATED_ECU_ID = "216000000001";

export interface EcuEmulatorCoreOptions {
  site: SimSite;
  /** Simulated time, epoch ms. */
  now(): number;
  /** 12 digits; the prefix picks the model (2160 ECU-R, 2162 ECU-R-Pro, 2163 ECU-B, 2150 ECU-C). */
  ecuId?: string;
  /** The ECU's local zone (its cycle times, nightly window, day boundary). Default Europe/Amsterdam. */
  timeZone?: string;
  /** Seconds between rounds (default 300; shorter for tests). */
  cycleS?: number;
  /** Rounds start this many seconds after a multiple of the cycle (default 37: not on round minutes). */
  phaseS?: number;
  /** Lifetime energy before the emulator starts, Wh (default 1234.5 kWh). */
  lifetimeStartWh?: number;
  /** UIDs registered in the ECU but never heard (type 00 records). */
  neverHeard?: string[];
  /** Hang when one command is asked more than `maxPerCycle` times within a round's length; null = never. */
  hang?: { maxPerCycle: number; hangS: number } | null;
  /** No answers in this local window (the connection is closed); null = none. */
  nightly?: NightlyWindow | null;
  /** The firmware 0001 reports (default: the model's, profile.ts). */
  firmware?: string;
}

/** A command the web pages queued (ecu-lan-protocol.md §3): the ECU passes it on at its next round. */
export type EcuQueuedCommand =
  | { kind: "max-power"; uid: string; wattsPerInput: number }
  | { kind: "on-off"; uid: string; on: boolean };

/** What to do with one request. */
export type EcuAction =
  | { kind: "answer"; bytes: Buffer; cutAt?: number }
  /** Accept and say nothing (a hung ECU). */
  | { kind: "silent"; why: string }
  /** Close the connection without a byte (nightly maintenance, a request it cannot read). */
  | { kind: "close"; why: string };

export interface EcuInverterTruth {
  uid: string;
  online: boolean;
  typeCode: string;
  frequencyHz?: number;
  temperatureC?: number;
  acVoltageV?: number;
  /** AC share per input, W (DC power × efficiency), input A first. */
  channelPowersW?: number[];
}

/** The ECU's state at its last round, in physical units: what a decoder must read back. */
export interface EcuTruth {
  roundMs: number;
  /** ECU local time of the round, `YYYY-MM-DDThh:mm:ss`. */
  cycleTime: string;
  lifetimeWh: number;
  todayWh: number;
  acPowerW: number;
  inverters: EcuInverterTruth[];
}

interface Heard {
  inv: InverterSim;
  truth: TelemetryTruth | null;
  last: TelemetryTruth | undefined;
  level: number;
  powerUpMs: number | undefined;
  energyWh: number;
}

const TYPE_OF_FAMILY = { qs1: "03", yc600: "01", ds3: "01" } as const;

export class EcuEmulatorCore {
  readonly ecuId: string;
  readonly profile: EcuProfile;
  readonly timeZone: string;
  readonly cycleMs: number;
  readonly controls: EcuFaultState;
  private readonly phaseMs: number;
  private readonly hangRule: { maxPerCycle: number; hangS: number } | null;
  private readonly nightly: NightlyWindow | null;
  private readonly heard: Heard[];
  private readonly neverHeard: string[];
  private roundMs: number | undefined;
  private lifetimeWh: number;
  private todayWh = 0;
  private day: string | undefined;
  private readonly daily = new Map<string, number>();
  private readonly powerOfDay = new Map<string, { hhmm: string; acPowerW: number }[]>();
  private readonly asked = new Map<string, number[]>();
  private readonly queued: (EcuQueuedCommand & { postedMs: number })[] = [];
  /** Commands passed on to the inverters, with the round that did it (for tests and the log). */
  readonly delivered: (EcuQueuedCommand & { postedMs: number; roundMs: number })[] = [];

  constructor(private readonly opts: EcuEmulatorCoreOptions) {
    this.ecuId = opts.ecuId ?? DEFAULT_EMULATED_ECU_ID;
    const profile = ecuProfile(this.ecuId);
    this.profile = opts.firmware === undefined ? profile : { ...profile, firmware: opts.firmware };
    this.timeZone = checkTimeZone(opts.timeZone ?? "Europe/Amsterdam");
    const cycleS = opts.cycleS ?? 300;
    if (!(cycleS > 0))
      throw new RangeError(`the ECU's round needs a positive number of seconds, got ${cycleS}`);
    this.cycleMs = cycleS * 1000;
    this.phaseMs = ((opts.phaseS ?? 37) * 1000) % this.cycleMs;
    this.hangRule = opts.hang === undefined ? { maxPerCycle: 3, hangS: 1800 } : opts.hang;
    this.nightly = opts.nightly === undefined ? ECU_NIGHTLY_WINDOW : opts.nightly;
    this.lifetimeWh = opts.lifetimeStartWh ?? 1_234_500;
    this.neverHeard = opts.neverHeard ?? [];
    this.controls = new EcuFaultState(opts.now);
    this.heard = opts.site.inverters.map((inv, i) => ({
      inv,
      truth: null,
      last: undefined,
      // A stable, plausible link quality per inverter (the ECU's raw 0–255 indicator).
      level: 150 + ((Number(inv.serial.slice(-4)) + 37 * i) % 80),
      powerUpMs: undefined,
      energyWh: 0,
    }));
  }

  /** The ECU's answer (or silence) to one request received at simulated `tMs`. */
  handle(request: string, tMs = this.opts.now()): EcuAction {
    if (this.controls.hungUntilMs !== undefined) {
      if (tMs < this.controls.hungUntilMs) return { kind: "silent", why: "hung" };
      this.controls.hungUntilMs = undefined;
    }
    let req: ReturnType<typeof parseEcuRequest>;
    try {
      req = parseEcuRequest(request);
    } catch (e) {
      if (e instanceof FrameError) return { kind: "close", why: `not a request: ${e.message}` };
      throw e;
    }
    if (this.tooOften(req.command, tMs)) {
      this.controls.hungUntilMs = tMs + this.hangRule!.hangS * 1000;
      return {
        kind: "silent",
        why: `hung: ${req.command} asked more than ${this.hangRule!.maxPerCycle}× in one round`,
      };
    }
    if (this.inNight(tMs)) return { kind: "close", why: "nightly maintenance" };
    this.catchUp(tMs);
    if (req.command !== "0001" && req.ecuId !== this.ecuId) {
      return this.answer(req.command, encodeEcuEnvelope("11", req.command, Buffer.from("01", "latin1")));
    }
    switch (req.command) {
      case "0001":
        return this.answer("0001", this.info());
      case "0002":
        if (this.controls.take("noDataLeft") || this.roundMs === undefined)
          return this.answer("0002", encodeEcuNoData("0002"));
        return this.answer(
          "0002",
          encodeEcuRealtime({ cycleTimeDigits: this.roundDigits(), records: this.records() }),
        );
      case "0030":
        return this.answer("0030", encodeEcuSignal(this.signal()));
      case "0012":
        return this.answer("0012", encodeEcuClock(localDigits(tMs, this.timeZone)));
      case "0003": {
        const day = req.args[0] ?? "";
        return this.answer("0003", encodeEcuPowerOfDay(this.powerOfDay.get(day) ?? []));
      }
      case "0004":
        return this.answer(
          "0004",
          encodeEcuEnergyHistory(
            this.profile.infoGroup,
            req.args[0] ?? "00",
            [...this.daily].map(([yyyymmdd, energyWh]) => ({ yyyymmdd, energyWh })),
          ),
        );
      default:
        return { kind: "close", why: `command ${req.command} is not one the emulator answers` };
    }
  }

  /** Whether an inverter with this UID is registered (the pages refuse others). */
  knows(uid: string): boolean {
    return this.heard.some((h) => h.inv.serial === uid);
  }

  /**
   * Queues a command as the web pages do (a table row); the ECU's round after `tMs` sends it, after
   * reading the inverters, so the readings show it from the round after that. A newer command for the
   * same inverter and kind replaces a waiting one.
   */
  queue(c: EcuQueuedCommand, tMs = this.opts.now()): void {
    this.catchUp(tMs);
    const i = this.queued.findIndex((q) => q.uid === c.uid && q.kind === c.kind);
    if (i >= 0) this.queued.splice(i, 1);
    this.queued.push({ ...c, postedMs: tMs });
  }

  /** The state at the last round (after bringing the rounds up to `tMs`). */
  truth(tMs = this.opts.now()): EcuTruth {
    this.catchUp(tMs);
    const inverters = this.heard.map((h) => this.inverterTruth(h));
    return {
      roundMs: this.roundMs ?? Number.NaN,
      cycleTime: this.roundMs === undefined ? "" : isoOf(localDigits(this.roundMs, this.timeZone)),
      lifetimeWh: this.lifetimeWh,
      todayWh: this.todayWh,
      acPowerW: this.acPowerW(),
      inverters,
    };
  }

  /** The last round at or before `tMs`. */
  roundAt(tMs: number): number {
    return Math.floor((tMs - this.phaseMs) / this.cycleMs) * this.cycleMs + this.phaseMs;
  }

  private answer(command: string, bytes: Buffer): EcuAction {
    this.controls.answered[command] = (this.controls.answered[command] ?? 0) + 1;
    const cutAt = this.controls.takeCut(bytes.length);
    return cutAt === undefined ? { kind: "answer", bytes } : { kind: "answer", bytes, cutAt };
  }

  private tooOften(command: string, tMs: number): boolean {
    if (!this.hangRule) return false;
    const times = (this.asked.get(command) ?? []).filter((t) => t > tMs - this.cycleMs);
    times.push(tMs);
    this.asked.set(command, times);
    return times.length > this.hangRule.maxPerCycle;
  }

  private inNight(tMs: number): boolean {
    if (!this.nightly) return false;
    const l = wallTime(tMs, this.timeZone);
    const m = l.hour * 60 + l.minute;
    const [s, e] = [this.nightly.start, this.nightly.end].map(
      (t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)),
    );
    return s! <= e! ? m >= s! && m < e! : m >= s! || m < e!;
  }

  /** Runs the round due at `tMs` if it has not run yet (earlier missed rounds only add their energy). */
  private catchUp(tMs: number): void {
    const round = this.roundAt(tMs);
    if (this.roundMs !== undefined && round <= this.roundMs) return;
    if (this.controls.resetRequested) {
      this.controls.resetRequested = false;
      this.lifetimeWh = 0;
      this.todayWh = 0;
    }
    const day = localDigits(round, this.timeZone).slice(0, 8);
    if (this.day !== undefined && day !== this.day) this.todayWh = 0;
    this.day = day;
    // Rounds nobody asked about still ran: what they sent, they sent at their own time.
    this.deliver(round, (due) => due < round);
    let added = 0;
    for (const h of this.heard) {
      const t = Math.max(round, h.inv.timeMs ?? round);
      h.truth = h.inv.reply(t);
      if (h.truth) h.last = h.truth;
      const up = h.inv.poweredUpAtMs;
      if (up === undefined) continue;
      const sum = h.inv.energyWh().reduce((s, w) => s + w, 0);
      // A new power-up (a new morning) restarts the inverter's own counter.
      const delta = up === h.powerUpMs ? sum - h.energyWh : this.roundMs === undefined ? 0 : sum;
      h.powerUpMs = up;
      h.energyWh = sum;
      added += Math.max(0, delta);
    }
    this.lifetimeWh += added;
    this.todayWh += added;
    this.deliver(round, (due) => due === round);
    this.roundMs = round;
    this.daily.set(day, this.todayWh);
    const points = this.powerOfDay.get(day) ?? [];
    points.push({
      hhmm: localDigits(round, this.timeZone).slice(8, 12),
      acPowerW: Math.round(this.acPowerW()),
    });
    this.powerOfDay.set(day, points);
  }

  /**
   * Sends queued commands to their inverters at the first round after they were posted (`which` picks by
   * that round, up to `round`); one whose inverter is asleep waits for the next round.
   */
  private deliver(round: number, which: (dueMs: number) => boolean): void {
    for (const q of [...this.queued]) {
      const due = Math.max(this.roundAt(q.postedMs) + this.cycleMs, this.roundMs ?? Number.NEGATIVE_INFINITY);
      if (due > round || !which(due)) continue;
      const h = this.heard.find((x) => x.inv.serial === q.uid);
      if (!h) continue;
      const t = Math.max(due, h.inv.timeMs ?? due);
      let heard: boolean;
      if (q.kind === "on-off") heard = h.inv.setOn(q.on, t);
      else {
        // The page takes W per input; a model limited per inverter (DS3) gets the inputs' sum.
        const m = h.inv.model;
        const [lo, hi] = m.limitRangeW;
        const w = m.limitPer === "panel" ? q.wattsPerInput : q.wattsPerInput * m.channels;
        heard = h.inv.setMaxPower(Math.min(hi, Math.max(lo, w)), t);
      }
      if (!heard) continue;
      this.queued.splice(this.queued.indexOf(q), 1);
      this.delivered.push({ ...q, roundMs: due });
    }
  }

  private channelPowers(t: TelemetryTruth): number[] {
    return t.channels.map((c) => c.voltageV * c.currentA * SIM_DC_TO_AC_EFFICIENCY);
  }

  private acPowerW(): number {
    return this.heard.reduce((s, h) => {
      const online = h.truth !== null && !this.controls.offlineAs.has(h.inv.serial);
      return s + (online ? this.channelPowers(h.truth!).reduce((a, w) => a + w, 0) : 0);
    }, 0);
  }

  private typeCode(h: Heard): string {
    return this.controls.types.get(h.inv.serial) ?? TYPE_OF_FAMILY[h.inv.family];
  }

  private inverterTruth(h: Heard): EcuInverterTruth {
    const uid = h.inv.serial;
    const typeCode = this.typeCode(h);
    if (h.truth === null || this.controls.offlineAs.has(uid)) return { uid, online: false, typeCode };
    return {
      uid,
      online: true,
      typeCode,
      frequencyHz: h.truth.frequencyHz,
      temperatureC: h.truth.temperatureC,
      acVoltageV: h.truth.acVoltageV,
      channelPowersW: this.channelPowers(h.truth),
    };
  }

  private records(): EcuRecordFields[] {
    const out: EcuRecordFields[] = this.heard.map((h) => {
      const t = this.inverterTruth(h);
      if (t.online) {
        return {
          uid: t.uid,
          online: true,
          typeCode: t.typeCode,
          readings: {
            frequencyHz: t.frequencyHz!,
            temperatureC: t.temperatureC!,
            powersW: t.channelPowersW!,
            voltagesV: [t.acVoltageV!],
          },
        };
      }
      const flavour =
        this.controls.offlineAs.get(t.uid) ??
        (this.profile.offlineTempRaw === 100 ? "zeros-0c" : "zeros-minus-100c");
      const width = recordBody(t.typeCode, {
        frequencyHz: 0,
        temperatureC: 0,
        powersW: [],
        voltagesV: [],
      }).length;
      if (flavour === "stale" && h.last) {
        const last = h.last;
        return {
          uid: t.uid,
          online: false,
          typeCode: t.typeCode,
          readings: {
            frequencyHz: last.frequencyHz,
            temperatureC: last.temperatureC,
            powersW: this.channelPowers(last),
            voltagesV: [last.acVoltageV],
          },
        };
      }
      const raw = new Array<number>(width).fill(0);
      if (flavour === "zeros-0c") raw[1] = 100;
      return { uid: t.uid, online: false, typeCode: t.typeCode, raw };
    });
    for (const uid of this.neverHeard) out.push({ uid, online: false, typeCode: "00" });
    return out;
  }

  private signal(): { uid: string; levelRaw: number }[] {
    return [
      ...this.heard.map((h) => ({
        uid: h.inv.serial,
        levelRaw: h.truth !== null || (this.profile.keepsOfflineSignal && h.last) ? h.level : 0,
      })),
      ...this.neverHeard.map((uid) => ({ uid, levelRaw: 0 })),
    ];
  }

  private info(): Buffer {
    const p = this.profile;
    const online = this.heard.filter((h) => this.inverterTruth(h).online).length;
    let today = this.todayWh;
    if (this.controls.take("todayZeroLeft")) today = 0;
    else if (this.controls.take("todayDoubledLeft")) today *= 2;
    return encodeEcuInfo({
      group: p.infoGroup,
      ecuId: this.ecuId,
      lifetimeEnergyWh: this.controls.take("lifetimeZeroLeft") ? 0 : this.lifetimeWh,
      acPowerW: Math.round(this.acPowerW()),
      todayEnergyWh: today,
      lastEmaContactHex: p.emaTime
        ? this.roundMs === undefined
          ? "00000000000000"
          : this.roundDigits()
        : "d0d0d0d0d0d0d0",
      invertersRegistered: this.heard.length + this.neverHeard.length,
      invertersOnline: online,
      zigbeeChannel: "10",
      firmware: p.firmware,
      timezone: p.reportsRealZone ? this.timeZone : "Etc/GMT-8",
      ethernetMac: ecuMac("80:97:1b", this.ecuId),
      ...(p.wifiMac ? { wifiMac: ecuMac("60:c5:a8", this.ecuId) } : {}),
      ...(p.infoGroup === "12" ? { tailHex: "303000000000000000000000" } : {}),
    });
  }

  private roundDigits(): string {
    return localDigits(this.roundMs!, this.timeZone);
  }
}

function isoOf(d: string): string {
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}`;
}
