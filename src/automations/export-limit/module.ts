/**
 * The export limiter's start/stop module on the controller's bus: it feeds the pure core (core.ts) with the
 * grid meter, the inverters' polled output, the limits they read back, links and the passing of time, and
 * carries its decisions out through the stick's command queue (which verifies each write by reading it back
 * and budgets writes against flash wear). After a write the inverter is polled at once, so the core's
 * estimate is corrected by a real reading and not only by the meter.
 *
 * Control status: max-power writes are confirmed on air for QS1/YC600 and unverified for DS3 (see
 * src/protocol/models.ts); the limit query (DE) that proves what is set is confirmed for all three.
 */
import type { EventBus } from "../../bus/event-bus.ts";
import type { CommandOutcome } from "../../entities/set-handler.ts";
import type { SiteCommand } from "../../entities/site-commands.ts";
import type { InverterSnapshot, LimiterSnapshot } from "../../entities/snapshot.ts";
import type { Logger } from "../../log.ts";
import type { Clock, TimerHandle } from "../../radio/clock.ts";
import type { CommandResult } from "../../radio/events.ts";
import type { PollOutcome } from "../../radio/scheduler.ts";
import type { ExportLimitSettings, InverterConfig } from "../../site/config/types.ts";
import { localDay } from "../../site/daily.ts";
import { daylightTest } from "../../site/sun.ts";
import { ExportLimiter } from "./core.ts";
import { type LimitedInverter, limiterInverters, toUnitW, toWholeW } from "./inverters.ts";
import type { MeterEvent, MeterSource } from "./meter.ts";
import { coreSettings, type SavedSettings, type SettingsFile } from "./settings.ts";
import type { ExportLimiterCore, LimiterDecision, LimiterInput } from "./types.ts";

/** The part of the stick the limiter uses (src/radio/stick.ts). */
export interface LimiterStick {
  setMaxPower(serial: string, watts: number): Promise<CommandResult>;
  queryLimit(serial: string): Promise<CommandResult>;
  poll(serial: string): Promise<PollOutcome>;
  events: { onCommandResult(fn: (r: CommandResult) => void): () => void };
}

/**
 * Another automation capping the same inverters (the schedule, through src/automations/schedule/
 * limiter-link.ts). Optional: without one the limiter works alone, as before.
 */
export interface LimiterNeighbour {
  /** Why some inverters are held below the limiter's limits, for the reason; undefined when none are. */
  note(): string | undefined;
  /** Called when note() may have changed. */
  onChange(fn: () => void): () => void;
  /** The limiter's own state and reason (without the note), so the neighbour can name it. */
  limiterSaid(state: string, reason: string): void;
}

export interface ExportLimitOptions {
  bus: EventBus;
  stick: LimiterStick;
  inverters: readonly InverterConfig[];
  settings: ExportLimitSettings;
  site: { timezone: string; latitude?: number; longitude?: number };
  meter: MeterSource;
  clock: Clock;
  logger: Logger;
  /** Where user changes (switch, allowed export, mode) are kept across restarts. */
  saved?: SettingsFile;
  /** How often time passes for the core (meter staleness, raise timing), ms. Default 1000. */
  tickMs?: number;
  /** How old a read-back limit may get before it is read again, ms. Default LIMIT_RECHECK_MS. */
  limitRecheckMs?: number;
  /** Another automation capping the same inverters: its cap is named in the reason. */
  neighbour?: LimiterNeighbour;
}

export type ExportLimitTuning = Pick<ExportLimitOptions, "tickMs" | "limitRecheckMs">;

/** A limit that was read a while ago is read again, so a change behind our back is seen (DE: no flash wear). */
export const LIMIT_RECHECK_MS = 10 * 60_000;
/** How long the controller's own start-up limit query may take before we ask ourselves. */
const STARTUP_QUERY_WAIT_MS = 30_000;
/** Statuses in which an inverter answers the radio. */
const AWAKE = new Set<InverterSnapshot["status"]>(["producing", "idle", "fault", "off"]);

