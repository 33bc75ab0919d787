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
    // ECU-R 216000120830 answer to 0030 (signal levels), ksheumaker/homeassistant-apsystems_ecur#185.
    [
      "an ECU's LAN answer",
      [
        "decode",
        "415053313130303630303033303030901000007352ab901000006946ab901000006234ab901000006983ab901000005764ab901000004208ab454e440a",
      ],
      /"APS11": that is an ECU's LAN answer \(port 8899\)/,
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

  it("are there: two decodes (a UART dump, a bare L2 with --model) and two encodes", () => {
    expect(decodes.map((a) => a.includes("--model"))).toEqual([false, true]);
    expect(encodes.map((a) => a[1])).toEqual(["limit", "poll"]);
  });

  it.each(decodes.map((a) => [a.join(" ").slice(0, 60), a]))(
    "decode %s… runs as pasted and prints a telemetry reading",
    async (_n, args) => {
      const r = await runCli(args);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const j = JSON.parse(r.stdout.trim().split("\n")[0]!);
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
