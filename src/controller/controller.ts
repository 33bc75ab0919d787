/**
 * The controller: stick readings → accounting → snapshots → MQTT / Home Assistant, and validated MQTT
 * commands → the stick. One object that owns the wiring; each piece it wires is testable on its own.
 * The constructor only stores dependencies; start() wires and starts, stop() undoes it in reverse.
 */
import { ConverterHost } from "../../converters/host.ts";
import { meterSource } from "../automations/export-limit/meter.ts";
import { ExportLimit, type ExportLimitTuning } from "../automations/export-limit/module.ts";
import { SettingsFile } from "../automations/export-limit/settings.ts";
import { FaultModule, type FaultModuleTuning } from "../automations/faults/module.ts";
import { type FaultNotifier, faultNotifierFor } from "../automations/faults/notify.ts";
import { LimiterLink } from "../automations/schedule/limiter-link.ts";
import { ScheduleModule } from "../automations/schedule/module.ts";
import { OverrideFile } from "../automations/schedule/override-file.ts";
import { EventBus } from "../bus/event-bus.ts";
import type { Command } from "../entities/commands.ts";
import { type CommandOutcome, type EntityMqttClient, EntityPublisher } from "../entities/publisher.ts";
import type { ScheduleCommand, SiteCommand } from "../entities/site-commands.ts";
import { siteMapState } from "../entities/site-map.ts";
import type { HaLinkApi } from "../ha/types.ts";
import type { Logger } from "../log.ts";
import { coordinatorIeee } from "../protocol/ids.ts";
import { modelForSerial } from "../protocol/models.ts";
import type { Telemetry } from "../protocol/types.ts";
import type { Clock } from "../radio/clock.ts";
import { formatEcuId } from "../radio/ecu-id.ts";
import type { CommandResult, ReadingEvent } from "../radio/events.ts";
import { Stick } from "../radio/stick.ts";
import type { SiteConfig } from "../site/config/types.ts";
import { localDay } from "../site/daily.ts";
import type { AccountingResult } from "../site/energy/state.ts";
import type { PairingBook } from "../site/pairing.ts";
import type { EnergyStore } from "../site/store/index.ts";
import { nextLocalMidnight } from "./midnight.ts";
import { AutoPairer } from "./pairer.ts";
import type { ReadingSource } from "./source.ts";
import { InverterTracker, type TrackedInverter } from "./tracker.ts";

/** After a protection read that failed (no reply, night), ask again no sooner than this. */
const PROTECTION_RETRY_MS = 3_600_000;

export interface ControllerOptions {
  config: SiteConfig;
  /** The stick, or the vendor ECU on the LAN (source.ts). */
  source: ReadingSource;
  mqtt: EntityMqttClient;
  store: EnergyStore;
  pairing: PairingBook;
  clock: Clock;
  logger: Logger;
  /** The Home Assistant websocket link, when configured; the caller starts and stops it. */
  ha?: HaLinkApi;
  /** Pair configured inverters that have no short address yet (default true). */
  pairUnpaired?: boolean;
  version?: string;
  /** Timing of the export limiter (tests at simulated speed). */
  exportLimit?: ExportLimitTuning;
  /** Timing of the fault module's rechecks (tests at simulated speed). */
  faults?: FaultModuleTuning;
}

export class Controller {
  readonly bus: EventBus;
  readonly tracker = new InverterTracker();
  private publisher?: EntityPublisher;
  private readonly unsubscribe: (() => void)[] = [];
  private midnight?: unknown;
  /** The site total changed since it was last published; siteTimer caps how long that may wait. */
  private siteDirty = false;
  private siteTimer?: unknown;
  private pairer?: AutoPairer;
  private limiter?: ExportLimit;
  private scheduler?: ScheduleModule;
  private notifier?: FaultNotifier;
  private faultModule?: FaultModule;
  /** The store failed its last write: the next good one says so (the fault diagnosis' store finding). */
  private storeFailing = false;
  private readonly ecuId: string;
  /** The zigbee2mqtt device definitions, hosted here: every reply goes through them (converters/host.ts). */
  private readonly host: ConverterHost;

  constructor(private readonly o: ControllerOptions) {
    this.bus = new EventBus({ error: (obj, msg) => o.logger.error(obj, msg) });
    this.ecuId = formatEcuId(o.source.ecuId);
    this.host = new ConverterHost({
      timeZone: o.config.site.timezone,
      calibration: o.config.site.energyCalibration,
      logger: { warning: (m) => o.logger.warn(m), debug: (m) => o.logger.debug(m) },
    });
  }