export class ExportLimit {
  readonly inverters: readonly LimitedInverter[];
  private readonly bySerial: ReadonlyMap<string, LimitedInverter>;
  private core?: ExportLimiterCore;
  private saved: SavedSettings = {};
  private timer?: TimerHandle;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly isDaylight: (atMs: number) => boolean;
  /** Per inverter: when its limit was last read (this run), a query in flight, the last reading's time. */
  private readonly lastRead = new Map<string, number>();
  private readonly querying = new Set<string>();
  private readonly lastReading = new Map<string, number>();
  /** When each inverter was first seen awake (this run). */
  private readonly awakeSince = new Map<string, number>();
  /** The last limit read back per inverter, whole W. */
  private readonly readLimitW = new Map<string, number>();
  /** Meter problems already logged, by kind: each is said once until the meter reads well again. */
  private readonly problemsSaid = new Set<string>();
  private writes = { day: "", count: 0 };
  /** The newest write asked for per inverter: an older one still in the queue is superseded by it. */
  private readonly newestWrite = new Map<string, number>();
  private writeSeq = 0;
  private last?: LimiterDecision;
  private snapshotSent?: string;
  private running = false;

  constructor(private readonly o: ExportLimitOptions) {
    this.inverters = limiterInverters(o.inverters, o.settings);
    this.bySerial = new Map(this.inverters.map((i) => [i.serial, i]));
    const { latitude, longitude } = o.site;
    this.isDaylight =
      latitude !== undefined && longitude !== undefined ? daylightTest(latitude, longitude) : () => true;
  }

  /** The state the site device shows; undefined before start(). */
  get snapshot(): LimiterSnapshot | undefined {
    const core = this.core;
    if (!core) return undefined;
    const s = core.settings;
    const own = this.last?.reason ?? "starting: reading the inverters' limits";
    const note = this.o.neighbour?.note();
    return {
      enabled: s.enabled,
      targetW: s.targetW,
      mode: s.mode,
      state: this.last?.state ?? "idle",
      reason: note ? `${note}; ${own}` : own,
      totalLimitW: this.last?.totalLimitW,
      writesToday: this.writesToday(),
      maxTargetW: this.inverters.reduce((n, i) => n + i.maxW, 0),
    };
  }

  start(): void {
    const { bus, logger, meter, stick } = this.o;
    if (this.inverters.length === 0) {
      logger.error(
        "export limiter: no inverter with a known model to limit — check inverters: in site.yaml (localecu check)",
      );
      return;
    }
    this.saved = this.o.saved?.load((m) => logger.warn(`export limiter: ${m}`)) ?? {};
    if (this.saved.writesDay !== undefined)
      this.writes = { day: this.saved.writesDay, count: this.saved.writesToday ?? 0 };
    const core: ExportLimiterCore = new ExportLimiter(
      this.inverters.map(({ serial, minW, maxW, stepW, priority }) =>
        priority === undefined ? { serial, minW, maxW, stepW } : { serial, minW, maxW, stepW, priority },
      ),
      coreSettings(this.o.settings, this.saved),
    );
    this.core = core;
    this.running = true;
    const s = core.settings;
    logger.info(
      { meter: meter.description, targetW: s.targetW, mode: s.mode, enabled: s.enabled },
      `export limiter: ${this.inverters.length} inverter(s), meter ${meter.description}, allowed export ${s.targetW} W`,
    );

    bus.on("inverterSnapshot", this, ({ snapshot }) => this.onSnapshot(snapshot));
    if (meter.kind === "mqtt") {
      bus.on("mqttLink", this, (l) =>
        this.apply({ kind: "link", atMs: this.now(), link: meter.link, up: l.up, ...detail(l.detail) }),
      );
    }
    this.unsubscribe.push(stick.events.onCommandResult((r) => this.onCommandResult(r)));
    if (this.o.neighbour) this.unsubscribe.push(this.o.neighbour.onChange(() => this.publish()));
    meter.start((e) => this.onMeter(e));
    this.scheduleTick();
    this.publish();
  }

