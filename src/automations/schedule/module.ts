/**
 * The schedule's start/stop module on the controller's bus. It feeds the pure core (core.ts) with time
 * (the controller's injected clock, at least at the next foreseen change), the price entity through the HA
 * link, the override, and what each inverter's poll shows; and it carries the decision out through the
 * stick's command queue — only when the target differs from what the inverter reads back — then polls,
 * so the next reading says whether the change took (verified / not verified, on the site device).
 *
 * Restart-safe: nothing here remembers "we switched it off". At start the core recomputes from the
 * rules, the time, the price and the saved override; the writes follow the inverters' read-backs, so a
 * restart after a window raises inverters left at the minimum, and one inside it lowers them again.
 *
 * With the export limiter (limiter-link.ts) each inverter gets the lower of both caps (combine.ts); the
 * limiter's writes pass through the link, which sends them one at a time with ours (guardWrite).
 *
 * Control status: max power is confirmed on air for QS1/YC600, unverified for DS3; on/off is unverified
 * on every model, so today "off" is max power at the model's minimum (target.ts says why per inverter).
 */
import type { EventBus } from "../../bus/event-bus.ts";
import type { CommandOutcome } from "../../entities/set-handler.ts";
import type { InverterSnapshot, ScheduleSnapshot } from "../../entities/snapshot.ts";
import type { HaEntityState, HaLinkApi } from "../../ha/types.ts";
import type { Logger } from "../../log.ts";
import type { Clock, TimerHandle } from "../../radio/clock.ts";
import type { CommandResult } from "../../radio/events.ts";
import type { PollOutcome } from "../../radio/scheduler.ts";
import type { InverterConfig, ScheduleSettings } from "../../site/config/types.ts";
import { type Combined, combine, type LimitClaim, siteReason } from "./combine.ts";
import { Schedule } from "./core.ts";
import type { OverrideFile, SavedOverride } from "./override-file.ts";
import { type InverterSpec, specOf, verify } from "./target.ts";
import type { ScheduleDecision, ScheduleInput, ScheduleInverter } from "./types.ts";

/** The part of the stick the schedule uses (src/radio/stick.ts). */
export interface ScheduleStick {
  setMaxPower(serial: string, watts: number): Promise<CommandResult>;
  setOnOff(serial: string, on: boolean): Promise<CommandResult>;
  poll(serial: string): Promise<PollOutcome>;
}

export interface ScheduleOptions {
  bus: EventBus;
  stick: ScheduleStick;
  inverters: readonly InverterConfig[];
  settings: ScheduleSettings;
  site: { timezone: string; latitude?: number; longitude?: number };
  clock: Clock;
  logger: Logger;
  /** The Home Assistant link, for the price entity. */
  ha?: HaLinkApi;
  /** Where the override is kept across restarts. */
  saved?: OverrideFile;
  /** The longest time between two looks at the clock, ms. Default 60 s. */
  tickMs?: number;
  /** How long after a write that did not take the same write is tried again, ms. Default 120 s. */
  retryMs?: number;
  /**
   * The source gives no read-back of a limit (the vendor ECU's pages only write): each change of target is
   * written once, unverified, instead of compared with a read limit; an inverter the schedule never
   * touched is left as it is while the target is "on at full power".
   */
  openLoop?: boolean;
}

/** An override as validated from HA or MQTT; limitW in the model's unit, like the rules. */
export interface OverrideRequest {
  mode: "auto" | "on" | "off" | "limit";
  limitW?: number;
  untilMs?: number;
  by?: string;
}

const AWAKE = new Set<InverterSnapshot["status"]>(["producing", "idle", "fault", "off"]);

interface Polled {
  awake: boolean;
  on?: boolean;
  /** Read back, whole-inverter W. */
  limitW?: number;
  /** The reading the last state input came from, so only a new poll is fed. */
  key: string;
}

export class ScheduleModule {
  private core?: Schedule;
  private readonly specs = new Map<string, InverterSpec>();
  private readonly polled = new Map<string, Polled>();
  private readonly busy = new Set<string>();
  /** The target last tried per inverter and when, so a write that did not take is not repeated at once. */
  private readonly tried = new Map<string, { key: string; atMs: number }>();
  /** Last "verified" said per inverter, so each change is logged once. */
  private readonly verifiedSaid = new Map<string, boolean>();
  /** What the export limiter asks for per inverter (limiter-link.ts), whole W. */
  private readonly claims = new Map<string, LimitClaim>();
  private limiterReason = "the export limiter";
  /** Writes waiting for an inverter's turn (guardWrite), and who follows our decisions (the link). */
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly changeListeners = new Set<() => void>();
  private override: SavedOverride | undefined;
  private last?: ScheduleDecision;
  private timer?: TimerHandle;
  private readonly unsubscribe: (() => void)[] = [];
  private snapshotSent?: string;
  private running = false;

