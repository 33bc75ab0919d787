import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { parseEmulateOptions } from "../../src/cli/emulate.ts";
import { CliError } from "../../src/cli/errors.ts";
import { bringUpSequence, buildInverterRequest, pairingSequence } from "../../src/protocol/aps-link.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { encodePoll, encodeSetMaxPower } from "../../src/protocol/commands.ts";
import { decodeDump } from "../../src/protocol/dump.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import {
  buildGetDeviceInfo,
  is,
  parseAfIncomingMsg,
  parseDeviceInfo,
} from "../../src/protocol/znp/commands.ts";
import { encodeZnpFrame, type ZnpFrame } from "../../src/protocol/znp/frame.ts";
import { ZnpStreamParser } from "../../src/protocol/znp/parser.ts";
import { runCli as localecu } from "../helpers/cli.ts";
import { readmeCommands } from "./readme-commands.ts";

const ENTRY = new URL("./emulate-entry.ts", import.meta.url).pathname;
const ECU = "D8A3011B9780";
const QS1 = "801000085070";
const defaults = { seed: "1", speed: "1", ecuId: "D8A3011B9780" };

describe("parseEmulateOptions", () => {
  it("reads a full command line", () => {
    const cfg = parseEmulateOptions({
      ...defaults,
      listen: "tcp://127.0.0.1:0",
      inverters: "801000085070, 408000158215",
      seed: "42",
      speed: "60",
      start: "2024-06-21T10:00:00Z",
      truth: "/tmp/t.jsonl",
      ecuId: "d8a3011b9780",
    });
    expect(cfg).toEqual({
      host: "127.0.0.1",
      port: 0,
      serials: ["801000085070", "408000158215"],
      seed: 42,
      speed: 60,
      startMs: Date.parse("2024-06-21T10:00:00Z"),
      truthFile: "/tmp/t.jsonl",
      ecuId: "D8A3011B9780",
    });
  });

  it("defaults the start to now in daylight and accepts an IPv6 host", () => {
    // 21 June 2024, 12:00 UTC: midsummer midday at the demo house near Amsterdam.
    const noon = Date.parse("2024-06-21T12:00:00Z");
    const cfg = parseEmulateOptions({ ...defaults, listen: "tcp://[::1]:5000" }, noon);
    expect([cfg.host, cfg.port, cfg.startMs, cfg.serials, cfg.startNote]).toEqual([
      "::1",
      5000,
      noon,
      undefined,
      undefined,
    ]);
  });

  it("after dark defaults to that day's solar noon at the simulated site, and says so", () => {
    // 1 Dec 2026 22:00 UTC is night in Amsterdam (52.37 N, 4.90 E). Solar noon there: 12:00 UTC minus
    // 4.90° / 15° per hour = 0.3267 h = 19 min 36 s → 11:40:24 UTC (sun ≈ 90 − 52.4 − 21.8 = 15.8° high).
    const cfg = parseEmulateOptions({ ...defaults, listen: "tcp://h:1" }, Date.parse("2026-12-01T22:00:00Z"));
    expect(new Date(cfg.startMs).toISOString()).toBe("2026-12-01T11:40:24.000Z");
    expect(cfg.startNote).toMatch(/sun is down .* --start/);
    const explicit = parseEmulateOptions(
      { ...defaults, listen: "tcp://h:1", start: "2026-12-01T23:00:00Z" },
      Date.parse("2026-12-01T22:00:00Z"),
    );
    expect([explicit.startMs, explicit.startNote]).toEqual([Date.parse("2026-12-01T23:00:00Z"), undefined]);
  });

  it.each([
    [{}, /--listen is required/],
    [{ listen: "serial:///dev/ttyUSB0" }, /not tcp:\/\/HOST:PORT/],
    [{ listen: "tcp://127.0.0.1:70000" }, /port 0–65535/],
    [{ listen: "tcp://h:1", inverters: "801000085070,80100008507" }, /'80100008507' is not a 12-digit/],
    [{ listen: "tcp://h:1", seed: "x" }, /--seed must be an integer/],
    [{ listen: "tcp://h:1", speed: "0" }, /--speed must be a positive number/],
    [{ listen: "tcp://h:1", start: "yesterday" }, /--start must be an ISO time/],
    [{ listen: "tcp://h:1", ecuId: "D8A3" }, /--ecu-id must be 12 hex digits/],
    [
      { listen: "tcp://h:1", powerLog: "-" },
      /--power-log needs a file name \(stdout carries the stick's URL\)/,
    ],
    [{ listen: "tcp://h:1", powerLog: " " }, /--power-log needs a file name/],
  ])("rejects %o", (raw, message) => {
    expect(() => parseEmulateOptions({ ...defaults, ...raw })).toThrow(CliError);
    expect(() => parseEmulateOptions({ ...defaults, ...raw })).toThrow(message);
  });
});

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

function runCli(args: string[]) {
  child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exit = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child!.stdout! }).once("line", resolve);
    exit.then(() => reject(new Error(`emulate exited before printing its URL: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // tests that expect an early exit never read the URL
  return { child, firstLine, exit, stderr: () => stderr };
}

/** Sends frames over TCP and waits for a number of answers. */
async function tcpHost(url: string) {
  const { hostname, port } = new URL(url.replace("tcp:", "http:"));
  const socket: Socket = connect(Number(port), hostname);
  await new Promise<void>((r, j) => socket.once("connect", r).once("error", j));
  const parser = new ZnpStreamParser();
  let got: ZnpFrame[] = [];
  let raw: number[] = [];
  let wake = () => {};
  socket.on("data", (c: Buffer) => {
    raw.push(...c);
    for (const e of parser.push(new Uint8Array(c))) if (e.kind === "frame") got.push(e.frame);
    wake();
  });
  const send = async (frame: ZnpFrame, until: (fs: ZnpFrame[]) => boolean) => {
    got = [];
    raw = [];
    socket.write(encodeZnpFrame(frame));
    while (!until(got)) await new Promise<void>((r) => (wake = r));
    return { frames: got, raw: Uint8Array.from(raw) };
  };
  return { socket, send };
}

/** Brings the stick up and pairs one inverter, as the driver would; returns its short address. */
async function pairedHost(url: string, serial: string) {
  const host = await tcpHost(url);
  for (const step of bringUpSequence(fromHex(ECU))) {
    const isStart = step.frame.cmd0 === 0x26 && step.frame.cmd1 === 0x00;
    await host.send(step.frame, (fs) =>
      fs.some((f) => (isStart ? f.cmd0 === 0x45 && f.data[0] === 9 : true)),
    );
  }
  const info = await host.send(buildGetDeviceInfo(), (fs) => fs.length > 0);
  expect(parseDeviceInfo(info.frames[0]!)).toMatchObject({ deviceState: 9, ieee: "0xd8a3011b9780ffff" });
  let short = -1;
  const incomingOn = (fs: ZnpFrame[], cluster: number) =>
    fs.find((x) => is(x, "AF_INCOMING_MSG") && parseAfIncomingMsg(x).cluster === cluster);
  for (const [i, f] of pairingSequence(serial, fromHex(ECU)).entries()) {
    // 0x010F is relayed back, 0x0101 is answered; the others get SRSP + confirm.
    const cluster = [undefined, undefined, 0x010f, 0x0101][i];
    const { frames } = await host.send(f, (fs) =>
      cluster === undefined ? fs.length >= 2 : incomingOn(fs, cluster) !== undefined,
    );
    const reply = incomingOn(frames, 0x0101);
    if (reply) short = parseAfIncomingMsg(reply).srcAddr;
  }
  expect(short).toBeGreaterThan(0);
  return { host, short };
}

describe("localecu emulate", () => {
  it("starts on port 0, prints its URL first, answers bring-up, pairing and a poll, writes the truth", async () => {
    const truthDir = mkdtempSync(join(tmpdir(), "emulate-"));
    onTestFinished(() => rmSync(truthDir, { recursive: true, force: true }));
    const truthFile = join(truthDir, "truth.jsonl");
    const cli = runCli([
      "--listen",
      "tcp://127.0.0.1:0",
      "--inverters",
      QS1,
      "--start",
      "2024-06-21T10:00:00Z",
      "--truth",
      truthFile,
      "--seed",
      "5",
    ]);
    const url = await cli.firstLine;
    expect(url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const { host, short } = await pairedHost(url, QS1);
    const poll = await host.send(buildInverterRequest(short, fromHex(ECU), encodePoll()), (fs) =>
      fs.some((f) => is(f, "AF_INCOMING_MSG")),
    );
    const t = decodeDump(poll.raw).messages[0]!.reply as Telemetry;
    expect(t).toMatchObject({ kind: "telemetry", serial: QS1 });
    host.socket.destroy();
    cli.child.kill("SIGTERM");
    expect(await cli.exit).toBe(0);
    const lines = readFileSync(truthFile, "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    const truth = JSON.parse(lines[0]!) as {
      serial: string;
      uptime_s: number;
      channels: { voltage_v: number; current_a: number; energy_counter: number }[];
    };
    expect(truth.serial).toBe(QS1);
    expect(truth.uptime_s).toBe(t.uptimeS);
    truth.channels.forEach((c, i) => {
      expect(Math.abs(t.channels[i]!.voltageV - c.voltage_v)).toBeLessThanOrEqual(82.5 / 4096 / 2 + 1e-9);
      expect(Math.abs(t.channels[i]!.currentA - c.current_a)).toBeLessThanOrEqual(27.5 / 4096 / 2 + 1e-9);
      expect(t.channels[i]!.energyCounter).toBe(c.energy_counter);
    });
  });

  it("--power-log: every simulated second, each inverter's true and unlimited output; a limit shows in it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emulate-power-"));
    // Also after a timeout, which skips the finally below.
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const logFile = join(dir, "power.jsonl");
    const truthFile = join(dir, "truth.jsonl");
    try {
      // 21 June 2024 11:40 UTC is solar noon at the simulated house (52.4° N, 4.9° E): the sun is ~61° high.
      const cli = runCli([
        ...["--listen", "tcp://127.0.0.1:0", "--inverters", QS1, "--seed", "5", "--speed", "20"],
        ...["--start", "2024-06-21T11:40:00Z", "--power-log", logFile, "--truth", truthFile],
      ]);
      const { host, short } = await pairedHost(await cli.firstLine, QS1);
      const poll = () =>
        host.send(buildInverterRequest(short, fromHex(ECU), encodePoll()), (fs) =>
          fs.some((f) => is(f, "AF_INCOMING_MSG")),
        );
      await poll();
      // 100 W per panel: four panels may then give at most 400 W between them.
      const setPower = encodeSetMaxPower({ family: "qs1", watts: 100, rangeW: [20, 500] });
      await host.send(buildInverterRequest(short, fromHex(ECU), setPower), (fs) => fs.length >= 2);
      type Line = {
        time: string;
        t_ms: number;
        ac_power_w: number;
        available_ac_w: number;
        inverters: { serial: string; ac_power_w: number; available_ac_w: number; limit_w: number }[];
      };
      const read = (): Line[] =>
        existsSync(logFile)
          ? readFileSync(logFile, "utf8")
              .split("\n")
              .filter(Boolean)
              .map((l) => JSON.parse(l) as Line)
          : [];
      // The wire carries 100 W as a raw value that decodes to 99.98 W: that is what the inverter stores.
      const isNewLimit = (w: number) => Math.abs(w - 100) < 0.05;
      // A command takes effect within seconds, then ramps: wait for 10 simulated seconds at the new limit.
      const limited = (ls: Line[]) =>
        ls.filter((l) => isNewLimit(l.inverters[0]!.limit_w) && l.ac_power_w <= 400);
      while (limited(read()).length < 10) await new Promise((r) => setTimeout(r, 100));
      await poll();
      host.socket.destroy();
      cli.child.kill("SIGTERM");
      expect(await cli.exit).toBe(0);

      const lines = read();
      expect(lines.length).toBeGreaterThan(20);
      // One line per simulated second, none missing, from the start to the stop.
      expect(lines[0]!.t_ms).toBe(Date.parse("2024-06-21T11:40:00Z"));
      lines.forEach((l, i) => {
        expect(l.t_ms).toBe(lines[0]!.t_ms + i * 1000);
        expect(l.time).toBe(new Date(l.t_ms).toISOString());
        expect(l.inverters.map((x) => x.serial)).toEqual([QS1]);
        expect(l.ac_power_w).toBeLessThanOrEqual(1200 + 1e-9); // QS1 rating
        expect(l.ac_power_w).toBeLessThanOrEqual(l.available_ac_w + 1e-9);
      });
      // Unlimited at first (500 W per panel is above what a 400 Wp panel gives): true = available.
      expect(lines[0]!.inverters[0]!.limit_w).toBe(500);
      expect(lines[0]!.ac_power_w).toBe(lines[0]!.available_ac_w);
      // Limited at the end: ≤ 4 × 100 W, while the sun could give more.
      const last = lines.at(-1)!;
      expect(isNewLimit(last.inverters[0]!.limit_w)).toBe(true);
      expect(last.ac_power_w).toBeLessThanOrEqual(400 + 1e-9);
      expect(last.available_ac_w).toBeGreaterThan(400);

      // Each reply's truth sits between the log's values for the seconds around it.
      const truths = readFileSync(truthFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { time: string; ac_power_w: number });
      expect(truths).toHaveLength(2);
      for (const t of truths) {
        const at = Date.parse(t.time);
        const around = lines.filter((l) => Math.abs(l.t_ms - at) < 1000).map((l) => l.ac_power_w);
        expect(around.length).toBeGreaterThanOrEqual(1);
        expect(t.ac_power_w).toBeGreaterThanOrEqual(Math.min(...around) - 1);
        expect(t.ac_power_w).toBeLessThanOrEqual(Math.max(...around) + 1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [["--listen", "tcp://127.0.0.1:0", "--inverters", "501000000001"], /cannot simulate 501000000001/],
    [["--listen", "udp://x:1"], /--listen 'udp:\/\/x:1' is not/],
  ])("exits 2 with one clear line for %o", async (args, message) => {
    const cli = runCli(args);
    expect(await cli.exit).toBe(2);
    const err = cli.stderr().trim();
    expect(err.split("\n")).toHaveLength(1);
    expect(err).toMatch(message);
  });
});

describe("--faults", () => {
  it("turns the list into per-frame probabilities seeded like the site", () => {
    const cfg = parseEmulateOptions({
      ...defaults,
      listen: "tcp://127.0.0.1:0",
      faults: "f8=0.1, drop=0.02,split=1",
    });
    expect(cfg.lineFaults).toEqual({ seed: 1, strayF8: 0.1, drop: 0.02, split: 1 });
  });

  it.each([
    ["f9=0.1", /unknown fault 'f9'/],
    ["drop=2", /drop needs a probability per frame between 0 and 1, got '2'/],
    ["garbage", /garbage needs a probability/],
  ])("refuses %s with one clear line", (faults, message) => {
    expect(() => parseEmulateOptions({ ...defaults, listen: "tcp://127.0.0.1:0", faults })).toThrowError(
      message,
    );
  });
});

describe("the README's emulate + probe example", () => {
  it("works as pasted at any hour: probe pairs and reads the emulated inverter", async () => {
    // Without the subcommand: this file's runCli starts the emulate command itself.
    const emulate = readmeCommands("emulate")[0]?.slice(1);
    const example = readmeCommands("probe")[1]?.slice(1);
    expect(emulate).toBeDefined();
    expect(example?.join(" ")).toMatch(/^--port tcp:\/\/127\.0\.0\.1:\d+ --inverter 801000012345$/);
    const emu = runCli(emulate!);
    const url = await emu.firstLine;
    // The README's port is an example of what emulate prints: use the one it printed.
    const args = example!.map((a) => (a.startsWith("tcp://") ? url : a));
    const r = await localecu(["probe", ...args], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ serial: "801000012345", kind: "telemetry" });
  }, 90_000);
});
