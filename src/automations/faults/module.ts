/**
 * The fault diagnosis' start/stop module on the controller's bus. It feeds the pure core (core.ts) with
 * what the controller sees — readings, polls without an answer, the end of each poll round with the sun's
 * elevation at the site, the stick's link and restarts, store failures, the grid-protection pages read
 * after start (checked against site.grid_code), and on/off and limit commands (a
 * commanded-off inverter is not a fault) — and hands what the core finds to everyone at once as one bus
 * event, `faultFindings`: the entities, the MQTT event topic and the notifications follow it. It keeps the
 * findings in the store (open and cleared, with times) and logs one line per change.
 *
 * When the core wants another look (`recheck`), the module polls those inverters again `recheckMs` later
 * through the stick's own poll path (the air queue, like every poll) and ends that look with a round, so a
 * fault is confirmed within one poll interval. The vendor ECU cannot be polled on demand: with it, each of
 * its rounds is one look, and the core words its findings for an ECU owner. At start the findings still
 * open in the store are restored, so a restart does not report them again.
 */
import type { EventBus } from "../../bus/event-bus.ts";
import type { Logger } from "../../log.ts";
import type { Clock, TimerHandle } from "../../radio/clock.ts";
import type { PollOutcome } from "../../radio/scheduler.ts";
import type { SiteConfig } from "../../site/config/types.ts";
import type { FaultRecord } from "../../site/store/faults.ts";
import { solarPosition } from "../../site/sun.ts";
import { FaultDiagnosis } from "./core.ts";
import { layoutFromConfig } from "./layout.ts";
import { RoundTiming } from "./rounds.ts";
import { diagnosisSettings } from "./settings.ts";
import { findingFromRecord } from "./stored.ts";
import type { FaultChanges, FaultInput, FaultSource, Finding } from "./types.ts";

/** The part of the reading source the module uses (src/controller/source.ts: the stick, or the vendor ECU). */
export interface FaultStick {
  /** Which source it is (ReadingSource.kind); default "stick". The findings' advice and timing follow it. */
  readonly kind?: FaultSource;
  poll(serial: string): Promise<PollOutcome>;
  /** The inverters the radio polls (paired). */
  inverters(): readonly { serial: string }[];
}

/** Where findings are kept (src/site/store/faults.ts). */
export interface FaultStore {
  save(f: FaultRecord): void;
  open(): FaultRecord[];
}

export interface FaultModuleOptions {
  bus: EventBus;
  stick: FaultStick;
  config: SiteConfig;
  clock: Clock;
  logger: Logger;
  store?: FaultStore;
  /**
   * How long after a round a recheck polls again, ms. Default 60 s (the benchmark's). The vendor ECU
   * cannot be asked for a newer reading than its last round: no rechecks with it.
   */
  recheckMs?: number;
  /** Rechecks in a row after one regular round. Default 3 (silence needs four looks). */
  maxRechecks?: number;
  /**
   * A round ends this long after its first look at the latest, ms. Default a poll interval and 30 s: the
   * radio polls each inverter on its own clock, so one round's looks spread over a whole interval. The
   * vendor ECU's round arrives as one answer: a minute then.
   */
  settleMs?: number;
}

export type FaultModuleTuning = Pick<FaultModuleOptions, "recheckMs" | "maxRechecks" | "settleMs">;

const NIGHT_DEG = -90;

export class FaultModule {
  private core?: FaultDiagnosis;
  private timing?: RoundTiming;
  private recheckTimer?: TimerHandle;
  private rechecks = 0;
  private running = false;
  private linkUp = true;
  /** What was last written per finding (key|opened), so only changes reach the store. */
  private readonly saved = new Map<string, string>();
  private lastOpen = "[]";
  private readonly sun: ((atMs: number) => number) | undefined;

  constructor(private readonly o: FaultModuleOptions) {
    const { latitude, longitude } = o.config.site;
    this.sun =
      latitude !== undefined && longitude !== undefined
        ? (t) => solarPosition(t, latitude, longitude).elevationDeg
        : undefined;
  }

  /** The open findings, oldest first (empty before start). */
  get open(): Finding[] {
    return this.core ? JSON.parse(this.lastOpen) : [];
  }

  private get source(): FaultSource {
    return this.o.stick.kind ?? "stick";
  }

