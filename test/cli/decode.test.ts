import { describe, expect, it } from "vitest";
import { captures, frames } from "../fixtures/captures.ts";
import { runCli } from "../helpers/cli.ts";
import { readmeCommands } from "./readme-commands.ts";

describe("localecu decode", () => {
  it("prints one JSON object for a captured QS1 UART dump, channel 1 = input A", async () => {
    const r = await runCli(["decode", captures.qs1Johan.hex]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!);
    expect(j).toMatchObject({ serial: "801000085070", model: "QS1", kind: "telemetry", uptime_s: 26848 });
    expect(j.channels.map((c: { channel: number; input: string }) => [c.channel, c.input])).toEqual([
      [1, "A"],
      [2, "B"],
      [3, "C"],
      [4, "D"],
    ]);
    // Channel 1 from bytes 25–27 (C1 20 68 → V 0x682, I 0x0C1), computed here from the formula.
    expect(j.channels[0].voltage_v).toBeCloseTo((0x682 * 82.5) / 4096, 2);
    expect(j.channels[0].current_a).toBeCloseTo((0x0c1 * 27.5) / 4096, 3);
    for (const k of ["temperature_c", "frequency_hz", "ac_voltage_v", "ac_power_w", "status"])
      expect(j).toHaveProperty(k);
  });

  it("decodes an AF payload and a bare L2 with --model, and a limit reply", async () => {
    const ds3 = await runCli(["decode", captures.ds3Telemetry.hex]);
    expect(JSON.parse(ds3.stdout)).toMatchObject({
      model: "DS3",
      ac_power_w: 36,
      ac_power_source: "reported",
    });
    const l2 = captures.ds3Telemetry.hex.slice(12);
    const bare = await runCli(["decode", "--model", "ds3", l2]);
    expect(JSON.parse(bare.stdout)).toMatchObject({ serial: null, model: "DS3", kind: "telemetry" });
    const lim = await runCli(["decode", captures.yc600Limit300.hex]);
    expect(JSON.parse(lim.stdout)).toMatchObject({ kind: "limit", limit_w_per_panel: 300 });
  });

  it.each([
    ["not hex", ["decode", "FE01zz"], /'z' at character 5 is not a hex digit/],
    [
      "truncated",
      ["decode", captures.qs1Johan.hex.slice(0, 120)],
      /no inverter message|no complete ZNP frame/,
    ],
    ["bad FCS", ["decode", "FE0164010065"], /no complete ZNP frame .*bad FCS/],
    [
      "an inverter frame with a bad FCS",
      ["decode", `${captures.qs1Johan.hex.slice(0, -2)}00`],
      /no inverter message decoded: fcs at byte 14: frame FE 72 44 81 … has a bad FCS/,
    ],
    [
      "an inverter frame cut short",
      ["decode", captures.qs1Johan.hex.slice(0, 100)],
      /length at byte 14: frame FE 72 \(119 bytes\) is cut short/,
    ],
    [
      "an unknown command",
      ["decode", "801000085070FBFB06EE000000000000F4FEFE"],
      /L2 command EE from 801000085070 is not one/,
    ],
    ["a missing argument", ["decode"], /missing required argument/],
    ["an unknown model", ["decode", "--model", "qs9", "FBFB"], /invalid/],
    ["bare L2 without model", ["decode", frames.command_vectors_source_only.poll!], /pass --model/],
    // 16 bytes = serial 001122334455 + 6 "nonce" bytes + 4: not the AES shape (whole 16-byte blocks).
    [
      "16 random bytes",
      ["decode", "00112233445566778899aabbccddeeff"],
      /at byte 6: after serial 001122334455 comes neither an L2 frame .* 4 bytes follow the nonce/,
    ],
    // ECU-C answer with 5 ECU-id digits masked by its poster (ksheumaker/homeassistant-apsystems_ecur#81), cut short.
    [
      "a cut ECU answer pasted as text",
      ["decode", "APS12011100012150000*****01\\x00"],
      /^localecu: cut at byte 28: the length field says 111 bytes \+ LF, got 28/,
    ],
    // HAEdwin/homeassistant-apsystems_ecu_proxy README @446c9d5: an upload to EMA, not an 8899 answer.
    [
      "an ECU's upload to EMA",
      ["decode", "APS18AA302AAAAAAA1216000064136"],
      /"APS18" is the ECU's upload to the EMA cloud/,
    ],
  ])("%s → exit 2 with one line and no stack trace", async (_n, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe("localecu decode with a vendor ECU's LAN answer (port 8899)", () => {
  it("hex: ECU-R 216000061728's real-time data, 7× YC600 (community.home-assistant.io/t/…/260835)", async () => {
    const hex =
      "415053313130313736303030323030303100072020112412051040800009401601303101f3006f001400e4001400e440800009562201303101f3006f001300e4001400e440800009182601303101f3006f001400e3001400e340800009293301303101f3006f001400e3001300e340800009191301303101f3006f001500e3001400e340800009243401303101f3006f001400e3001400e340800009184001303101f3006f001400e2001400e2454e440a";
    const r = await runCli(["decode", hex]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!);
    expect(j).toMatchObject({
      source: "ecu-lan",
      kind: "ecu-realtime",
      count: 7,
      cycle_time: "2020-11-24T12:05:10",
    });
    // First record, from the reference's decoded line: 49.9 Hz, 11 °C, P [20, 20] W, 228 V.
    expect(j.inverters[0]).toMatchObject({
      uid: "408000094016",
      model: "YC600",
      online: true,
      frequency_hz: 49.9,
      temperature_c: 11,
      ac_voltage_v: 228,
      ac_power_w: 40,
      channels: [
        { channel: 1, input: "A", power_w: 20 },
        { channel: 2, input: "B", power_w: 20 },
      ],
    });
  });

  it("text as a Python log shows it: ECU-R-Pro 0001 with a real EMA time (HAEdwin/homeassistant-apsystems_ecu_reader#129)", async () => {
    const hex =
      "41505331323031313830303031323136323030303437323233303100024f99000005450000008b202604231011350006000631303031374543555f525f50524f5f322e312e3239413031364575726f70652f416d7374657264616d80971b03885060c5a87ef814303000000000000000000000454e440a";
    const repr = `b'${Array.from(Buffer.from(hex, "hex"), (c) => (c >= 0x20 && c < 0x7f && c !== 0x5c && c !== 0x27 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`)).join("")}'`;
    const r = await runCli(["decode", repr]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: "ecu-info",
      group: "12",
      ecu_id: "216200047223",
      ecu_model: "ECU-R-Pro",
      lifetime_energy_wh: 15_144_900,
      ac_power_w: 1_349,
      today_energy_wh: 1_390,
      last_ema_contact: "2026-04-23T10:11:35",
      inverters_registered: 6,
      inverters_online: 6,
      firmware: "ECU_R_PRO_2.1.29A",
      timezone: "Europe/Amsterdam",
    });
  });
});