  get entities(): EntityPublisher | undefined {
    return this.publisher;
  }

  /** The export limiter, when site.yaml has automations.export_limit. */
  get exportLimit(): ExportLimit | undefined {
    return this.limiter;
  }

  /** The schedule, when site.yaml has automations.schedule. */
  get schedule(): ScheduleModule | undefined {
    return this.scheduler;
  }

  /** The fault diagnosis, when site.yaml has automations.faults. */
  get faults(): FaultModule | undefined {
    return this.faultModule;
  }

  /** The MQTT connection's state (run.ts reports it): an MQTT meter depends on it. */
  mqttLinkChanged(up: boolean, detail?: string): void {
    this.bus.emit("mqttLink", detail === undefined ? { up } : { up, detail });
  }

  /** The Home Assistant link for automations (meter and price entities, services), when configured. */
  get ha(): HaLinkApi | undefined {
    return this.o.ha;
  }

  async start(): Promise<void> {
    const { config, source, store, pairing, logger } = this.o;
    const panelNames = new Map(config.panels.map((p) => [p.id, p.name ?? p.id]));
    for (const inv of config.inverters) {
      const model = inv.model ?? modelForSerial(inv.serial);
      if (!model) {
        logger.warn({ serial: inv.serial }, "inverter has no known model: skipped (run `localecu check`)");
        continue;
      }
      const paired = pairing.get(inv.serial, this.ecuId);
      const now = this.o.clock.now();
      this.tracker.add(
        {
          serial: inv.serial,
          name: inv.label,
          model,
          // The vendor ECU paired its inverters itself: reachable through it, no short address of ours.
          shortAddress: source.kind === "ecu" ? 0 : paired?.shortAddress,
          panels: (["A", "B", "C", "D"] as const).slice(0, model.channels).map((input) => {
            const id = inv.channels[input];
            return id && (panelNames.get(id) ?? id);
          }),
        },
        store.lifetime(inv.serial),
        store.today(inv.serial, now),
      );
      this.tracker.get(inv.serial)!.day = localDay(now, config.site.timezone);
      if (source.kind === "ecu") source.addInverter({ serial: inv.serial, shortAddress: 0, model });
      else if (paired) source.addInverter({ serial: inv.serial, shortAddress: paired.shortAddress, model });
    }

    this.publisher = new EntityPublisher({
      client: this.o.mqtt,
      baseTopic: config.mqtt.baseTopic,
      discoveryPrefix: config.mqtt.discoveryPrefix,
      bridgeId: this.ecuId,
      siteName: config.site.name,
      ...(source.sourceControl ? { sourceControl: source.sourceControl } : {}),
      source: {
        kind: source.kind,
        gaps: source.gaps ?? {},
        ...(source.commandPath ? { commands: source.commandPath } : {}),
      },
      coordinatorIeee: coordinatorIeee(source.ecuId),
      onCommand: (serial, command) => this.runCommand(serial, command),
      ...(config.automations.exportLimit
        ? {
            onSiteCommand: (c: SiteCommand) =>
              this.limiter?.command(c) ?? { ok: false, error: "the export limiter is not running" },
          }
        : {}),
      ...(config.automations.schedule
        ? {
            onScheduleCommand: (c: ScheduleCommand) =>
              this.scheduler?.command(c.override) ?? { ok: false, error: "the schedule is not running" },
          }
        : {}),
      faults: config.automations.faults !== undefined,
      log: {
        info: (m) => logger.info(m),
        warn: (m) => logger.warn(m),
        error: (m) => logger.error(m),
      },
    });
    for (const s of this.tracker.snapshots()) this.publisher.updateInverter(s);
    const map = siteMapState(config, { faults: config.automations.faults !== undefined });
    if (map) this.publisher.updateMap(map);
    const ha = this.o.ha;
    if (ha) {
      this.publisher.updateHaLink(ha.linkState);
      this.unsubscribe.push(
        ha.onLinkState((s) => {
          this.publisher?.updateHaLink(s);
          this.bus.emit("haLink", s);
        }),
      );
    }
    this.publisher.start();
    this.retireRemoved();
    this.startSchedule();
    this.startExportLimit();
    const notifierLog = logger.child({ module: "faults-notify" });
    this.notifier = faultNotifierFor({ config, ha, bus: this.bus, logger: notifierLog });
    this.notifier?.start();
    // After the notifier: the findings restored from the store reach it as the open list (not as new).
    this.startFaults();

    // The vendor ECU pairs its inverters itself; only a stick has anything to pair.
    this.pairer =
      source instanceof Stick
        ? new AutoPairer({
            stick: source,
            tracker: this.tracker,
            book: pairing,
            clock: this.o.clock,
            logger,
            ecuId: this.ecuId,
            onPaired: (serial) => this.refresh(serial),
          })
        : undefined;
    const ev = source.events;
    this.unsubscribe.push(
      ev.onReading((e) => this.onReading(e)),
      ev.onPollsDone(() => this.publishSite()),
      ev.onInverterState((e) => {
        const name = this.tracker.get(e.serial)?.name ?? e.serial;
        const line = `${name} (${e.serial}) is ${e.state}: ${e.reason}`;
        if (e.state === "unreachable") {
          logger.warn(
            `${line} — check its DC (panels) and AC; if every inverter is unreachable, pair again: localecu pair --again`,
          );
        } else if (e.state === "encrypted") logger.warn(line);
        else logger.info(line);
        this.refresh(this.tracker.setRadioState(e.serial, e.state, e.shortAddress)?.serial);
      }),
      ev.onCommandResult((r) => this.onCommandResult(r)),
      ev.onProtectionRead((p) => {
        this.refresh(this.tracker.setProtection(p.reading, p.at)?.serial);
        this.bus.emit("protectionRead", { reading: p.reading, atMs: p.at });
      }),
      ev.onPollMissed((m) =>
        this.bus.emit("pollMissed", { serial: m.serial, atMs: m.at, outcome: m.outcome }),
      ),
      ev.onStickReset((r) => this.bus.emit("stickReset", { atMs: r.at, detail: r.reason })),
      ev.onLinkState((l) => {
        const line = `${source.kind} ${l.state}${l.reason ? `: ${l.reason}` : ""}`;
        const detail = { url: l.url, attempt: l.attempt, retryInMs: l.retryInMs };
        // The radio logs bring-up results itself; this line only traces the link's phases.
        logger.debug(detail, line);
        this.bus.emit("linkState", {
          // Bringing the coordinator up (after the port opened, or a reset) is on the way up, not a loss.
          state:
            l.state === "ready"
              ? "up"
              : l.state === "connecting" || l.state === "bringing-up"
                ? "connecting"
                : "down",
          ...(l.reason ? { detail: l.reason } : {}),
        });
        if (l.state === "ready" && this.o.pairUnpaired !== false) void this.pairer?.run();
      }),
      ev.onPairingProgress((p) => logger.info(p.message)),
    );
    this.scheduleMidnight();

    try {
      await source.start();
    } catch (e) {
      // The source keeps retrying in the background; say so once, clearly.
      logger.error(`${source.kind} not ready yet (${(e as Error).message}); retrying in the background`);
    }
  }