  start(): void {
    const { bus, config, logger, clock } = this.o;
    const ecu = this.source === "ecu";
    try {
      this.core = new FaultDiagnosis(
        { ...layoutFromConfig(config), source: this.source },
        diagnosisSettings(config.automations.faults),
      );
    } catch (e) {
      logger.error(`faults: not started — ${(e as Error).message}`);
      return;
    }
    this.running = true;
    if (!this.sun)
      logger.warn(
        "faults: site.latitude and site.longitude are not set, so night cannot be told from a fault — only findings that need no daylight (status bits, the stick or ECU link, store) are judged; add them to site.yaml",
      );
    const restored = this.restore();
    // The ECU is read once per its own round (site.yaml ecu.poll_s, ≥ 300 s), not at poll.interval_s.
    const intervalMs = (ecu ? (config.ecu?.pollS ?? config.poll.intervalS) : config.poll.intervalS) * 1000;
    this.timing = new RoundTiming({
      clock,
      expected: () => this.o.stick.inverters().map((i) => i.serial),
      onRound: () => this.round(),
      settleMs: this.o.settleMs ?? (ecu ? 60_000 : intervalMs + 30_000),
      // No look at all for a poll interval and a minute: the source is down; judge what that means. (A
      // round without looks judges only the controller's side: the link finding follows the link events.)
      heartbeatMs: intervalMs + 60_000,
    });
    this.timing.start();
    bus.on("inverterReported", this, ({ telemetry, atMs }) => {
      this.feed({ kind: "reading", atMs, telemetry });
      this.timing?.look(telemetry.serial);
    });
    bus.on("pollMissed", this, ({ serial, atMs, outcome }) => {
      this.feed({ kind: "no-reply", atMs, serial, ...(outcome === "encrypted" ? { encrypted: true } : {}) });
      this.timing?.look(serial);
    });
    bus.on("linkState", this, ({ state, detail }) => {
      if (state === "connecting") return;
      const up = state === "up";
      if (up === this.linkUp) return;
      this.linkUp = up;
      this.feed({ kind: "stick-link", atMs: this.now(), up, ...(detail ? { detail } : {}) });
      // The ECU's poller says "not answering" only after three failed polls (about 15 minutes): judge now
      // rather than at the next heartbeat, which may be one ECU interval away.
      if (ecu) this.round();
    });
    bus.on("protectionRead", this, ({ reading, atMs }) => this.feed({ kind: "protection", atMs, reading }));
    bus.on("stickReset", this, ({ atMs, detail }) => this.feed({ kind: "stick-reset", atMs, detail }));
    bus.on("storeWrite", this, ({ ok, atMs, detail }) =>
      this.feed({ kind: "store", atMs, ok, ...(detail ? { detail } : {}) }),
    );
    bus.on("commandResult", this, ({ serial, ok, request }) => {
      if (!ok || !request) return;
      if (request.kind === "on-off") this.feed({ kind: "control", atMs: this.now(), serial, on: request.on });
      else if (request.kind === "set-max-power") {
        const inv = config.inverters.find((i) => i.serial === serial);
        const m = inv?.model;
        const units = m && m.limitPer === "panel" ? m.channels : 1;
        this.feed({ kind: "control", atMs: this.now(), serial, limitW: request.watts * units });
      }
    });
    logger.info(
      `faults: watching ${config.inverters.length} inverter(s)${ecu ? " through the vendor ECU" : ""}${restored ? `; ${restored} finding(s) still open from before` : ""}`,
    );
  }

  stop(): void {
    this.running = false;
    this.o.bus.removeListeners(this);
    this.timing?.stop();
    if (this.recheckTimer !== undefined) this.o.clock.clearTimeout(this.recheckTimer);
    this.recheckTimer = undefined;
  }

  private now(): number {
    return this.o.clock.now();
  }

  /** Findings the store kept open: back into the core, announced once as the open list (not as new). */
  private restore(): number {
    let records: FaultRecord[] = [];
    try {
      records = this.o.store?.open() ?? [];
    } catch (e) {
      this.o.logger.warn(`faults: could not read the open findings from the store: ${(e as Error).message}`);
    }
    const open = records.flatMap((r) => {
      const f = findingFromRecord(r);
      if (!f) this.o.logger.warn(`faults: skipped a stored finding of unknown kind ${r.kind} (${r.key})`);
      return f ? [f] : [];
    });
    if (open.length === 0) return 0;
    this.core!.restore(open);
    for (const f of open) this.saved.set(`${f.key}|${f.openedAtMs}`, JSON.stringify(f));
    this.publish({ opened: [], cleared: [], repeated: [], open, recheck: [] }, this.now());
    return open.length;
  }

