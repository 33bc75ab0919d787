/**
 * The schedule's pure core: time ticks, price samples, overrides and polled inverter states in; the
 * desired state of every inverter out, with its reason, the next foreseeable change, and whether the last
 * poll confirms it. No I/O and no clock: time is the inputs' `atMs`.
 *
 * Restart-safe by construction: the desired state is computed afresh on every update from the rules, the
 * time, the last price and the override; nothing about "we switched it off" is remembered. A controller
 * that restarts inside a window switches off again; one that restarts after it finds the inverters on.
 * The one memory is the price cut's hysteresis and minimum times (price.ts), which start empty.
 *
 * Precedence: an override replaces rules and price; otherwise the more restrictive of the rule in force
 * and the price cut wins (off < limit < on, compared in whole-inverter W).
 */
import type { ScheduleSettings } from "../../site/config/types.ts";
import { localDateOf } from "../../site/local-time.ts";
import { type CompiledSchedule, compileSchedule } from "../../site/schedule-rules.ts";
import { Calendar, type Occurrence, ruleAt } from "./occurrences.ts";
import { PriceGate } from "./price.ts";
import {
  describeOverride,
  describePriceCut,
  describePriceMissing,
  describePriceWait,
  describeRule,
  describeWant,
} from "./reasons.ts";
import { ceilingW, type InverterSpec, type Reported, specOf, targetOf, verify, wholeW } from "./target.ts";
import type {
  InverterDecision,
  OverrideMode,
  ScheduleDecision,
  ScheduleInput,
  ScheduleInverter,
  ScheduleSite,
  Source,
  Target,
  Transition,
  Want,
} from "./types.ts";

interface Override {
  mode: Exclude<OverrideMode, "auto">;
  limitW?: number;
  untilMs?: number;
  by: string;
}

interface Desired {
  want: Want;
  limitW?: number;
  target: Target;
  source: Source;
  reason: string;
}

const DAY_MS = 86_400_000;
/** How far ahead the next change is looked for: a weekly rule always shows. */
const AHEAD_DAYS = 8;

export class Schedule {
  readonly compiled: CompiledSchedule;
  private readonly specs = new Map<string, InverterSpec>();
  private readonly calendar: Calendar;
  private readonly gate: PriceGate | undefined;
  private readonly overrides = new Map<string, Override>();
  private readonly reports = new Map<string, Reported>();
  private nowMs = Number.NEGATIVE_INFINITY;
  private occs: { key: string; list: Occurrence[] } | undefined;
  private lastPrint: string | undefined;

  constructor(
    inverters: readonly ScheduleInverter[],
    settings: ScheduleSettings,
    readonly site: ScheduleSite,
  ) {
    if (inverters.length === 0)
      throw new RangeError("schedule: no inverters to switch; list at least one inverter");
    for (const inv of inverters) {
      if (this.specs.has(inv.serial))
        throw new RangeError(`schedule: inverter ${inv.serial} is listed twice; list each once`);
      this.specs.set(inv.serial, specOf(inv));
    }
    try {
      new Intl.DateTimeFormat("en", { timeZone: site.timezone });
    } catch {
      throw new RangeError(
        `schedule: unknown time zone "${site.timezone}"; use an IANA name like Europe/Amsterdam`,
      );
    }
    this.compiled = compileSchedule(settings, {
      inverters,
      hasPosition: site.latitude !== undefined && site.longitude !== undefined,
    });
    this.calendar = new Calendar(site);
    if (this.compiled.price) this.gate = new PriceGate(this.compiled.price);
  }

