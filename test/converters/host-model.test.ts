/**
 * The controller's converter host picks the definition by model — site.yaml's `model` when the serial prefix
 * is unknown — and runs it on the reply the radio decoded, booking energy where the host says.
 */
import { describe, expect, it } from "vitest";
import { ConverterHost } from "../../converters/host.ts";
import { decodeRaw } from "../../converters/lib/decode.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { FrameError } from "../../src/protocol/errors.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import { EnergyAccountant } from "../../src/site/energy/index.ts";

const QS1 = modelByName("QS1")!;
const AT = Date.parse("2026-06-21T12:00:00+02:00");
const TZ = "Europe/Amsterdam";

/**
 * The QS1 reply of frames.json `qs1-801000085070-johan` (ESP32-read-APS-inverters test.ino, case 1) with its
 * serial bytes 80 10 00 08 50 70 replaced by 80 30 00 08 50 70: prefix 803 is no known model, so only a
 * site.yaml `model: QS1` says how to read it. QS1 replies carry no checked L2 sum, so the body stays valid.
 */
const L2 =
  "FBFB51B103EB0F419300CAF069D9F068C7C068C1206804B868E0000006A80001BB38134D01CCE90E0A01FD1E052201D967D0641F0003055400000000000000000000000000000000000000000000000000002B2A0000FEFE";
const SERIAL = "803000085070";
const payload = fromHex(SERIAL + L2);

function host(warnings: string[]) {
  return new ConverterHost({
    timeZone: TZ,
    logger: { warning: (m) => warnings.push(m), debug: () => {} },
  });
}

describe("a site.yaml model for an unknown serial prefix", () => {
  it("without it, the serial alone cannot be read", () => {
    expect(() => decodeReply(payload)).toThrow(FrameError);
    expect(() => decodeRaw(payload, {}, { atMs: AT, timeZone: TZ })).toThrow(/no known .*model/);
  });

  it("with it, the radio's reply goes through the QS1 definition with no warning", () => {
    const warnings: string[] = [];
    const reply = decodeReply(payload, { model: QS1 });
    const acc = new EnergyAccountant({ timeZone: TZ });
    let booked = 0;
    const res = host(warnings).receive(
      { serial: SERIAL, model: QS1 },
      { payload, reply, linkQuality: 80, atMs: AT },
      (t, atMs) => {
        booked++;
        return acc.record(t, atMs);
      },
    );
    expect(warnings).toEqual([]);
    expect(booked).toBe(1);
    expect(res?.reply).toBe(reply); // the radio's decode is used as is, not redone
    // Worked example, DESIGN.md §2: frequency bytes 12–14 = 0F 41 93 = 999 827 → 50 000 000 / 999 827
    // = 50.0087 Hz, published to 3 decimals.
    expect(res?.values.ac_frequency).toBe(50.009);
    // Temperature bytes 10–11 = 03 EB = 1003 → 1003 × 0.2752 − 258.7 = 17.33 °C.
    expect(res?.values.temperature).toBeCloseTo(17.3, 1);
    expect(Object.keys(res!.values)).toContain("dc_voltage_ch4");
  });

  it("a model with no definition (YC1000: telemetry not decoded) is not taken", () => {
    const res = host([]).receive(
      { serial: "501000012345", model: modelByName("YC1000")! },
      { payload, reply: decodeReply(payload, { model: QS1 }), linkQuality: 80, atMs: AT },
      () => {
        throw new Error("nothing to book");
      },
    );
    expect(res).toBeUndefined();
  });
});
