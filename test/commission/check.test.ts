import { describe, expect, it } from "vitest";
import { checkProtection } from "../../src/commission/check.ts";
import type {
  ProtectionCode,
  ProtectionReading,
  ProtectionValue,
} from "../../src/protocol/protection/types.ts";

const UNITS: Record<string, "V" | "Hz" | "s" | "%/Hz" | "code"> = {};
for (const c of ["AC", "AQ", "AD", "AY", "AB", "AH", "AI", "BN", "BO"]) UNITS[c] = "V";
for (const c of ["AE", "AJ", "AF", "AK", "BP", "BQ", "CB", "CC", "DH", "DI", "DC"]) UNITS[c] = "Hz";
for (const c of ["BB", "BC", "BD", "BE", "BH", "BI", "BJ", "BK", "AG", "AS", "CG"]) UNITS[c] = "s";

/** A reading as the codec would hand it over: plain values, plus the codes the model cannot read. */
function reading(
  serial: string,
  model: string,
  values: Partial<Record<ProtectionCode, number>>,
  notReadable: ProtectionCode[] = [],
): ProtectionReading {
  const settings: Partial<Record<ProtectionCode, ProtectionValue>> = {};
  for (const [code, value] of Object.entries(values)) {
    settings[code as ProtectionCode] = { kind: "value", value, unit: UNITS[code] ?? "V" };
  }
  for (const code of notReadable)
    settings[code] = { kind: "not-readable", why: "QS1 page A trip times (§3.3)" };
  return { serial, model, pages: ["A", "B"], settings };
}

/** The EN50549-1 profile as printed in the reference §6.1, typed out by hand. */
function en50549(): Partial<Record<ProtectionCode, number>> {
  return {
    AC: 196,
    AQ: 184,
    BB: 0.02,
    BD: 1.2,
    AD: 264,
    AY: 253,
    AB: 253,
    BC: 0.1,
    BE: 0.05,
    AE: 47.5,
    AJ: 47,
    BJ: 0.3,
    BH: 0.16,
    AF: 52,
    AK: 52,
    BK: 0.3,
    BI: 0.3,
    BN: 196,
    BO: 253,
    BP: 49.5,
    BQ: 50.2,
    AG: 60,
    AS: 60,
  };
}
const QS1_UNREADABLE: ProtectionCode[] = ["BB", "BC", "BD", "BE", "BH", "BI", "BJ", "AH", "AI"];
function qs1(serial: string, over: Partial<Record<ProtectionCode, number>> = {}): ProtectionReading {
  const v = { ...en50549(), ...over };
  for (const c of QS1_UNREADABLE) delete v[c];
  return reading(serial, "QS1", v, QS1_UNREADABLE);
}