  update(input: ScheduleInput): ScheduleDecision {
    if (!Number.isFinite(input.atMs))
      throw new RangeError(`schedule: ${input.kind} input needs atMs in epoch ms, got ${input.atMs}`);
    this.nowMs = Math.max(this.nowMs, input.atMs);
    switch (input.kind) {
      case "tick":
        break;
      case "price":
        if (input.price !== "unavailable" && !Number.isFinite(input.price))
          throw new RangeError(
            `schedule: a price must be a finite number or "unavailable", got ${input.price}`,
          );
        if (this.gate) {
          this.gate.last = { price: input.price, atMs: input.atMs };
          if (input.unit !== undefined) this.gate.last.unit = input.unit;
        }
        break;
      case "override":
        this.setOverride(input);
        break;
      case "state": {
        if (!this.specs.has(input.serial)) break;
        const r: Reported = { atMs: input.atMs };
        if (input.on !== undefined) r.on = input.on;
        if (input.limitW !== undefined) r.limitW = input.limitW;
        this.reports.set(input.serial, r);
        break;
      }
    }
    this.gate?.step(this.nowMs);
    return this.decide(this.nowMs);
  }

  private setOverride(input: Extract<ScheduleInput, { kind: "override" }>): void {
    const serials = input.inverters ?? [...this.specs.keys()];
    for (const s of serials)
      if (!this.specs.has(s))
        throw new RangeError(
          `schedule: override for unknown inverter ${s}; use one of ${[...this.specs.keys()].join(", ")}`,
        );
    if (!["on", "off", "limit", "auto"].includes(input.mode))
      throw new RangeError(
        `schedule: override mode must be on, off, limit or auto, got ${String(input.mode)}`,
      );
    if (input.mode === "limit" && !(Number.isFinite(input.limitW) && input.limitW! >= 0))
      throw new RangeError(
        `schedule: an override to limit needs limitW in W (per panel or per inverter, like max_power), got ${input.limitW}`,
      );
    if (input.untilMs !== undefined && !Number.isFinite(input.untilMs))
      throw new RangeError(`schedule: override untilMs must be epoch ms, got ${input.untilMs}`);
    for (const s of serials) {
      if (input.mode === "auto") {
        this.overrides.delete(s);
        continue;
      }
      const o: Override = { mode: input.mode, by: input.by ?? "user" };
      if (input.mode === "limit") o.limitW = input.limitW!;
      if (input.untilMs !== undefined) o.untilMs = input.untilMs;
      this.overrides.set(s, o);
    }
  }

  /** Occurrences from 8 days back to 9 ahead of now's local date, recomputed when the date changes. */
  private occurrences(now: number): Occurrence[] {
    const d = localDateOf(now, this.site.timezone);
    const key = `${d.y}-${d.m}-${d.d}`;
    if (this.occs?.key !== key)
      this.occs = {
        key,
        list: this.calendar.occurrences(this.compiled.rules, now, AHEAD_DAYS, AHEAD_DAYS + 1),
      };
    return this.occs.list;
  }

  /** The desired state of one inverter at a time t ≥ now, the price staying as it last was. */
  private desiredAt(
    spec: InverterSpec,
    t: number,
    now: number,
    occs: readonly Occurrence[],
    words = true,
  ): Desired {
    const tz = this.site.timezone;
    const serial = spec.inv.serial;
    const o = this.overrides.get(serial);
    if (o && (o.untilMs === undefined || t < o.untilMs)) {
      const limitW = o.mode === "limit" ? wholeW(spec, o.limitW!) : undefined;
      return this.make(
        spec,
        o.mode,
        limitW,
        "override",
        words ? describeOverride(o.by, o.untilMs, tz, now) : "",
      );
    }
    const occ = ruleAt(occs, serial, t);
    let d: Desired = occ
      ? this.make(
          spec,
          occ.rule.action,
          occ.rule.action === "limit" ? wholeW(spec, occ.rule.limitW!) : undefined,
          "rule",
          words ? describeRule(occ, tz, t) : "",
        )
      : this.make(spec, "on", undefined, "default", "no rule or price cut applies");
    const gate = this.gate;
    if (gate?.cutAt(t)) {
      const p = gate.rule;
      const cut = this.make(
        spec,
        p.action,
        p.action === "limit" ? wholeW(spec, p.limitW!) : undefined,
        "price",
        words ? describePriceCut(gate, tz, now) : "",
      );
      if (ceilingW(cut.target) < ceilingW(d.target)) d = cut;
    } else if (gate && words && t === now) {
      const wait = describePriceWait(gate, tz, now) ?? describePriceMissing(gate);
      if (wait) d.reason = `${d.reason}; ${wait}`;
    }
    return d;
  }