  async stop(): Promise<void> {
    this.limiter?.stop();
    this.scheduler?.stop();
    this.notifier?.stop();
    this.faultModule?.stop();
    if (this.midnight !== undefined) this.o.clock.clearTimeout(this.midnight);
    if (this.siteTimer !== undefined) this.o.clock.clearTimeout(this.siteTimer);
    this.siteTimer = undefined;
    this.pairer?.stop();
    for (const u of this.unsubscribe.splice(0)) u();
    this.bus.removeListeners(this);
    this.publisher?.stop();
    await this.o.source.stop();
  }

  /** The export limiter, when site.yaml asks for it: its state goes to the site device. */
  private startExportLimit(): void {
    const settings = this.o.config.automations.exportLimit;
    if (!settings?.meter) return;
    if (this.o.source.kind === "ecu") {
      // Even where the ECU's pages take commands, the ECU passes them on only at its next round.
      this.o.logger.warn(
        `export limiting is configured, but the vendor ECU applies a command only at its next round (about 5 minutes): far too slow to follow the grid meter, so the limiter is not started (a stick commands within seconds)${this.o.source.canCommand ? "" : "; this ECU's command pages are not available either"}`,
      );
      return;
    }
    if (!this.canAct("export limiting")) return;
    const { config, clock, logger } = this.o;
    this.bus.on("limiterState", this, ({ snapshot }) => this.publisher?.updateLimiter(snapshot));
    // With a schedule, the limiter's writes and read-backs pass through it (limiter-link.ts): the lower cap wins.
    const link = this.scheduler && new LimiterLink(this.scheduler, this.o.source);
    this.limiter = new ExportLimit({
      bus: this.bus,
      stick: link?.stick ?? this.o.source,
      ...(link ? { neighbour: link } : {}),
      inverters: config.inverters,
      settings,
      site: config.site,
      meter: meterSource(settings.meter, { mqtt: this.o.mqtt, ha: this.o.ha, clock }),
      clock,
      logger: logger.child({ module: "export-limit" }),
      saved: new SettingsFile(config.site.dataDir),
      ...this.o.exportLimit,
    });
    this.limiter.start();
  }