describe("checkProtection", () => {
  it("passes a site on the EN50549-1 profile and reports the QS1 trip times as not readable, not as 0", () => {
    const readings = [qs1("801000000001"), qs1("801000000002"), reading("704000000001", "DS3", en50549())];
    const inverters = readings.map((r) => ({ serial: r.serial, model: r.model }));
    const result = checkProtection({ gridCode: "en50549-1", inverters, readings });
    expect(result.deviations).toEqual([]);
    expect(result.pass).toBe(true);
    const bd = result.inverters[0]!.settings.find((s) => s.code === "BD")!;
    expect(bd).toMatchObject({ status: "not-readable", why: "QS1 page A trip times (§3.3)" });
    expect(bd.read).toEqual({ kind: "not-readable", why: "QS1 page A trip times (§3.3)" });
    const ac = result.inverters[2]!.settings.find((s) => s.code === "AC")!;
    expect(ac).toMatchObject({ status: "pass", expected: { value: 196, confirmed: true } });
    expect(ac.expected!.source).toMatchObject({ kind: "code", gridCode: "en50549-1", mark: "V" });
  });

  it("names the one inverter on a different under-voltage value, against the code and its siblings", () => {
    // The reference's §4.2 finding: a QS1A reads AC 183 V where the EN50549-1 profile has 196 V.
    const readings = [qs1("801000000001"), qs1("801000000002", { AC: 183 }), qs1("801000000003")];
    const inverters = readings.map((r) => ({ serial: r.serial, model: r.model }));
    const result = checkProtection({ gridCode: "en50549-1", inverters, readings });
    expect(result.pass).toBe(false);
    expect(result.deviations.map((d) => d.message)).toEqual([
      "801000000002: AC (under-voltage stage 1 (U<), trips after BD) reads 183 V, expected 196 V (tolerance ±1 V) — grid code en50549-1: EN50549-1 profile (vendor type 36), openaps gridprofiles-seed/profiles @ 3b01007 (vendor table protection_parameters60_info) [V]",
      "801000000002: AC (under-voltage stage 1 (U<), trips after BD) reads 183 V, expected 196 V (tolerance ±1 V) — siblings: 2 of 3 QS1 inverters read 196 V (801000000001, 801000000003)",
    ]);
    const [code, sib] = result.deviations;
    expect(code).toMatchObject({ code: "AC", read: { value: 183, unit: "V" }, confirmed: true });
    expect(code!.source.kind).toBe("code");
    expect(sib!.source).toEqual({
      kind: "siblings",
      detail: "siblings: 2 of 3 QS1 inverters read 196 V (801000000001, 801000000003)",
      serials: ["801000000001", "801000000003"],
    });
    expect(result.inverters.map((i) => i.deviations.length)).toEqual([0, 2, 0]);
  });

  it("names a sibling deviation on a setting the grid code has no value for", () => {
    // AH (fast under-voltage) is not part of any profile; DS3 page A reads it.
    const readings = [
      reading("704000000001", "DS3", { ...en50549(), AH: 196 }),
      reading("704000000002", "DS3", { ...en50549(), AH: 196 }),
      reading("704000000003", "DS3", { ...en50549(), AH: 150 }),
    ];
    const inverters = readings.map((r) => ({ serial: r.serial, model: r.model }));
    const result = checkProtection({ gridCode: "en50549-1", inverters, readings });
    expect(result.deviations.map((d) => d.message)).toEqual([
      "704000000003: AH (fast under-voltage (outer window)) reads 150 V, expected 196 V (tolerance ±1 V) — siblings: 2 of 3 DS3 inverters read 196 V (704000000001, 704000000002)",
    ]);
    const ah = result.inverters[0]!.settings.find((s) => s.code === "AH")!;
    expect(ah.status).toBe("not-in-code");
    expect(result.inverters[2]!.settings.find((s) => s.code === "AH")!.status).toBe("deviation");
  });

  it("names both inverters when two disagree and there is no majority", () => {
    const readings = [qs1("801000000001"), qs1("801000000002", { AG: 80 })];
    const inverters = readings.map((r) => ({ serial: r.serial, model: r.model }));
    const result = checkProtection({ gridCode: "en50549-1", inverters, readings });
    const siblings = result.deviations.filter((d) => d.source.kind === "siblings").map((d) => d.message);
    expect(siblings).toEqual([
      "801000000001: AG (wait before reconnecting (grid recovery time)) reads 60 s, expected 80 s (tolerance ±0.01 s) — siblings: no majority among 2 QS1 inverters (801000000002 80 s)",
      "801000000002: AG (wait before reconnecting (grid recovery time)) reads 80 s, expected 60 s (tolerance ±0.01 s) — siblings: no majority among 2 QS1 inverters (801000000001 60 s)",
    ]);
  });

  it("holds the site to the operator's override instead of the profile", () => {
    const readings = [
      qs1("801000000001", { AC: 184 }),
      qs1("801000000002", { AC: 184 }),
      qs1("801000000003"),
    ];
    const inverters = readings.map((r) => ({ serial: r.serial, model: r.model }));
    const result = checkProtection({ gridCode: "en50549-1", overrides: { AC: 184 }, inverters, readings });
    const own = result.deviations.filter((d) => d.source.kind === "override").map((d) => d.message);
    expect(own).toEqual([
      "801000000003: AC (under-voltage stage 1 (U<), trips after BD) reads 196 V, expected 184 V (tolerance ±1 V) — operator override in site.yaml (site.grid_overrides.AC)",
    ]);
    expect(result.inverters[0]!.settings.find((s) => s.code === "AC")).toMatchObject({
      status: "pass",
      expected: { value: 184, source: { kind: "override" }, confirmed: true },
    });
  });

  it("marks a deviation from a standard figure that is not confirmed", () => {
    // G98 U/V is 184 V [S]; the operator asked for 180 V, which the inverter carries.
    const g98 = {
      AC: 180,
      BD: 2.5,
      AY: 263,
      BE: 1,
      AD: 274,
      BC: 0.5,
      AE: 47.5,
      BJ: 20,
      AJ: 47,
      BH: 0.5,
      AF: 52,
      BK: 0.5,
    };
    const readings = [reading("704000000001", "DS3", g98)];
    const result = checkProtection({
      gridCode: "g98",
      overrides: { AC: 180 },
      inverters: [{ serial: "704000000001", model: "DS3" }],
      readings,
    });
    expect(result.deviations.map((d) => [d.message, d.confirmed])).toEqual([
      [
        "704000000001: AC (under-voltage stage 1 (U<), trips after BD) reads 180 V, expected 184 V (tolerance ±1 V) — grid code g98, standard: G98 Issue 1 Amd 7 U/V [S, unconfirmed]",
        false,
      ],
    ]);
    // The standard's figure travels with every setting it covers, marked, for the report.
    expect(result.inverters[0]!.settings.find((s) => s.code === "BD")!.standard).toEqual({
      value: 2.5,
      compare: "equal",
      mark: "S",
      source: "G98 Issue 1 Amd 7 U/V time",
      confirmed: false,
    });
  });

  it("checks maximum trip times as maxima: 0.08 s passes CEI’s ≤ 0.1 s, 0.15 s does not", () => {
    const cei = {
      AC: 195.5,
      BD: 1.48,
      AE: 49.8,
      BJ: 0.08,
      AF: 50.2,
      BK: 0.08,
      AJ: 47.5,
      BH: 0.08,
      AK: 51.5,
      BI: 0.15,
    };
    const readings = [reading("704000000001", "DS3", cei)];
    const result = checkProtection({
      gridCode: "cei-0-21",
      overrides: { BI: 0.15 },
      inverters: [{ serial: "704000000001", model: "DS3" }],
      readings,
    });
    expect(result.deviations.map((d) => d.message)).toEqual([
      "704000000001: BI (trip time of over-frequency stage 2 AK) reads 0.15 s, expected at most 0.1 s (tolerance −0.01/+0 s) — grid code cei-0-21, standard: CEI 0-21 81>.S2 time [S, unconfirmed]",
    ]);
  });

  it("reports a QS1 value outside the datasheet envelope 160–278 V", () => {
    const readings = [qs1("801000000001", { AD: 280 })];
    const result = checkProtection({
      gridCode: "en50549-1",
      overrides: { AD: 280 },
      inverters: [{ serial: "801000000001", model: "QS1" }],
      readings,
    });
    expect(result.deviations.map((d) => [d.message, d.confirmed])).toEqual([
      [
        "801000000001: AD (over-voltage stage 2 (U>>), trips after BC) reads 280 V, expected within 160–278 V (tolerance ±1 V) — datasheet envelope: QS1 datasheet (EU), adjustable trip limits [S, unconfirmed]",
        false,
      ],
    ]);
  });

  it.each([
    ["DS3 time 0.01 s under", "DS3", "BD", 1.19, true],
    ["DS3 time 0.01 s over", "DS3", "BD", 1.21, false],
    ["DS3 frequency 0.01 Hz over", "DS3", "AE", 47.51, true],
    ["DS3 frequency 0.02 Hz over", "DS3", "AE", 47.52, false],
    ["QS1 frequency 0.004 Hz over", "QS1", "AF", 52.004, true],
    ["QS1 frequency 0.01 Hz over", "QS1", "AF", 52.01, false],
    ["DS3 volt rounded down", "DS3", "AB", 252, true],
    ["DS3 volt 2 V under", "DS3", "AB", 251, false],
  ] as const)("tolerance: %s", (_name, model, code, value, passes) => {
    const serial = model === "DS3" ? "704000000001" : "801000000001";
    const base =
      model === "DS3"
        ? reading(serial, "DS3", { ...en50549(), [code]: value })
        : qs1(serial, { [code]: value });
    const result = checkProtection({
      gridCode: "en50549-1",
      inverters: [{ serial, model }],
      readings: [base],
    });
    expect(result.pass).toBe(passes);
  });

  it("lists an inverter that gave no page with every setting of the code not readable", () => {
    const result = checkProtection({
      gridCode: "vde-ar-n-4105",
      inverters: [{ serial: "801000000009", model: "QS1" }],
      readings: [],
    });
    const inv = result.inverters[0]!;
    expect(inv.pages).toEqual([]);
    // VDE-AR-N 4105 sets 18 codes (§6.1, counted by hand).
    expect(inv.settings).toHaveLength(18);
    expect(new Set(inv.settings.map((s) => s.status))).toEqual(new Set(["not-readable"]));
    expect(inv.settings[0]!.why).toBe("no protection page answered");
    expect(result.pass).toBe(true);
  });
});
