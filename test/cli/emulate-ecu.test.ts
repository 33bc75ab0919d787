/**
 * `localecu emulate --ecu`: its options, and the real process answered over TCP, its answers pasted
 * into `localecu decode` as an owner would paste their ECU's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { parseEmulateEcuOptions, parseEmulateOptions } from "../../src/cli/emulate.ts";
import { CliError } from "../../src/cli/errors.ts";
import { EcuLink, ecuExchange } from "../../src/ecu/client.ts";
import { realtimeRequest } from "../../src/protocol/ecu/requests.ts";
import { DEMO_SERIALS } from "../../src/sim/demo-site.ts";
import { runCli as localecu } from "../helpers/cli.ts";

const ENTRY = new URL("./emulate-entry.ts", import.meta.url).pathname;
const base = { seed: "1", speed: "1", ecu: true, start: "2024-06-21T10:00:00Z" };

describe("parseEmulateEcuOptions", () => {
  it("defaults to an ECU-R on 127.0.0.1:8899 with 300 s rounds in Europe/Amsterdam", () => {
    expect(parseEmulateEcuOptions(base)).toEqual({
      host: "127.0.0.1",
      port: 8899,
      serials: undefined,
      seed: 1,
      speed: 1,
      startMs: Date.parse("2024-06-21T10:00:00Z"),
      ecuId: "216000000001",
      cycleS: 300,
      timeZone: "Europe/Amsterdam",
    });
  });

  it("takes --host/--port, or --listen, an ECU-C id, a short cycle and a zone", () => {
    const cfg = parseEmulateEcuOptions({
      ...base,
      host: "0.0.0.0",
      port: "0",
      ecuId: "215000012502",
      cycle: "10",
      timeZone: "Europe/Paris",
    });
    expect([cfg.host, cfg.port, cfg.ecuId, cfg.cycleS, cfg.timeZone]).toEqual([
      "0.0.0.0",
      0,
      "215000012502",
      10,
      "Europe/Paris",
    ]);
    expect(parseEmulateEcuOptions({ ...base, listen: "tcp://[::1]:9000" })).toMatchObject({
      host: "::1",
      port: 9000,
    });
  });

  it.each([
    [{ port: "70000" }, /--port must be 0–65535/],
    [{ listen: "tcp://h:1", port: "1" }, /either --listen .* or --host\/--port/],
    [{ ecuId: "D8A3011B9780" }, /--ecu-id: an ECU id is 12 digits/],
    [{ ecuId: "999900000001" }, /--ecu-id: .*start it with 2160 \(ECU-R\)/],
    [{ cycle: "0" }, /--cycle must be a positive number of seconds/],
    [{ timeZone: "Moon/Base" }, /--time-zone: 'Moon\/Base' is not an IANA time zone/],
    [{ truth: "t.jsonl" }, /--truth is for the stick emulator/],
    [{ inverters: "123" }, /--inverters: '123' is not a 12-digit/],
  ])("rejects %o", (raw, message) => {
    expect(() => parseEmulateEcuOptions({ ...base, ...raw })).toThrow(CliError);
    expect(() => parseEmulateEcuOptions({ ...base, ...raw })).toThrow(message);
  });

  it("the stick refuses the ECU-only options", () => {
    expect(() => parseEmulateOptions({ seed: "1", speed: "1", listen: "tcp://h:1", port: "8899" })).toThrow(
      /--port is for --ecu; the stick listens at --listen/,
    );
  });
});

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

describe("localecu emulate --ecu as a process", () => {
  it("serves the demo site's QS1 behind an ECU-R; its 0002 answer decodes with localecu decode; Ctrl-C stops it", async () => {
    child = spawn(
      process.execPath,
      ["--import", "tsx", ENTRY, "--ecu", "--port", "0", "--start", "2024-06-21T10:00:00Z"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const exit = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once("line", resolve);
      exit.then(() => reject(new Error(`emulate --ecu exited before printing its URL: ${stderr}`)));
    });
    const m = /^tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(url);
    expect(m).not.toBeNull();
    const target = { host: "127.0.0.1", port: Number(m![1]) };

    const info = await new EcuLink(target).readInfo();
    expect([info.ecuId, info.ecuModel, info.firmware, info.invertersRegistered]).toEqual([
      "216000000001",
      "ECU-R",
      "ECU_R_1.3.19B",
      4,
    ]);
    const answer = await ecuExchange(target, Buffer.from(realtimeRequest(info.ecuId)));
    const decoded = await localecu(["decode", answer.toString("hex")]);
    expect(decoded.code).toBe(0);
    const json = JSON.parse(decoded.stdout) as {
      source: string;
      kind: string;
      inverters: { uid: string; online: boolean }[];
    };
    expect([json.source, json.kind]).toEqual(["ecu-lan", "ecu-realtime"]);
    expect(json.inverters.map((i) => [i.uid, i.online])).toEqual(DEMO_SERIALS.map((s) => [s, true]));
    expect(stderr).toMatch(/ECU-R 216000000001 \(ECU_R_1\.3\.19B\) on tcp:\/\/127\.0\.0\.1:\d+/);
    expect(stderr).toMatch(/APS1100280002216000000001END → \d+ bytes/);

    child.kill("SIGINT");
    expect(await exit).toBe(0);
    expect(stderr).toMatch(/SIGINT, shutting down/);
  });
});