  /**
   * The fault diagnosis, when site.yaml asks for it: its findings reach the entities (problem sensors, the
   * site's count) and the fault event topics from the one `faultFindings` event.
   */
  private startFaults(): void {
    if (!this.o.config.automations.faults) return;
    const { config, clock, logger, store } = this.o;
    this.bus.on("faultFindings", this, ({ changes }) => {
      const p = this.publisher;
      if (!p) return;
      p.updateFaults(changes.open);
      for (const f of changes.opened) p.publishFaultEvent("fault_opened", f);
      for (const f of changes.repeated) p.publishFaultEvent("fault_repeated", f);
      for (const f of changes.cleared) p.publishFaultEvent("fault_cleared", f);
    });
    this.faultModule = new FaultModule({
      bus: this.bus,
      stick: this.o.source,
      config,
      clock,
      logger: logger.child({ module: "faults" }),
      store: store.faults,
      ...this.o.faults,
    });
    this.faultModule.start();
  }

  /** The schedule, when site.yaml asks for it: started before the limiter, which it caps (combine.ts). */
  private startSchedule(): void {
    const settings = this.o.config.automations.schedule;
    if (!settings || !this.canAct("the schedule")) return;
    const { config, clock, logger } = this.o;
    this.bus.on("scheduleState", this, ({ snapshot }) => this.publisher?.updateSchedule(snapshot));
    this.scheduler = new ScheduleModule({
      bus: this.bus,
      stick: this.o.source,
      inverters: config.inverters,
      settings,
      site: config.site,
      clock,
      logger: logger.child({ module: "schedule" }),
      saved: new OverrideFile(config.site.dataDir),
      ...(this.o.ha ? { ha: this.o.ha } : {}),
      // The vendor ECU's pages only write: nothing reads a limit back to compare with.
      ...(this.o.source.kind === "ecu" ? { openLoop: true } : {}),
    });
    this.scheduler.start();
  }

  /** An automation that writes to the inverters runs only on a source that can; otherwise it says why, once. */
  private canAct(what: string): boolean {
    if (this.o.source.canCommand) return true;
    this.o.logger.warn(
      this.o.source.kind === "ecu"
        ? `${what} is configured, but the vendor ECU's command pages were not found at start (${this.o.source.sourceControl?.summary ?? "not probed"}): its port 8899 only reads the inverters, so it is not started (a stick can command them)`
        : `${what} is configured, but the source can only read the inverters: it is not started (a stick can command them)`,
    );
    return false;
  }

  /** Re-publish everything (MQTT reconnect, broker restart). */
  republish(): void {
    this.publisher?.publishAll();
  }

  /**
   * One path per reply: the radio decoded it once; the hosted definition turns it into state, booking
   * telemetry once, in the energy store.
   */
  private onReading(e: ReadingEvent): void {
    const i = this.tracker.get(e.serial);
    if (!i) return;
    const res = this.host.receive(
      { serial: e.serial, model: i.model },
      { payload: e.payload, reply: e.reply, linkQuality: e.linkQuality, atMs: e.at },
      (t, atMs) => this.record(t, atMs),
    );
    if (!res) return; // no definition for the model (YC1000), or the converter logged why it refused
    const r = res.reply;
    if (r.kind === "telemetry" && res.accounting) {
      this.onTelemetry(r, res.accounting, e.linkQuality, e.at);
    } else if (r.kind === "limit") {
      this.refresh(this.tracker.applyLimit(r)?.serial);
    } else if (r.kind === "encrypted") {
      // The converter logged its warning; the radio reports the state change too.
      this.refresh(this.tracker.setRadioState(r.serial, "encrypted")?.serial);
      this.bus.emit("pollMissed", { serial: e.serial, atMs: e.at, outcome: "encrypted" });
    }
  }