  private feed(input: FaultInput): void {
    if (!this.running || !this.core) return;
    this.handle(this.core.update(input), input.atMs);
  }

  private round(): void {
    if (!this.running || !this.core) return;
    const atMs = this.now();
    this.timing?.judged();
    const sunElevationDeg = this.sun?.(atMs) ?? NIGHT_DEG;
    const c = this.core.update({ kind: "round", atMs, sunElevationDeg });
    this.handle(c, atMs);
    this.o.logger.debug(
      { sunElevationDeg: Math.round(sunElevationDeg), recheck: c.recheck, open: c.open.length },
      "faults: round judged",
    );
    // The ECU has nothing newer than its last round: its next round is the next look.
    const maxRechecks = this.source === "ecu" ? 0 : (this.o.maxRechecks ?? 3);
    if (c.recheck.length > 0 && this.rechecks < maxRechecks) this.armRecheck(c.recheck);
    else this.rechecks = 0;
  }

  /** Polls `serials` again in a while through the stick's poll path, then judges that look as a round. */
  private armRecheck(serials: readonly string[]): void {
    this.rechecks++;
    this.timing?.hold();
    if (this.recheckTimer !== undefined) this.o.clock.clearTimeout(this.recheckTimer);
    this.recheckTimer = this.o.clock.setTimeout(() => {
      this.recheckTimer = undefined;
      void this.recheck(serials);
    }, this.o.recheckMs ?? 60_000);
  }

  private async recheck(serials: readonly string[]): Promise<void> {
    const polled = new Set(this.o.stick.inverters().map((i) => i.serial));
    await Promise.all(
      serials.filter((s) => polled.has(s)).map((s) => this.o.stick.poll(s).catch(() => undefined)),
    );
    this.timing?.release();
    this.round();
  }

  private handle(c: FaultChanges, atMs: number): void {
    this.keep(c);
    const { logger } = this.o;
    for (const f of c.opened)
      logger[f.severity === "info" ? "info" : "warn"](fields(f), `fault opened: ${f.title} — ${f.advice}`);
    for (const f of c.repeated)
      logger[f.severity === "info" ? "info" : "warn"](
        fields(f),
        `fault still open: ${f.title} — ${f.advice}`,
      );
    for (const f of c.cleared) logger.info(fields(f), `fault cleared: ${f.title}`);
    this.publish(c, atMs);
  }

  /** On each change (opened, cleared, repeated, or an open finding's words): one bus event. */
  private publish(c: FaultChanges, atMs: number): void {
    const open = JSON.stringify(c.open);
    const changed = c.opened.length + c.cleared.length + c.repeated.length > 0 || open !== this.lastOpen;
    this.lastOpen = open;
    if (changed) this.o.bus.emit("faultFindings", { changes: c, atMs });
  }

  /** Writes what changed: new, repeated, cleared, and open findings whose words changed. */
  private keep(c: FaultChanges): void {
    const store = this.o.store;
    if (!store) return;
    const rows = [...c.cleared, ...c.open];
    try {
      for (const f of rows) {
        const id = `${f.key}|${f.openedAtMs}`;
        const text = JSON.stringify(f);
        if (this.saved.get(id) === text) continue;
        store.save(f);
        if (f.clearedAtMs === undefined) this.saved.set(id, text);
        else this.saved.delete(id);
      }
    } catch (e) {
      // The core hears of it and opens its store finding at the next round (this is not recursion: no round).
      const detail = (e as Error).message;
      this.o.logger.warn(`faults: could not keep findings in the store: ${detail}`);
      this.core?.update({ kind: "store", atMs: this.now(), ok: false, detail });
    }
  }
}

function fields(f: Finding): Record<string, unknown> {
  return {
    key: f.key,
    kind: f.kind,
    cause: f.cause,
    severity: f.severity,
    verified: f.verified,
    ...(f.serial ? { serial: f.serial } : {}),
    ...(f.panel ? { panel: f.panel } : {}),
  };
}
