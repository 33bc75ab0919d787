/**
 * The core's settings: site.yaml's values over the schema's documented defaults (written out here as the
 * schema states them), and the user's changes from HA/MQTT kept in the data directory across restarts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coreSettings, SettingsFile, writesPerHour } from "../../../src/automations/export-limit/settings.ts";

describe("coreSettings", () => {
  it("an export_limit with only a meter gets the schema's defaults", () => {
    expect(coreSettings({ meter: { topic: "p1/power" } })).toEqual({
      targetW: 0,
      hysteresisW: 50,
      intervalS: 10,
      meterTimeoutS: 60,
      fallback: "hold",
      maxWritesPerHour: 12,
      mode: "export_limit",
      enabled: true,
    });
    expect(writesPerHour({})).toBe(12);
    expect(writesPerHour({ maxWritesPerHour: 4 })).toBe(4);
  });

  it("the user's changes win, unless site.yaml's target changed since they were made", () => {
    const saved = { enabled: false, targetW: 300, mode: "monitor" as const, yamlTargetW: 0 };
    expect(coreSettings({ targetW: 0 }, saved)).toMatchObject({
      enabled: false,
      targetW: 300,
      mode: "monitor",
    });
    // The file was edited to 600 W after the change from HA: the file is the newer word.
    expect(coreSettings({ targetW: 600 }, saved)).toMatchObject({
      enabled: false,
      targetW: 600,
      mode: "monitor",
    });
  });
});

describe("SettingsFile", () => {
  it("keeps the changes and the day's writes across a restart; a missing file is no change", () => {
    const dir = mkdtempSync(join(tmpdir(), "localecu-limiter-settings-"));
    try {
      const problems: string[] = [];
      const f = new SettingsFile(join(dir, "data"));
      expect(f.load((m) => problems.push(m))).toEqual({});
      f.save({
        enabled: true,
        targetW: 100,
        mode: "zero_export",
        yamlTargetW: 0,
        writesDay: "2026-06-21",
        writesToday: 9,
      });
      expect(new SettingsFile(join(dir, "data")).load((m) => problems.push(m))).toEqual({
        enabled: true,
        targetW: 100,
        mode: "zero_export",
        yamlTargetW: 0,
        writesDay: "2026-06-21",
        writesToday: 9,
      });
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an unreadable file is reported with its path and ignored; unknown values are dropped", () => {
    const dir = mkdtempSync(join(tmpdir(), "localecu-limiter-settings-"));
    try {
      const problems: string[] = [];
      const path = join(dir, "export-limit.json");
      writeFileSync(path, "{not json");
      expect(new SettingsFile(dir).load((m) => problems.push(m))).toEqual({});
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(
          `^${path}: not readable JSON \\(.*\\) — the limiter starts from site.yaml; delete the file to silence this$`,
        ),
      );
      writeFileSync(path, JSON.stringify({ enabled: "yes", targetW: -5, mode: "max", yamlTargetW: 0 }));
      expect(new SettingsFile(dir).load(() => {})).toEqual({ yamlTargetW: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