  /**
   * Books one reading. A store that cannot write (a full disk, a read-only data dir) must not silence the
   * inverters: the reading is shown unbooked, said once as an error with the fix, and told on the bus (the
   * fault diagnosis); the inverters' counters carry the energy, so the first booking after it recovers
   * covers the readings in between, nothing lost or doubled.
   */
  private record(t: Telemetry, atMs: number): AccountingResult {
    const { store, logger, config } = this.o;
    try {
      const r = store.record(t, atMs);
      if (this.storeFailing) {
        this.storeFailing = false;
        logger.info(
          `the energy store ${store.file} can write again: booking resumed (the inverters' counters carried the energy meanwhile)`,
        );
        this.bus.emit("storeWrite", { ok: true, atMs });
      }
      return r;
    } catch (e) {
      const why = (e as Error).message;
      if (!this.storeFailing) {
        logger.error(
          `cannot write the energy store ${store.file} (${why}): readings are still published but not booked until it can — free space on the disk holding ${config.site.dataDir} or make it writable (site.yaml site.data_dir)`,
        );
      }
      this.storeFailing = true;
      this.bus.emit("storeWrite", { ok: false, atMs, detail: why });
      return store.preview(t, atMs);
    }
  }

  private onTelemetry(t: Telemetry, acc: AccountingResult, linkQuality: number, atMs: number): void {
    const was = this.tracker.get(t.serial);
    const wasOff = was?.on === false;
    const i = this.tracker.applyTelemetry(t, acc, linkQuality, atMs);
    if (!i) return;
    if (wasOff && i.on) {
      this.o.logger.warn(
        { serial: t.serial, acPowerW: acc.acPowerW },
        `${i.name}: still producing after OFF was delivered — the OFF command did not take effect (on/off is ${i.model.controls.onOff.status} on the ${i.model.model}); showing ON`,
      );
    }
    if (
      i.maxPowerW === undefined &&
      !i.limitQueried &&
      this.o.source.canCommand &&
      this.o.source.kind === "stick"
    ) {
      // Read the stored limit once (a DE query, no write), so max_power is known before anyone sets it.
      i.limitQueried = true;
      void this.o.source.queryLimit(t.serial);
    }
    this.readProtectionOnce(i);
    this.bus.emit("inverterReported", { serial: t.serial, telemetry: t, atMs, linkQuality });
    this.refresh(t.serial);
  }

  /**
   * The inverter's grid-protection settings (the grid-profile diagnostic entity): read once it answers
   * after start or pairing, and again an hour after a read that failed. A stick only: the vendor ECU's
   * LAN port does not pass the pages on. Read only: nothing writes a setting.
   */
  private readProtectionOnce(i: TrackedInverter): void {
    const { source, clock, logger } = this.o;
    if (!(source instanceof Stick) || i.protection) return;
    const now = clock.now();
    if (i.protectionAskedAtMs !== undefined && now - i.protectionAskedAtMs < PROTECTION_RETRY_MS) return;
    i.protectionAskedAtMs = now;
    source
      .readProtection(i.serial)
      .catch((e: Error) =>
        logger.info(
          { serial: i.serial },
          `grid-protection settings not read: ${e.message}; trying again in an hour`,
        ),
      );
  }

  private onCommandResult(r: CommandResult): void {
    const level = r.outcome === "failed" || r.outcome === "refused" ? "warn" : "info";
    this.o.logger[level]({ serial: r.serial, outcome: r.outcome, control: r.control }, r.message);
    if (r.limit) this.tracker.applyLimit(r.limit);
    const onOff = r.command.kind === "on-off" && (r.outcome === "sent" || r.outcome === "applied");
    if (r.command.kind === "on-off" && onOff) this.tracker.applyOnOff(r.serial, r.command.on, r.at);
    this.refresh(r.serial);
    // ON/OFF changes what the site shows (producing, power) now, not at the next round's end.
    if (onOff) this.publishSite();
    this.bus.emit("commandResult", {
      serial: r.serial,
      command: r.command.kind,
      ok: isOk(r),
      detail: r.message,
      request: r.command,
    });
  }

