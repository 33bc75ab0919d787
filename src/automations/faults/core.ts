/**
 * Fault diagnosis, the pure core: readings, silences, stick and store events and the sun's elevation
 * in; findings out (opened, cleared, repeated), each with its likely cause and an installer's advice.
 * No I/O and no clock: time is the inputs' `atMs`. The module, the benchmark and the tests drive it.
 *
 * Readings and silences are collected until a `round` input, which judges them: each family (one file
 * each) says per key "bad", "ok" or nothing (cannot judge now, e.g. at night), and the ledger (book.ts)
 * turns that into debounced findings. Families run in an order that lets the later ones see what the
 * earlier ones opened, so one problem is told once (a dead stick is not four dead inverters).
 */
import { modelForSerial } from "../../protocol/models.ts";
import { DAYLIGHT_MIN_ELEVATION_DEG } from "../../site/sun.ts";
import { FindingBook, type Verdict } from "./book.ts";
import { communication } from "./comms.ts";
import type { RoundContext, StickState } from "./context.ts";
import { controllerSide } from "./controller.ts";
import { dcSide } from "./dc.ts";
import { grid } from "./grid.ts";
import { groundFault } from "./ground.ts";
import { InverterMemory } from "./memory.ts";
import { PanelComparison } from "./panels.ts";
import { notProducing } from "./production.ts";
import { gridSettings } from "./protection.ts";
import { checkSettings, DEFAULT_DIAGNOSIS_SETTINGS } from "./settings.ts";
import { temperature } from "./temperature.ts";
import type {
  DiagnosisSettings,
  FaultChanges,
  FaultDiagnosisCore,
  FaultInput,
  FaultLayout,
  FaultSource,
  Finding,
} from "./types.ts";

export class FaultDiagnosis implements FaultDiagnosisCore {
  readonly settings: Readonly<DiagnosisSettings>;
  private readonly memories = new Map<string, InverterMemory>();
  private readonly book = new FindingBook();
  private readonly panels = new PanelComparison();
  private readonly stick: StickState = {
    up: true,
    downSinceMs: undefined,
    detail: undefined,
    resets: [],
    storeOk: true,
    storeFailedAtMs: undefined,
    storeDetail: undefined,
  };
  private nowMs = Number.NEGATIVE_INFINITY;
  private readonly source: FaultSource;

  constructor(
    private readonly layout: FaultLayout,
    settings: Partial<DiagnosisSettings> = {},
  ) {
    this.settings = checkSettings({ ...DEFAULT_DIAGNOSIS_SETTINGS, ...settings });
    this.source = layout.source ?? "stick";
    if (this.source !== "stick" && this.source !== "ecu")
      throw new RangeError(
        `fault diagnosis: source '${String(this.source)}' is not one localecu reads from; use "stick" or "ecu"`,
      );
    layout.inverters.forEach((inv, i) => {
      if (this.memories.has(inv.serial))
        throw new RangeError(
          `fault diagnosis: inverters[${i}] ${inv.serial} is listed twice; list each once`,
        );
      this.memories.set(
        inv.serial,
        new InverterMemory({ ...inv, model: inv.model ?? modelForSerial(inv.serial) }),
      );
    });
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: layout.timezone });
    } catch {
      throw new RangeError(
        `fault diagnosis: timezone '${layout.timezone}' is not an IANA zone; use one like Europe/Amsterdam (site.yaml site.timezone)`,
      );
    }
  }

  update(input: FaultInput): FaultChanges {
    if (!Number.isFinite(input.atMs))
      throw new RangeError(`fault diagnosis: ${input.kind} input needs atMs in epoch ms, got ${input.atMs}`);
    this.nowMs = Math.max(this.nowMs, input.atMs);
    this.book.begin();
    switch (input.kind) {
      case "reading":
        this.memory(input.telemetry.serial).reading(input.telemetry, input.atMs);
        break;
      case "no-reply":
        // The vendor ECU reads its own inverters in whatever mode it paired them: an AES pairing is its
        // business, never a reason to re-pair. From it, every no-reply is plain silence.
        this.memory(input.serial).noReply(input.atMs, input.encrypted === true && this.source === "stick");
        break;
      case "control": {
        const m = this.memory(input.serial);
        if (input.on !== undefined) m.on = input.on;
        if (input.limitW !== undefined) m.limitW = input.limitW;
        break;
      }
      case "protection": {
        // Judged at the next round, with the siblings' pages (protection.ts).
        const m = this.memory(input.reading.serial);
        m.protection = input.reading;
        m.protectionAtMs = input.atMs;
        break;
      }
      case "stick-link":
        if (input.up) Object.assign(this.stick, { up: true, downSinceMs: undefined, detail: undefined });
        else if (this.stick.up)
          Object.assign(this.stick, { up: false, downSinceMs: input.atMs, detail: input.detail });
        break;
      case "stick-reset":
        this.stick.resets.push(input.atMs);
        if (this.stick.resets.length > 50) this.stick.resets.shift();
        break;
      case "store":
        if (input.ok)
          Object.assign(this.stick, { storeOk: true, storeFailedAtMs: undefined, storeDetail: undefined });
        else if (this.stick.storeOk)
          Object.assign(this.stick, {
            storeOk: false,
            storeFailedAtMs: input.atMs,
            storeDetail: input.detail,
          });
        break;
      case "round":
        if (!Number.isFinite(input.sunElevationDeg))
          throw new RangeError(
            `fault diagnosis: round needs sunElevationDeg in degrees, got ${input.sunElevationDeg}`,
          );
        return this.round(input.atMs, input.sunElevationDeg);
    }
    return { opened: [], cleared: [], repeated: [], open: this.book.open(), recheck: [] };
  }

  restore(open: readonly Finding[]): void {
    for (const f of open) if (f.clearedAtMs === undefined) this.book.restore(f);
  }

  private round(atMs: number, sunElevationDeg: number): FaultChanges {
    const daylight = sunElevationDeg >= DAYLIGHT_MIN_ELEVATION_DEG;
    const inverters = [...this.memories.values()];
    for (const m of inverters) m.startRound(atMs, daylight);
    const ctx: RoundContext = {
      atMs,
      sunElevationDeg,
      daylight,
      settings: this.settings,
      timezone: this.layout.timezone,
      inverters,
      book: this.book,
      stick: this.stick,
      source: this.source,
      grid: this.layout.grid,
    };
    const families: ((c: RoundContext) => Verdict[])[] = [
      controllerSide,
      communication,
      groundFault,
      grid,
      dcSide,
      notProducing,
      temperature,
      gridSettings,
      (c) => this.panels.round(c),
    ];
    for (const family of families) this.book.apply(family(ctx), atMs);
    for (const m of inverters) m.endRound();
    const repeated = this.book.repeats(atMs, this.settings.repeatHours);
    return {
      opened: [...this.book.opened],
      cleared: [...this.book.cleared],
      repeated,
      open: this.book.open(),
      recheck: [...this.book.recheck],
    };
  }

  /** An inverter missing from the layout is still diagnosed, with what its replies tell. */
  private memory(serial: string): InverterMemory {
    let m = this.memories.get(serial);
    if (!m) {
      m = new InverterMemory({ serial, model: modelForSerial(serial), panels: [] });
      this.memories.set(serial, m);
    }
    return m;
  }
}
