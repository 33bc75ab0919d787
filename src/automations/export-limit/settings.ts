/**
 * The core's settings from site.yaml (with the schema's defaults, read from the schema itself so the two
 * never disagree) and the user's changes from Home Assistant or MQTT (switch, allowed export, mode), which
 * are kept in the data directory so a restart does not undo them.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SCHEMA_URL } from "../../site/config/schema.ts";
import type { ExportLimitSettings } from "../../site/config/types.ts";
import type { LimiterMode, LimiterSettings } from "./types.ts";

type Props = Record<string, { default?: unknown }>;
const PROPS: Props = (
  JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as { definitions: { exportLimit: { properties: Props } } }
).definitions.exportLimit.properties;

function schemaDefault<T>(key: string): T {
  const v = PROPS[key]?.default;
  if (v === undefined) throw new Error(`site.schema.json: export_limit.${key} has no default`);
  return v as T;
}

/**
 * What the user changed at runtime (`yamlTargetW` is site.yaml's target when the change was made), and
 * the limit writes of the day so far.
 */
export interface SavedSettings {
  enabled?: boolean;
  targetW?: number;
  mode?: LimiterMode;
  yamlTargetW?: number;
  /** Local day (YYYY-MM-DD) of `writesToday`. */
  writesDay?: string;
  writesToday?: number;
}

export function coreSettings(s: ExportLimitSettings, saved: SavedSettings = {}): LimiterSettings {
  const yamlTargetW = s.targetW ?? schemaDefault<number>("target_w");
  // Editing target_w in site.yaml beats an older change from HA: the file is the newer word.
  const targetW =
    saved.targetW !== undefined && saved.yamlTargetW === yamlTargetW ? saved.targetW : yamlTargetW;
  return {
    targetW,
    hysteresisW: s.hysteresisW ?? schemaDefault<number>("hysteresis_w"),
    intervalS: s.intervalS ?? schemaDefault<number>("interval_s"),
    meterTimeoutS: s.meterTimeoutS ?? schemaDefault<number>("meter_timeout_s"),
    fallback: s.fallback ?? schemaDefault<LimiterSettings["fallback"]>("fallback"),
    maxWritesPerHour: s.maxWritesPerHour ?? schemaDefault<number>("max_writes_per_hour"),
    mode: saved.mode ?? "export_limit",
    enabled: saved.enabled ?? true,
  };
}

/** The flash-wear budget the stick's command queue enforces (the core stays inside it too). */
export function writesPerHour(s: ExportLimitSettings): number {
  return s.maxWritesPerHour ?? schemaDefault<number>("max_writes_per_hour");
}

export const SAVED_FILE = "export-limit.json";

export class SettingsFile {
  readonly path: string;

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, SAVED_FILE);
  }

  /** The saved changes; a missing file is none, an unreadable one is reported and ignored. */
  load(onProblem: (message: string) => void): SavedSettings {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return {};
    }
    try {
      const v = JSON.parse(text) as Record<string, unknown>;
      const out: SavedSettings = {};
      if (typeof v.enabled === "boolean") out.enabled = v.enabled;
      if (typeof v.targetW === "number" && v.targetW >= 0) out.targetW = v.targetW;
      if (v.mode === "export_limit" || v.mode === "zero_export" || v.mode === "monitor") out.mode = v.mode;
      if (typeof v.yamlTargetW === "number") out.yamlTargetW = v.yamlTargetW;
      if (typeof v.writesDay === "string" && typeof v.writesToday === "number" && v.writesToday >= 0) {
        out.writesDay = v.writesDay;
        out.writesToday = v.writesToday;
      }
      return out;
    } catch (e) {
      onProblem(
        `${this.path}: not readable JSON (${(e as Error).message}) — the limiter starts from site.yaml; delete the file to silence this`,
      );
      return {};
    }
  }

  /** Written to a temporary file and renamed, so a crash never leaves half a file. */
  save(s: SavedSettings): void {
    mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}
