/**
 * The vendor ECU as a ReadingSource (src/controller/source.ts): its real-time answers become the same
 * reading events a stick produces, so everything downstream stays source-agnostic. The ECU polls its
 * inverters itself (about every 300 s); this side only reads port 8899, paced by the poller.
 *
 * What it cannot do is said, never faked: no poll on demand (the ECU has nothing newer than its last
 * cycle), no DC values per panel. Commands go through the ECU's web pages only when the start-up probe
 * found them (control-probe.ts); they are queued by the ECU and reach the inverter at its next round, and
 * stay unverified (no capture of them acting on 2026 firmware, no read-back).
 */

import type { ReadingSource } from "../controller/source.ts";
import type { EcuInfo, EcuRealtime, EcuSignal } from "../protocol/ecu/types.ts";
import { type ModelInfo, modelForSerial } from "../protocol/models.ts";
import type { Clock } from "../radio/clock.ts";
import { deriveEcuId } from "../radio/ecu-id.ts";
import { type CommandResult, type InverterState, type RadioCommand, RadioEvents } from "../radio/events.ts";
import type { InverterInput } from "../radio/inverters.ts";
import type { RadioLogger } from "../radio/log.ts";
import type { PollOutcome } from "../radio/scheduler.ts";
import type { EcuControlProbe } from "./control-probe.ts";
import { type EcuHttpControl, type EcuPageResult, pageResultText } from "./http-control.ts";
import { ECU_NOT_ANSWERING_CHECKS } from "./pacing.ts";
import { cycleTimeMs, type EcuInverterMemory, ecuTelemetry } from "./telemetry.ts";

/** Why a command cannot go through this source; shown as the command's result and in the log. */
export const ECU_CANNOT_COMMAND =
  "the vendor ECU's port 8899 only reads: localecu cannot command inverters through it (use the EMA app, or a stick)";

/** How long the ECU takes to pass a queued command on (ecu-lan-protocol.md §3: "See the results 5 minutes later"). */
export const ECU_COMMAND_LATENCY = "the ECU applies it at its next round (about 5 minutes)";

/**
 * What port 8899 never delivers, whatever the inverter (every record type carries per-input power, AC
 * voltage, frequency and temperature, nothing else: ecu-lan-protocol.md §2.5). The entities create no
 * entity for these and list them, with these words, in each inverter's attributes.
 */
export const ECU_READ_GAPS = {
  dc_voltage: "the ECU's real-time records carry each input's power, not its DC voltage",
  dc_current: "the ECU's real-time records carry each input's power, not its DC current",
  status_bits:
    "the ECU does not pass the inverter's status bits (ground, grid, temperature and DC faults) on",
  protection: "the ECU does not pass the inverter's grid-protection settings on (a stick reads them)",
  poll: "the ECU reads its inverters itself, about every 300 s: there is no reading on demand",
} as const;

/** The ECU's command pages, as found at start. */
export interface EcuControl {
  http: EcuHttpControl;
  probe: EcuControlProbe;
}

export interface EcuSourceOptions {
  /** host:port, for messages. */
  where: string;
  /** Anything stable for this site (the site name): the bridge's identity, the same a stick would derive. */
  stableId: string;
  clock: Clock;
  logger: RadioLogger;
  /** Starts and stops reading the ECU; calls back into the source with what it read. */
  reader: EcuReader;
  /** The command pages and what the start-up probe found; without it, nothing is commanded. */
  control?: EcuControl;
}

/** What drives the source: the poller reading port 8899 (poller.ts), or a test feeding answers. */
export interface EcuReader {
  start(sink: EcuSink): void;
  stop(): Promise<void>;
}

export interface EcuSink {
  info(info: EcuInfo): void;
  realtime(answer: EcuRealtime, receivedAtMs: number): void;
  signal(answer: EcuSignal): void;
  /** The ECU stopped answering (`detail`: what failed, how often, since when), or answers again (`up`). */
  link(up: boolean, detail: string): void;
}