  private make(
    spec: InverterSpec,
    want: Want,
    limitW: number | undefined,
    source: Source,
    reason: string,
  ): Desired {
    const d: Desired = { want, target: targetOf(spec, want, limitW), source, reason };
    if (limitW !== undefined) d.limitW = limitW;
    return d;
  }

  /** Moments at which something foreseeable may change: rule starts and ends, override ends, price minimum times. */
  private candidates(now: number, occs: readonly Occurrence[]): number[] {
    const until = now + AHEAD_DAYS * DAY_MS;
    const out = new Set<number>();
    const add = (t: number | undefined) => {
      if (t !== undefined && t > now && t <= until) out.add(t);
    };
    for (const o of occs) {
      add(o.startMs);
      add(o.endMs);
    }
    for (const o of this.overrides.values()) add(o.untilMs);
    add(this.gate?.heldUntil());
    return [...out].sort((a, b) => a - b);
  }

  private decide(now: number): ScheduleDecision {
    const occs = this.occurrences(now);
    const times = this.candidates(now, occs);
    const inverters: InverterDecision[] = [];
    for (const spec of this.specs.values()) {
      const d = this.desiredAt(spec, now, now, occs);
      const v = verify(spec, d.target, this.reports.get(spec.inv.serial));
      const out: InverterDecision = {
        serial: spec.inv.serial,
        want: d.want,
        target: d.target,
        offMethod: spec.offMethod,
        offMethodWhy: spec.offMethodWhy,
        source: d.source,
        reason: d.reason,
        verified: v.verified,
        verifiedWhy: v.why,
      };
      if (d.limitW !== undefined) out.limitW = d.limitW;
      for (const t of times) {
        // Targets first, words only for the change found: most candidates change nothing for most inverters.
        const peek = this.desiredAt(spec, t, now, occs, false);
        if (peek.target.on === d.target.on && peek.target.limitW === d.target.limitW) continue;
        const n = this.desiredAt(spec, t, now, occs);
        const next: Transition = { atMs: t, want: n.want, target: n.target, reason: n.reason };
        if (n.limitW !== undefined) next.limitW = n.limitW;
        out.next = next;
        break;
      }
      inverters.push(out);
    }
    return this.summary(now, inverters);
  }

  private summary(now: number, inverters: InverterDecision[]): ScheduleDecision {
    const wants = new Set(inverters.map((i) => i.want));
    const state = wants.size === 1 ? inverters[0]!.want : "mixed";
    const groups = new Map<string, string[]>();
    for (const i of inverters) {
      const key = `${describeWant(i.want, i.limitW)}: ${i.reason}`;
      groups.set(key, [...(groups.get(key) ?? []), this.specs.get(i.serial)!.label]);
    }
    const reason =
      groups.size === 1
        ? [...groups.keys()][0]!
        : [...groups].map(([k, labels]) => `${labels.join(", ")}: ${k}`).join("; ");
    const decision: ScheduleDecision = { atMs: now, state, reason, inverters, changed: false };
    let first: Transition | undefined;
    for (const i of inverters) if (i.next && (!first || i.next.atMs < first.atMs)) first = i.next;
    if (first) {
      const at = first.atMs;
      decision.next = {
        ...first,
        serials: inverters.filter((i) => i.next?.atMs === at).map((i) => i.serial),
      };
    }
    const print = JSON.stringify(inverters.map((i) => [i.want, i.limitW, i.reason]));
    decision.changed = print !== this.lastPrint;
    this.lastPrint = print;
    return decision;
  }
}
