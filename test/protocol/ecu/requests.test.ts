/** Requests: the strings the reference gives (§2.3, captures P1, P2, P11), and round trips. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildEcuRequest,
  clockRequest,
  energyHistoryRequest,
  infoRequest,
  parseEcuRequest,
  powerOfDayRequest,
  realtimeRequest,
  signalRequest,
} from "../../../src/protocol/ecu/requests.ts";
import { ecuCaptures as C } from "./captures.ts";

describe("ECU LAN requests", () => {
  it.each([
    ["0001 (P6, the README)", () => infoRequest({ lf: false }), C.p6Request],
    [
      "0002 (P1's request, no LF)",
      () => realtimeRequest("216000061728", { lf: false }),
      "APS1100280002216000061728END",
    ],
    ["0030", () => signalRequest("216000120830", { lf: false }), "APS1100280030216000120830END"],
    ["0012 (P11)", () => clockRequest("216300054149", { lf: false }), C.p11Request0012],
    ["0058 (P11)", () => buildEcuRequest("0058", { ecuId: "216300054149", lf: false }), C.p11Request0058],
    [
      "0003, 39 chars",
      () => powerOfDayRequest("216000061728", "2024-06-01", { lf: false }),
      "APS1100390003216000061728END20240601END",
    ],
    [
      "0004 month, 33 chars",
      () => energyHistoryRequest("216000061728", "month", { lf: false }),
      "APS1100330004216000061728END01END",
    ],
  ])("%s", (_n, build, expected) => {
    expect(build()).toBe(expected);
  });

  it("ends with the LF the HA integrations send, by default, outside the length", () => {
    expect(infoRequest()).toBe("APS1100160001END\n");
  });

  it.each([
    [
      "an ECU id that is not 12 digits",
      () => realtimeRequest("21600006172"),
      /ECU id must be the 12 digits .* got '21600006172'/,
    ],
    ["a command without the ECU id", () => buildEcuRequest("0002"), /command 0002 needs the ECU id/],
    ["a bad day", () => powerOfDayRequest("216000061728", "1 June"), /YYYY-MM-DD or YYYYMMDD, got '1 June'/],
    ["a command that is not 4 digits", () => buildEcuRequest("2"), /4 decimal digits \(e.g. 0002\), got '2'/],
  ])("refuses %s", (_n, build, message) => {
    expect(build).toThrow(message);
  });

  it("parses the captured requests back; npeter's 0004 with length 0039 is read with lengthOk false", () => {
    expect(parseEcuRequest(C.p11Request0012)).toEqual({
      command: "0012",
      ecuId: "216300054149",
      args: [],
      length: 28,
      lengthOk: true,
      lf: false,
    });
    expect(parseEcuRequest("APS1100390004216000061728END00END\n")).toMatchObject({
      command: "0004",
      args: ["00"],
      length: 39,
      lengthOk: false,
      lf: true,
    });
    expect(() => parseEcuRequest("APS1100160001")).toThrow(/a request is "APS11" \+ 4-digit length/);
  });

  it("round trip: any command, ECU id and arguments come back as built, with a matching length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9999 }).map((n) => String(n).padStart(4, "0")),
        fc.stringMatching(/^\d{12}$/),
        fc.array(
          fc.stringMatching(/^[0-9A-Z]{0,16}$/).filter((s) => !s.includes("END")),
          { maxLength: 4 },
        ),
        fc.boolean(),
        (command, ecuId, args, lf) => {
          const r = parseEcuRequest(buildEcuRequest(command, { ecuId, args, lf }));
          expect(r).toEqual({ command, ecuId, args, length: r.length, lengthOk: true, lf });
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