describe("localecu encode", () => {
  it("prints the L2 of a limit that matches the vendor sniff, and a full UART poll frame", async () => {
    const lim = await runCli(["encode", "limit", "--model", "yc600", "--watts", "400"]);
    expect(lim.stdout.trim()).toBe(frames.set_power_sniffs.l2_by_watts["400"]);
    const poll = await runCli(["encode", "poll", "--short", "0xD5E1", "--ecu-id", "D6B3011B9780"]);
    expect(poll.code).toBe(0);
    expect(poll.stdout.trim()).toMatch(
      /^FE1D2401E1D5141406000100 ?0F1380971B01B3D6FBFB06BB000000000000C1FEFE03$/,
    );
  });

  it("recognises an AES-paired inverter's AF payload and says what to do", async () => {
    // Serial, 6-byte nonce, one whole 16-byte block (the AES shape, openaps docs/AES-DESIGN.md).
    const r = await runCli(["decode", "801000085070 3a91c2d4e5f6 0718293a4b5c6d7e8f90a1b2c3d4e5f6"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ serial: "801000085070", kind: "encrypted" });
  });

  it("refuses --broadcast where no broadcast variant exists", async () => {
    const r = await runCli(["encode", "poll", "--broadcast"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--broadcast is for limit, on and off/);
  });

  it("refuses an out-of-range limit with exit 2", async () => {
    const r = await runCli(["encode", "limit", "--watts", "5000"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/outside 20–500 W/);
  });
});

describe("the README's decode and encode examples", () => {
  const decodes = readmeCommands("decode");
  const encodes = readmeCommands("encode");

  it("are there: five decodes (a UART dump, a bare L2 and a protection page with --model, an ECU answer as hex and as text) and two encodes", () => {
    expect(decodes.map((a) => (a.includes("--model") ? "model" : a[1]!.slice(0, 6)))).toEqual([
      "FE0164",
      "model",
      "model",
      "415053",
      "APS110",
    ]);
    expect(encodes.map((a) => a[1])).toEqual(["limit", "poll"]);
  });

  it.each(decodes.map((a) => [a.join(" ").slice(0, 60), a]))(
    "decode %s… runs as pasted and prints a reading",
    async (_n, args) => {
      const r = await runCli(args);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const j = JSON.parse(r.stdout.trim().split("\n")[0]!);
      // ECU-B 216300007004's DS3 by day (mi-hol/readAPSystemsECU DS3_data.txt): 49.9 Hz, 51 °C, 211 + 214 W, 240 V.
      if (args[1]!.startsWith("415053")) {
        expect(j.inverters).toEqual([
          expect.objectContaining({ uid: "702000999999", temperature_c: 51, ac_power_w: 425 }),
        ]);
        return;
      }
      // ECU-B 216300054149's clock (ksheumaker/homeassistant-apsystems_ecur#199).
      if (args[1]!.startsWith("APS")) {
        expect(j).toMatchObject({ kind: "ecu-clock", time: "2023-08-01T17:30:37" });
        return;
      }
      // openaps' QS1A page-A capture (grid-protection.md §4.2): AC 183 V, trip times not readable.
      if (args.includes("qs1a")) {
        expect(j).toMatchObject({ kind: "protection", model: "QS1A", page: "A" });
        expect(j.settings).toContainEqual(expect.objectContaining({ code: "AC", value: 183, unit: "V" }));
        expect(j.settings).toContainEqual(expect.objectContaining({ code: "BD", not_readable: true }));
        return;
      }
      expect(j.kind).toBe("telemetry");
      // The UART example is the YC600 408000158215 capture; the bare L2 carries no serial.
      if (args.includes("--model")) expect(j).toMatchObject({ serial: null, model: "DS3" });
      else expect(j).toMatchObject({ serial: "408000158215", model: "YC600" });
    },
  );

  it.each(encodes.map((a) => [a.join(" "), a]))("encode %s runs as pasted", async (_n, args) => {
    const r = await runCli(args);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // The vendor ECU's 300 W sniff (frames.json set_power_sniffs), and the documented poll L2 inside the frame.
    if (args[1] === "limit")
      expect(r.stdout.trim().toLowerCase()).toBe(frames.set_power_sniffs.l2_by_watts["300"]);
    else expect(r.stdout.trim().toLowerCase()).toContain(frames.command_vectors_source_only.poll);
  });
});
