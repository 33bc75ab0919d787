import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { checkCommand } from "../../../src/cli/check.ts";
import { runCommand } from "../../helpers/command.ts";
import { configOf, issuesOfObject } from "./fixtures.ts";

const inverters = [{ serial: "801000012345" }];

describe("site.grid_code and site.grid_overrides", () => {
  it("reads the grid code and the operator's overrides", () => {
    const c = configOf({
      site: { timezone: "Europe/Rome", grid_code: "cei-0-21", grid_overrides: { AC: 196, AG: 300 } },
      inverters,
    });
    expect(c.site.gridCode).toBe("cei-0-21");
    expect(c.site.gridOverrides).toEqual({ AC: 196, AG: 300 });
  });

  it("has no grid code and no overrides unless given", () => {
    const c = configOf({ site: { timezone: "Europe/Rome" }, inverters });
    expect(c.site.gridCode).toBeUndefined();
    expect(c.site.gridOverrides).toEqual({});
  });

  it.each([
    [
      "an unknown grid code lists the valid ones",
      { grid_code: "en50549" },
      'site.yaml: site.grid_code: expected one of en50549-1, vde-ar-n-4105, g98, g99, as4777-a, cei-0-21, got "en50549" — did you mean "en50549-1"?',
    ],
    [
      "a grid code far from any lists them with the hint",
      { grid_code: "nz" },
      'site.yaml: site.grid_code: expected one of en50549-1, vde-ar-n-4105, g98, g99, as4777-a, cei-0-21, got "nz" — name the grid code your network operator requires',
    ],
    [
      "an override of a setting code the pages do not carry",
      { grid_code: "g98", grid_overrides: { ZZ: 1 } },
      'site.yaml: site.grid_overrides.ZZ: unknown setting code "ZZ" — use one of AC, AQ, AH, AD, AY, AI, AB, AZ, BA, AE, AJ, AF, AK, BB, BC, BD, BE, BH, BI, BJ, BK, BN, BO, BP, BQ, AG, AS, CV, CA, CB, CC, DH, DI, DD, CF, CG, DC, DA, CH, AL, AM, AN, AO, AR, AP, AA',
    ],
    [
      "a setting code in lower case",
      { grid_code: "g98", grid_overrides: { ac: 184 } },
      'site.yaml: site.grid_overrides.ac: invalid id "ac": expected a two-letter setting code in capitals, like AC — the codes are listed in docs/installer.md',
    ],
    [
      "a frequency given for a voltage, outside the profile's range",
      { grid_code: "en50549-1", grid_overrides: { AC: 47.5 } },
      "site.yaml: site.grid_overrides.AC: 47.5 V is outside 60–229 V — AC is in V (under-voltage stage 1 (U<), trips after BD): give a value within the range APsystems allows for AC in en50549-1",
    ],
    [
      "a trip time in milliseconds",
      { grid_code: "vde-ar-n-4105", grid_overrides: { BD: 3000 } },
      "site.yaml: site.grid_overrides.BD: 3000 s is outside 0.02–3.1 s — BD is in s (trip time of under-voltage stage 1 AC): give a value within the range APsystems allows for BD in vde-ar-n-4105",
    ],
    [
      "a code the profile leaves unset, judged by its unit",
      { grid_code: "vde-ar-n-4105", grid_overrides: { AD: 50 } },
      "site.yaml: site.grid_overrides.AD: 50 V is outside 60–300 V — AD is in V (over-voltage stage 2 (U>>), trips after BC): give a value within the plausible range of a setting in V",
    ],
    [
      "overrides without a grid code",
      { grid_overrides: { AC: 184 } },
      "site.yaml: site.grid_overrides: overrides without a grid code — set site.grid_code to the code the network operator named; the overrides replace single values of it",
    ],
    [
      "an override that is not a number",
      { grid_code: "g98", grid_overrides: { AC: "184 V" } },
      'site.yaml: site.grid_overrides.AC: expected a number in the setting\'s unit (V, Hz or s), got "184 V"',
    ],
  ])("%s", (_name, site, line) => {
    expect(issuesOfObject({ site: { timezone: "Europe/London", ...site }, inverters })).toEqual([line]);
  });
});

describe("localecu check on the grid settings", () => {
  it("exits 2 naming the line, the bad code and the valid ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "localecu-grid-"));
    try {
      const file = join(dir, "site.yaml");
      writeFileSync(
        file,
        stringify({
          site: { timezone: "Europe/Berlin", grid_code: "vde-4105", grid_overrides: { AX: 1 } },
          inverters,
        }),
      );
      const r = await runCommand(checkCommand(), [file]);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")).toEqual([
        `${file}:3:14: site.grid_code: expected one of en50549-1, vde-ar-n-4105, g98, g99, as4777-a, cei-0-21, got "vde-4105" — name the grid code your network operator requires`,
        `${file}: 1 problem — nothing was checked further; fix it and run check again`,
        "",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