  private async runCommand(serial: string, c: Command): Promise<CommandOutcome> {
    const stick = this.o.source;
    if (stick.kind === "stick" && !this.tracker.get(serial)?.shortAddress) {
      return {
        ok: false,
        error: `${serial} is not paired yet: it gets a short address when pairing succeeds`,
      };
    }
    let r: CommandResult;
    if (c.kind === "poll") {
      const outcome = await stick.poll(serial);
      // The reading itself arrives on the state topic; the result only says what happened.
      if (outcome.kind === "reading")
        return { ok: true, detail: { outcome: "read", kind: outcome.reading.reply.kind } };
      if (outcome.kind === "error") return { ok: false, error: `poll failed: ${outcome.error.message}` };
      return {
        ok: false,
        error:
          outcome.kind === "no-route"
            ? "no route to the inverter (not paired, out of range, or asleep)"
            : "the inverter did not answer (asleep at night, or out of range)",
      };
    }
    if (c.kind === "read_grid_profile") {
      if (!(stick instanceof Stick))
        return { ok: false, error: "the vendor ECU's LAN port does not pass protection pages on" };
      try {
        const reading = await stick.readProtection(serial);
        // The settings themselves arrive on the state topic (grid_profile); the result says what was read.
        return { ok: true, detail: { outcome: "read", pages: reading.pages } };
      } catch (e) {
        return { ok: false, error: `grid profile not read: ${(e as Error).message}` };
      }
    }
    if (c.kind === "max_power") r = await stick.setMaxPower(serial, c.watts);
    else r = await stick.setOnOff(serial, c.on);
    const detail = { outcome: r.outcome, control_status: r.control, message: r.message };
    return isOk(r) ? { ok: true, detail } : { ok: false, error: r.message };
  }

  /** Inverters we accounted or paired before but that are gone from site.yaml (removed or replaced). */
  private retireRemoved(): void {
    const configured = new Set(this.o.config.inverters.map((i) => i.serial));
    const names = new Set(this.o.config.inverters.map((i) => i.label));
    const records = new Map(this.o.pairing.all().map((p) => [p.serial, p]));
    const known = new Set([...this.o.store.serials(), ...records.keys()]);
    for (const serial of known) {
      if (configured.has(serial)) continue;
      // A replacement took over the old name (and its topics); a removed unit's topics are cleared too.
      const name = records.get(serial)?.name;
      const keepTopics = name === undefined || names.has(name);
      this.publisher?.retireInverter(serial, { keepTopics, name });
      this.o.pairing.delete(serial);
      this.o.logger.info(
        `${name ?? serial} (${serial}) is no longer in site.yaml: removed from Home Assistant`,
      );
    }
  }

  private refresh(serial: string | undefined): void {
    if (!serial || !this.publisher) return;
    const s = this.tracker.snapshot(serial);
    if (s) {
      this.publisher.updateInverter(s);
      this.bus.emit("inverterSnapshot", { snapshot: s });
    }
    this.siteChanged();
  }

  /**
   * The site total sums every inverter: it goes out once per poll round (the radio's pollsDone), not once
   * per reading — N messages a round, each O(N) to build, at N inverters. A round longer than the poll
   * interval (a radio-bound site) still gets one per interval.
   */
  private siteChanged(): void {
    this.siteDirty = true;
    if (this.siteTimer !== undefined) return;
    const ms = this.o.config.poll.intervalS * 1000;
    this.siteTimer = this.o.clock.setTimeout(() => {
      this.siteTimer = undefined;
      this.publishSite();
    }, ms);
  }

  private publishSite(): void {
    if (this.siteTimer !== undefined) this.o.clock.clearTimeout(this.siteTimer);
    this.siteTimer = undefined;
    if (!this.siteDirty || !this.publisher) return;
    this.siteDirty = false;
    // Until one inverter has been heard from, the site total is unknown, not 0 W (no dip at a restart).
    if (this.tracker.snapshots().every((x) => x.status === "starting" || x.status === "unpaired")) return;
    const site = this.tracker.site(this.o.config.site.name);
    this.publisher.updateSite(site);
    this.bus.emit("siteSnapshot", { snapshot: site });
  }

  /** At local midnight today's energies restart at 0, also for inverters asleep since dusk. */
  private scheduleMidnight(): void {
    const tz = this.o.config.site.timezone;
    const now = this.o.clock.now();
    this.midnight = this.o.clock.setTimeout(() => {
      const day = localDay(this.o.clock.now(), tz);
      for (const i of this.tracker.rollDay(day)) this.refresh(i.serial);
      this.publishSite(); // today's energy is 0 again, whether or not anyone is polled tonight
      this.scheduleMidnight();
    }, nextLocalMidnight(now, tz) - now);
  }
}

function isOk(r: CommandResult): boolean {
  return r.outcome === "applied" || r.outcome === "unchanged" || r.outcome === "sent" || r.outcome === "read";
}