interface Tracked {
  serial: string;
  model?: ModelInfo;
  state: InverterState;
  memory?: EcuInverterMemory;
  linkQuality: number;
}

export class EcuSource implements ReadingSource, EcuSink {
  readonly kind = "ecu";
  readonly events: RadioEvents;
  readonly ecuId: Uint8Array;
  private readonly tracked = new Map<string, Tracked>();
  private lastCycle: string | undefined;
  private lastInfo: string | undefined;
  private lastWarning = "";
  private down = false;
  private running = false;

  constructor(private readonly o: EcuSourceOptions) {
    this.events = new RadioEvents(o.logger);
    this.ecuId = deriveEcuId(o.stableId);
  }

  /** True when the probe found at least one command page (each command still checks its own page). */
  get canCommand(): boolean {
    const p = this.o.control?.probe;
    return p !== undefined && (p.onOff.available || p.maxPower.available);
  }

  /** What the start-up probe found, when there was one (the bridge shows it), small and flat. */
  get sourceControl(): (Record<string, unknown> & { summary: string }) | undefined {
    const p = this.o.control?.probe;
    if (!p) return undefined;
    const word = (f: { available: boolean; finding: string }) =>
      f.available ? "available, unverified" : `not available: ${f.finding}`;
    return {
      summary: p.summary,
      ecu_model: p.ecuModel,
      firmware: p.firmware ?? null,
      on_off: word(p.onOff),
      max_power: word(p.maxPower),
      zero_export: `not available: ${p.zeroExport.finding}`,
      latency: ECU_COMMAND_LATENCY,
      probed_at: new Date(p.at).toISOString(),
    };
  }

  /** What the ECU cannot give, and the controls its start-up probe did not find (with the finding). */
  get gaps(): NonNullable<ReadingSource["gaps"]> {
    const p = this.o.control?.probe;
    const missing = (f: { available: boolean; finding: string } | undefined, page: string) =>
      f === undefined
        ? { [page]: `${ECU_CANNOT_COMMAND}; its command pages were not probed` }
        : f.available
          ? {}
          : { [page]: `the ECU's page was not found at start: ${f.finding}` };
    return { ...ECU_READ_GAPS, ...missing(p?.maxPower, "max_power"), ...missing(p?.onOff, "on_off") };
  }