  constructor(private readonly o: ScheduleOptions) {}

  get snapshot(): ScheduleSnapshot | undefined {
    const d = this.last;
    if (!d) return undefined;
    const combined = d.inverters.map((i) => this.combinedFor(i.serial)!);
    // With the export limiter's claims, both sides' reasons: whose cap binds and what the other allows.
    const reason = siteReason(d.reason, combined, this.limiterReason);
    const s: ScheduleSnapshot = {
      state: d.state,
      reason,
      verified: d.inverters.every((i) => this.verifiedOf(i.serial)),
      override: this.override?.mode ?? "auto",
    };
    if (d.next) {
      s.nextAtMs = d.next.atMs;
      s.next = `${d.next.want}${d.next.want === "limit" ? ` ${d.next.target.limitW} W` : ""}: ${d.next.reason}`;
    }
    if (this.override?.limitW !== undefined) s.overrideLimitW = this.override.limitW;
    if (this.override?.untilMs !== undefined) s.overrideUntilMs = this.override.untilMs;
    return s;
  }

  start(): void {
    const { bus, logger, settings, ha } = this.o;
    const list: ScheduleInverter[] = [];
    for (const inv of this.o.inverters) {
      if (!inv.model) continue;
      // use_on_off only asks; target.ts still takes the on/off command only where it is confirmed.
      const s: ScheduleInverter = { serial: inv.serial, label: inv.label, model: inv.model };
      if (settings.useOnOff === true) s.onOffEnabled = true;
      list.push(s);
      this.specs.set(inv.serial, specOf(s));
    }
    try {
      this.core = new Schedule(list, settings, this.o.site);
    } catch (e) {
      logger.error(`schedule: not started — ${(e as Error).message}`);
      return;
    }
    this.running = true;
    this.override = this.o.saved?.load((m) => logger.warn(`schedule: ${m}`));
    if (this.override) this.feedOverride(this.override);
    logger.info(
      `schedule: ${list.length} inverter(s), ${this.core.compiled.rules.length} rule(s)${settings.price ? `, price entity ${settings.price.entity}` : ""}; off is ${[...new Set([...this.specs.values()].map((s) => s.offMethodWhy))].join("; ")}`,
    );
    bus.on("inverterSnapshot", this, ({ snapshot }) => this.onSnapshot(snapshot));
    const price = settings.price;
    if (price) {
      if (!ha) {
        logger.warn(
          `schedule: the price entity ${price.entity} needs the Home Assistant link — add homeassistant: (url, token) to site.yaml; the price counts as unavailable`,
        );
        this.apply({ kind: "price", atMs: this.now(), price: "unavailable" });
      } else {
        this.unsubscribe.push(
          ha.watchEntity(price.entity, (s) => this.onPrice(s)),
          // A link that is down says nothing about the price: unavailable, not the last number.
          ha.onLinkState((l) => {
            if (l.state !== "up") this.apply({ kind: "price", atMs: this.now(), price: "unavailable" });
          }),
        );
      }
    }
    this.apply({ kind: "tick", atMs: this.now() });
  }