  stop(): void {
    this.running = false;
    this.o.bus.removeListeners(this);
    for (const u of this.unsubscribe.splice(0)) u();
    this.o.meter.stop();
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A validated command from the site device (HA switch, number, select, or MQTT). */
  command(c: SiteCommand): CommandOutcome {
    const core = this.core;
    if (!core || !this.running) return { ok: false, error: "the export limiter is not running" };
    const changes =
      c.kind === "export_limit"
        ? { enabled: c.enabled }
        : c.kind === "export_limit_target"
          ? { targetW: c.watts }
          : { mode: c.mode };
    try {
      this.apply({ kind: "settings", atMs: this.now(), changes });
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const s = core.settings;
    this.saved = {
      ...this.saved,
      enabled: s.enabled,
      targetW: s.targetW,
      mode: s.mode,
      yamlTargetW: coreSettings(this.o.settings).targetW,
    };
    this.persist("the change");
    this.o.logger.info({ changes }, `export limiter: settings changed from Home Assistant/MQTT`);
    return { ok: true, detail: { enabled: s.enabled, target_w: s.targetW, mode: s.mode } };
  }

  private now(): number {
    return this.o.clock.now();
  }

  private persist(what: string): void {
    try {
      this.o.saved?.save(this.saved);
    } catch (e) {
      this.o.logger.warn(
        `export limiter: could not keep ${what} for the next start (${(e as Error).message}) — check that the data directory is writable`,
      );
    }
  }

  private scheduleTick(): void {
    this.timer = this.o.clock.setTimeout(() => {
      if (!this.running) return;
      const atMs = this.now();
      this.apply({ kind: "tick", atMs, daylight: this.isDaylight(atMs) });
      this.scheduleTick();
    }, this.o.tickMs ?? 1000);
  }

  private onMeter(e: MeterEvent): void {
    if (e.kind === "sample") {
      this.problemsSaid.clear();
      this.apply({ kind: "meter", atMs: e.atMs, gridW: e.gridW });
    } else if (e.kind === "link") {
      this.apply({ kind: "link", atMs: this.now(), link: this.o.meter.link, up: e.up, ...detail(e.detail) });
    } else if (!this.problemsSaid.has(e.problem)) {
      this.problemsSaid.add(e.problem);
      this.o.logger.error(`export limiter: grid meter ${e.message}`);
    }
  }

  private onSnapshot(s: InverterSnapshot): void {
    const inv = this.bySerial.get(s.serial);
    if (!inv || !AWAKE.has(s.status)) return;
    const now = this.now();
    if (
      s.lastSeenMs !== undefined &&
      s.acPowerW !== undefined &&
      this.lastReading.get(s.serial) !== s.lastSeenMs
    ) {
      this.lastReading.set(s.serial, s.lastSeenMs);
      this.apply({ kind: "reading", atMs: s.lastSeenMs, serial: s.serial, acPowerW: s.acPowerW });
    }
    // At start the limits are read, never assumed: the controller asks each inverter once at its first
    // reading, and we ask ourselves if that answer has not come by the next one. Later they are read again
    // now and then, and at once when the inverter gives clearly more than its limit allows.
    const read = this.lastRead.get(s.serial);
    const awakeSince = this.awakeSince.get(s.serial) ?? now;
    this.awakeSince.set(s.serial, awakeSince);
    const limit = this.readLimitW.get(s.serial);
    const above = limit !== undefined && (s.acPowerW ?? 0) > limit * 1.05 + 20;
    const recheckMs = this.o.limitRecheckMs ?? LIMIT_RECHECK_MS;
    const stale = read === undefined ? now - awakeSince >= STARTUP_QUERY_WAIT_MS : now - read >= recheckMs;
    if (!this.querying.has(s.serial) && (stale || above)) {
      this.querying.add(s.serial);
      void this.o.stick.queryLimit(s.serial).finally(() => this.querying.delete(s.serial));
    }
  }

  /** Every verified limit, whoever asked for it: ours, the controller's, a user's max_power command. */
  private onCommandResult(r: CommandResult): void {
    const inv = this.bySerial.get(r.serial);
    if (!inv || !r.limit) return;
    const limitW = toWholeW(inv, r.limit.limitW);
    this.lastRead.set(r.serial, r.at);
    this.readLimitW.set(r.serial, limitW);
    this.apply({ kind: "limit", atMs: r.at, serial: r.serial, limitW });
  }

  private apply(input: LimiterInput): void {
    if (!this.core || !this.running) return;
    const d = this.core.update(input);
    this.last = d;
    if (d.changed) {
      this.o.logger.info(
        { state: d.state, totalLimitW: d.totalLimitW, estimatedOutputW: Math.round(d.estimatedOutputW) },
        `export limiter ${d.state}: ${d.reason}`,
      );
    }
    for (const w of d.writes) void this.write(w.serial, w.limitW);
    this.publish();
  }

  private async write(serial: string, wholeW: number): Promise<void> {
    const inv = this.bySerial.get(serial);
    if (!inv) return;
    const unitW = toUnitW(inv, wholeW);
    const seq = ++this.writeSeq;
    this.newestWrite.set(serial, seq);
    const r = await this.o.stick.setMaxPower(serial, unitW);
    // Stopped meanwhile: nothing to report to, and the data directory may be gone.
    if (!this.running) return;
    this.countWrites(r.writes);
    const ok = r.outcome === "applied" || r.outcome === "unchanged" || r.outcome === "sent";
    const level = ok ? "debug" : "warn";
    this.o.logger[level](
      { serial, limitW: wholeW, perUnitW: unitW, outcome: r.outcome, control: r.control },
      `export limiter: ${serial} max power ${unitW} W per ${inv.model.limitPer}: ${r.message}`,
    );
    // The core waits for the outcome of the write it asked for last; an older one's outcome would make it
    // take the newer write's read-back for someone else's limit. Its poll still follows below.
    if (this.newestWrite.get(serial) === seq) this.feedWriteResult(serial, wholeW, ok, r.message);
    // The estimate is only an estimate: a real reading right after the write corrects it.
    if (ok && r.outcome !== "unchanged") await this.o.stick.poll(serial).catch(() => undefined);
  }

  private feedWriteResult(serial: string, wholeW: number, ok: boolean, message: string): void {
    this.apply({
      kind: "write-result",
      atMs: this.now(),
      serial,
      limitW: wholeW,
      ok,
      ...(ok ? {} : { detail: message }),
    });
  }

  private countWrites(n: number): void {
    const day = localDay(this.now(), this.o.site.timezone);
    if (this.writes.day !== day) this.writes = { day, count: 0 };
    if (n === 0) return;
    this.writes.count += n;
    // Kept across restarts, so "writes today" does not fall back to 0 at a restart mid-day.
    this.saved = { ...this.saved, writesDay: day, writesToday: this.writes.count };
    this.persist("the write count");
  }

  private writesToday(): number {
    return this.writes.day === localDay(this.now(), this.o.site.timezone) ? this.writes.count : 0;
  }

  /** The snapshot on the bus (the site device shows it); only when something a user sees changed. */
  private publish(): void {
    const s = this.snapshot;
    if (!s) return;
    this.o.neighbour?.limiterSaid(s.state, this.last?.reason ?? s.reason);
    const text = JSON.stringify(s);
    if (text === this.snapshotSent) return;
    this.snapshotSent = text;
    this.o.bus.emit("limiterState", { snapshot: s });
  }
}

function detail(d: string | undefined): { detail?: string } {
  return d === undefined ? {} : { detail: d };
}
