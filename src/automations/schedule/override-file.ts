/**
 * The override (HA select, MQTT) kept in the data directory, so a grid operator's "off until 14:00" still
 * holds after a restart at 13:00; one that has expired by then is simply no longer in force (the core
 * compares `untilMs` with the time). A missing file is no override; a broken one is reported and ignored.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SavedOverride {
  mode: "on" | "off" | "limit";
  /** W in the model's unit (per panel for QS1/YC600), like the rules. */
  limitW?: number;
  untilMs?: number;
  by: string;
}

export const OVERRIDE_FILE = "schedule-override.json";

export class OverrideFile {
  readonly path: string;

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, OVERRIDE_FILE);
  }

  load(onProblem: (message: string) => void): SavedOverride | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return undefined;
    }
    try {
      const v = JSON.parse(text) as Record<string, unknown>;
      const mode = v.mode;
      if (mode !== "on" && mode !== "off" && mode !== "limit") throw new Error(`mode is ${String(mode)}`);
      const out: SavedOverride = { mode, by: typeof v.by === "string" ? v.by : "user" };
      if (mode === "limit") {
        if (typeof v.limitW !== "number" || !(v.limitW >= 0)) throw new Error("limit without limitW");
        out.limitW = v.limitW;
      }
      if (typeof v.untilMs === "number") out.untilMs = v.untilMs;
      return out;
    } catch (e) {
      onProblem(
        `${this.path} is not a saved override (${(e as Error).message}); ignored — delete it, or set the override again`,
      );
      return undefined;
    }
  }

  /** Writes atomically (temp file + rename); `undefined` removes the file (override back to auto). */
  save(o: SavedOverride | undefined): void {
    if (!o) {
      rmSync(this.path, { force: true });
      return;
    }
    mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(o, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}