  stop(): void {
    this.running = false;
    this.o.bus.removeListeners(this);
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A validated override from HA or MQTT. */
  command(r: OverrideRequest): CommandOutcome {
    if (!this.core || !this.running) return { ok: false, error: "the schedule is not running" };
    const now = this.now();
    if (r.untilMs !== undefined && r.untilMs <= now)
      return {
        ok: false,
        error: `schedule_override: until ${new Date(r.untilMs).toISOString()} is already past — send a later time, or leave until out`,
      };
    const saved: SavedOverride | undefined =
      r.mode === "auto"
        ? undefined
        : {
            mode: r.mode,
            by: r.by ?? "user",
            ...(r.limitW !== undefined ? { limitW: r.limitW } : {}),
            ...(r.untilMs !== undefined ? { untilMs: r.untilMs } : {}),
          };
    try {
      this.feedOverride(saved ?? { mode: "auto", by: r.by ?? "user" });
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    this.override = saved;
    try {
      this.o.saved?.save(saved);
    } catch (e) {
      this.o.logger.warn(
        `schedule: could not keep the override for the next start (${(e as Error).message}) — check that the data directory is writable`,
      );
    }
    this.o.logger.info(`schedule: override ${r.mode} from Home Assistant/MQTT`);
    const s = this.snapshot!;
    return { ok: true, detail: { state: s.state, reason: s.reason, override: s.override } };
  }

  /**
   * What the export limiter holds or asks for (limiter-link.ts), whole W. Nothing is written here: the
   * link either sends the limiter's write itself (guardWrite) or finds the schedule's cap binding.
   */
  setLimiterClaim(serial: string, limitW: number): void {
    this.claims.set(serial, { limitW, reason: this.limiterReason });
    this.publish();
  }

  /** The limiter's own state and reason, told by the link (not from the bus: that one names us). */
  setLimiterReason(reason: string): void {
    if (reason === this.limiterReason) return;
    this.limiterReason = reason;
    this.publish();
  }

  /** Called after every decision, so the limiter's reason can follow ours. */
  onChange(fn: () => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  serials(): string[] {
    return this.last?.inverters.map((i) => i.serial) ?? [];
  }

  spec(serial: string): InverterSpec | undefined {
    return this.specs.get(serial);
  }

  /** The schedule's own site-wide reason, without the limiter's word. */
  decisionReason(): string {
    return this.last?.reason ?? "starting";
  }

  /** A write for this inverter made by someone else (the limiter), kept apart from the schedule's own. */
  async guardWrite<T>(serial: string, write: () => Promise<T>): Promise<T> {
    while (this.busy.has(serial)) await this.idle(serial);
    this.busy.add(serial);
    try {
      return await write();
    } finally {
      this.busy.delete(serial);
      this.wake(serial);
      if (this.running) this.act();
    }
  }

  /** The model's max power control status (confirmed / unverified), for results the link makes up. */
  maxPowerStatus(serial: string): CommandResult["control"] {
    return this.specs.get(serial)?.inv.model.controls.maxPower.status ?? "unverified";
  }

  nowMs(): number {
    return this.now();
  }

  private idle(serial: string): Promise<void> {
    return new Promise((resolve) => this.waiters.set(serial, [...(this.waiters.get(serial) ?? []), resolve]));
  }

  private wake(serial: string): void {
    for (const w of this.waiters.get(serial) ?? []) w();
    this.waiters.delete(serial);
  }

  /** The schedule's target merged with the limiter's claim; undefined before start or for a stranger. */
  combinedFor(serial: string): Combined | undefined {
    const i = this.last?.inverters.find((x) => x.serial === serial);
    if (!i) return undefined;
    const claim = this.claims.get(serial);
    return combine(
      { want: i.want, target: i.target, reason: i.reason },
      claim && { ...claim, reason: this.limiterReason },
    );
  }

  private now(): number {
    return this.o.clock.now();
  }

  private feedOverride(o: OverrideRequest): void {
    const input: ScheduleInput = { kind: "override", atMs: this.now(), mode: o.mode, by: o.by ?? "user" };
    if (o.limitW !== undefined) input.limitW = o.limitW;
    if (o.untilMs !== undefined) input.untilMs = o.untilMs;
    this.apply(input);
  }

  private onPrice(s: HaEntityState | undefined): void {
    const n = s ? Number(s.state) : Number.NaN;
    const unit = s?.attributes.unit_of_measurement;
    // "unavailable", "unknown", a removed entity or anything not a number: no price, not 0.
    const price = s && s.state.trim() !== "" && Number.isFinite(n) ? n : "unavailable";
    if (s && price === "unavailable" && s.state !== "unavailable" && s.state !== "unknown")
      this.o.logger.warn(
        `schedule: price entity ${s.entityId} reads "${s.state}", not a number — check that it is the price sensor itself`,
      );
    this.apply({
      kind: "price",
      atMs: this.now(),
      price,
      ...(typeof unit === "string" ? { unit } : {}),
    });
  }

  private onSnapshot(s: InverterSnapshot): void {
    const spec = this.specs.get(s.serial);
    if (!spec) return;
    const limitW = s.maxPowerW === undefined ? undefined : s.maxPowerW * spec.units;
    const key = `${s.lastSeenMs}|${s.on}|${limitW}`;
    const was = this.polled.get(s.serial);
    const p: Polled = { awake: AWAKE.has(s.status), key };
    if (s.on !== undefined) p.on = s.on;
    if (limitW !== undefined) p.limitW = limitW;
    this.polled.set(s.serial, p);
    if (was?.key === key) {
      if (was.awake !== p.awake) this.act();
      return;
    }
    const input: ScheduleInput = { kind: "state", atMs: this.now(), serial: s.serial };
    if (s.on !== undefined) input.on = s.on;
    if (limitW !== undefined) input.limitW = limitW;
    this.apply(input);
  }

  private apply(input: ScheduleInput): void {
    if (!this.core || !this.running) return;
    const d = this.core.update(input);
    this.last = d;
    if (d.changed) this.o.logger.info({ state: d.state }, `schedule ${d.state}: ${d.reason}`);
    this.act();
    this.arm(d);
    for (const fn of this.changeListeners) fn();
  }

  /** The next look at the clock: the next foreseen change, and at least every tickMs. */
  private arm(d: ScheduleDecision): void {
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    const now = this.now();
    const tick = this.o.tickMs ?? 60_000;
    const at = Math.min(d.next?.atMs ?? Number.POSITIVE_INFINITY, now + tick);
    this.timer = this.o.clock.setTimeout(
      () => {
        this.timer = undefined;
        if (this.running) this.apply({ kind: "tick", atMs: this.now() });
      },
      Math.max(0, at - now),
    );
  }

  /** Per inverter: write where the merged target differs from the read-back; say verified changes. */
  private act(): void {
    if (!this.last) return;
    for (const i of this.last.inverters) {
      const c = this.combinedFor(i.serial)!;
      const p = this.polled.get(i.serial);
      const ok = this.verifiedOf(i.serial);
      if (p?.limitW !== undefined && this.verifiedSaid.get(i.serial) !== ok) {
        this.verifiedSaid.set(i.serial, ok);
        const v = verify(this.specs.get(i.serial)!, c.target, this.report(p));
        this.o.logger.info(
          { serial: i.serial, verified: ok },
          `schedule: ${this.specs.get(i.serial)!.label} ${ok ? "verified" : "not verified"} at ${c.target.on ? `${c.target.limitW} W` : "off"}: ${v.why}`,
        );
      }
      // Only what a poll showed is compared: an unknown limit is read first (the controller asks at
      // the first reading), never assumed, so a restart writes nothing that is already set.
      const open = this.o.openLoop === true;
      if (ok || !p?.awake || (p.limitW === undefined && !open) || this.busy.has(i.serial)) continue;
      const key = `${c.target.on}|${c.target.limitW}`;
      const t = this.tried.get(i.serial);
      if (open && (t?.key === key || (t === undefined && isFree(this.specs.get(i.serial)!, c.target))))
        continue;
      if (t?.key === key && this.now() - t.atMs < (this.o.retryMs ?? 120_000)) continue;
      this.tried.set(i.serial, { key, atMs: this.now() });
      void this.carryOut(i.serial, c, p);
    }
    this.publish();
  }

  private report(p: Polled): { atMs: number; on?: boolean; limitW?: number } {
    const r: { atMs: number; on?: boolean; limitW?: number } = { atMs: this.now() };
    if (p.on !== undefined) r.on = p.on;
    if (p.limitW !== undefined) r.limitW = p.limitW;
    return r;
  }

  private verifiedOf(serial: string): boolean {
    const c = this.combinedFor(serial);
    const p = this.polled.get(serial);
    if (!c || !p) return false;
    return verify(this.specs.get(serial)!, c.target, this.report(p)).verified;
  }

  private async carryOut(serial: string, c: Combined, p: Polled): Promise<void> {
    const spec = this.specs.get(serial)!;
    const { stick, logger } = this.o;
    this.busy.add(serial);
    try {
      const results: CommandResult[] = [];
      if (!c.target.on) {
        if (p.on !== false) results.push(await stick.setOnOff(serial, false));
      } else {
        if (p.on === false) results.push(await stick.setOnOff(serial, true));
        const tol = Math.max(spec.units, 2);
        if (p.limitW === undefined || Math.abs(p.limitW - c.target.limitW) > tol)
          results.push(await stick.setMaxPower(serial, Math.round(c.target.limitW / spec.units)));
      }
      for (const r of results) {
        const good = r.outcome === "applied" || r.outcome === "unchanged" || r.outcome === "sent";
        logger[good ? "info" : "warn"](
          { serial, outcome: r.outcome, control: r.control },
          `schedule: ${spec.label} ${r.command.kind} → ${r.outcome} (${r.control}): ${r.message}; ${c.reason}`,
        );
      }
      // The next poll says whether it took: ask for it now rather than at the next scheduled one.
      if (results.length > 0) await stick.poll(serial).catch(() => undefined);
    } finally {
      this.busy.delete(serial);
      this.wake(serial);
    }
    if (this.running) this.act();
  }

  private publish(): void {
    const s = this.snapshot;
    if (!s) return;
    const text = JSON.stringify(s);
    if (text === this.snapshotSent) return;
    this.snapshotSent = text;
    this.o.bus.emit("scheduleState", { snapshot: s });
  }
}

/** On at the model's full power: what an inverter does when nobody limits it. */
function isFree(spec: InverterSpec, target: { on: boolean; limitW: number }): boolean {
  return target.on && target.limitW >= spec.maxW;
}