  /** Commands through the pages the probe found: never confirmed, no read-back, the ECU's delay. */
  get commandPath(): ReadingSource["commandPath"] {
    const p = this.o.control?.probe;
    if (!p || !this.canCommand) return undefined;
    return {
      evidence: `ecu-lan-protocol.md §3: the ECU's web page, found at start (${p.ecuModel}${p.firmware ? `, firmware ${p.firmware}` : ""}); no capture shows it acting on 2026 firmware`,
      note: `unverified: sent through the vendor ECU's web page, and no page reads the result back; ${ECU_COMMAND_LATENCY}`,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.events.emit("linkState", { state: "connecting", url: this.url, at: this.o.clock.now() });
    this.o.reader.start(this);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.o.reader.stop();
    this.events.emit("linkState", { state: "closed", url: this.url, at: this.o.clock.now() });
  }

  addInverter(i: InverterInput): void {
    if (!this.tracked.has(i.serial)) {
      const model = i.model ?? modelForSerial(i.serial);
      this.tracked.set(i.serial, {
        serial: i.serial,
        state: "unknown",
        linkQuality: 0,
        ...(model ? { model } : {}),
      });
    }
  }

  inverters(): readonly { serial: string }[] {
    return [...this.tracked.values()].map((t) => ({ serial: t.serial }));
  }

  async poll(_serial: string): Promise<PollOutcome> {
    return {
      kind: "error",
      error: new Error(
        "the vendor ECU reads its inverters itself, about every 300 s; localecu shows its latest cycle and cannot ask for a newer one",
      ),
    };
  }

  setMaxPower(serial: string, watts: number): Promise<CommandResult> {
    const command: RadioCommand = { kind: "set-max-power", serial, watts };
    const c = this.o.control;
    if (!c?.probe.maxPower.available) return this.refuse(command, c?.probe.maxPower.finding);
    const model = this.tracked.get(serial)?.model;
    // The page takes W per DC input; a model limited per inverter (DS3) shares the watts over its inputs.
    const perInput = Math.round(model?.limitPer === "inverter" ? watts / model.channels : watts);
    const [lo, hi] = c.probe.maxPowerRangeW;
    if (perInput < lo || perInput > hi) {
      return this.finish(
        command,
        "invalid",
        0,
        `the ECU takes ${lo}–${hi} W per input, ${perInput} W asked: send a value in that range`,
      );
    }
    return this.send(command, `max power ${perInput} W per input`, () =>
      c.http.setMaxPower(serial, perInput, [lo, hi]),
    );
  }

  setOnOff(serial: string, on: boolean): Promise<CommandResult> {
    const command: RadioCommand = { kind: "on-off", serial, on };
    const c = this.o.control;
    if (!c?.probe.onOff.available) return this.refuse(command, c?.probe.onOff.finding);
    return this.send(command, `turn ${on ? "on" : "off"}`, () => c.http.setSwitchState(serial, on));
  }

  /** The pages write only: the ECU gives no read of an inverter's limit. */
  queryLimit(serial: string): Promise<CommandResult> {
    return this.refuse(
      { kind: "query-limit", serial },
      "the ECU's pages only write; none reads an inverter's limit back",
    );
  }

  // ---- EcuSink: what the reader delivers ----

  info(info: EcuInfo): void {
    // Every poll reads it; the log says it when it changes.
    const line = `ECU ${info.ecuId} (${info.ecuModel}, firmware ${info.firmware}): ${info.invertersOnline} of ${info.invertersRegistered} inverters online`;
    if (line !== this.lastInfo) this.o.logger.info(line);
    this.lastInfo = line;
  }

  link(up: boolean, detail: string): void {
    // The controller traces link phases at debug; losing the ECU, and getting it back, the owner must see.
    if (!up)
      this.o.logger.warn(
        `the ECU is not answering at ${this.o.where} (${detail}): ${ECU_NOT_ANSWERING_CHECKS}`,
      );
    else if (this.down) this.o.logger.info(`the ECU at ${this.o.where} answers again`);
    this.down = !up;
    this.events.emit("linkState", {
      state: up ? "ready" : "no-answer",
      url: this.url,
      at: this.o.clock.now(),
      ...(up ? {} : { reason: detail }),
    });
  }

  signal(answer: EcuSignal): void {
    for (const e of answer.inverters) {
      const t = this.tracked.get(e.uid);
      if (t) t.linkQuality = e.levelRaw;
    }
  }

  realtime(answer: EcuRealtime, receivedAtMs: number): void {
    const cycleMs = answer.cycleTime === undefined ? undefined : cycleTimeMs(answer.cycleTime);
    if (cycleMs === undefined) {
      // A no-data answer: the ECU answers but holds nothing from any inverter. Nothing to book; to the
      // fault diagnosis it is a look where none answered (asleep at night; in daylight, the ECU lost them).
      for (const t of this.tracked.values()) this.missed(t, receivedAtMs);
      return;
    }
    const newCycle = answer.cycleTime !== this.lastCycle;
    this.lastCycle = answer.cycleTime;
    const listed = new Map(answer.inverters.map((r) => [r.uid, r]));
    // Records after one of an unknown type cannot be read (their length is unknown): those inverters are
    // not missing from the ECU, this answer just does not say how they are.
    const cutShort = answer.warnings.filter((w) => w.code === "unknown-type" || w.code === "record-stop");
    const warning = cutShort.map((w) => w.detail).join("; ");
    if (warning !== "" && warning !== this.lastWarning) {
      this.o.logger.warn(`ECU answer read in part: ${warning}`);
    }
    this.lastWarning = warning;
    let read = 0;
    for (const t of this.tracked.values()) {
      const rec = listed.get(t.serial);
      if (!rec && cutShort.length > 0) continue;
      if (!rec) {
        this.setState(
          t,
          "unreachable",
          "the ECU does not list this inverter: register its serial in the ECU, or check site.yaml",
        );
        continue;
      }
      const r = ecuTelemetry(rec, cycleMs, receivedAtMs, t.memory, t.model);
      if (r.kind === "same-cycle") continue;
      if (r.kind === "skipped") {
        // Offline at night is sleep; the fault diagnosis decides whether daylight silence is a fault. An
        // offline record at a new round is the ECU's poll of that inverter going unanswered.
        this.setState(t, "sleeping", r.why);
        if (!rec.online && newCycle) this.missed(t, receivedAtMs);
        continue;
      }
      t.memory = r.memory;
      this.setState(t, "awake", "reported at the ECU's last cycle");
      read++;
      this.events.emit("reading", {
        serial: t.serial,
        shortAddress: 0,
        reply: r.telemetry,
        payload: new Uint8Array(0),
        linkQuality: t.linkQuality,
        at: r.atMs,
      });
    }
    if (newCycle) this.events.emit("pollsDone", { inverters: read, at: receivedAtMs });
  }

  /** Told like a stick's unanswered poll, so the fault diagnosis sees the ECU's silences too. */
  private missed(t: Tracked, atMs: number): void {
    this.events.emit("pollMissed", { serial: t.serial, shortAddress: 0, outcome: "no-reply", at: atMs });
  }

  private get url(): string {
    return `ecu://${this.o.where}`;
  }

  private setState(t: Tracked, state: InverterState, reason: string): void {
    if (t.state === state) return;
    const previous = t.state;
    t.state = state;
    this.events.emit("inverterState", {
      serial: t.serial,
      shortAddress: 0,
      state,
      previous,
      reason,
      at: this.o.clock.now(),
    });
  }

  /** One page POST; its answer becomes the command's result. */
  private async send(
    command: RadioCommand,
    what: string,
    post: () => Promise<EcuPageResult>,
  ): Promise<CommandResult> {
    let r: EcuPageResult;
    try {
      r = await post();
    } catch (e) {
      return this.finish(command, "invalid", 0, (e as Error).message);
    }
    if (r.kind === "answer" && r.value === 0) {
      return this.finish(
        command,
        "sent",
        1,
        `${what}: sent, unverified; ${ECU_COMMAND_LATENCY} (the ECU said "${r.message}")`,
      );
    }
    const why =
      r.kind === "answer"
        ? `the ECU declined it (${pageResultText(r)})`
        : `the ECU's page did not take it: ${pageResultText(r)}`;
    return this.finish(command, "failed", r.kind === "answer" ? 1 : 0, `${what}: ${why}`);
  }

  private refuse(command: RadioCommand, finding?: string): Promise<CommandResult> {
    const message =
      finding === undefined
        ? ECU_CANNOT_COMMAND
        : `the vendor ECU cannot take this command: ${finding} (probed at start; use the EMA app, or a stick)`;
    return this.finish(command, "invalid", 0, message);
  }

  private async finish(
    command: RadioCommand,
    outcome: CommandResult["outcome"],
    writes: number,
    message: string,
  ): Promise<CommandResult> {
    const p = this.o.control?.probe;
    const result: CommandResult = {
      command,
      serial: command.serial,
      outcome,
      // No capture shows the pages acting on an inverter with 2026 firmware.
      control: "unverified",
      evidence: p
        ? `ecu-lan-protocol.md §3: the ECU's web page, probed at start (${p.ecuModel}${p.firmware ? `, firmware ${p.firmware}` : ""}); unverified, no read-back`
        : "ecu-lan-protocol.md §2: port 8899 has no command that writes to an inverter",
      writes,
      message,
      at: this.o.clock.now(),
    };
    this.events.emit("commandResult", result);
    return result;
  }
}
