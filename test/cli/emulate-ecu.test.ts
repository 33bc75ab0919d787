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
import { probeEcuAtStart } from "../../src/ecu/control-probe.ts";
import { EcuHttpControl } from "../../src/ecu/http-control.ts";
import { realtimeRequest } from "../../src/protocol/ecu/requests.ts";
import { DEMO_SERIALS } from "../../src/sim/demo-site.ts";
import { runCli as localecu } from "../helpers/cli.ts";
import { killAll, spawnCli } from "../helpers/process.ts";

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
    [{ httpPort: "0" }, /--http-port: the ECU-R \(216000000001\) has no web UI, so no command pages/],
    [{ httpPort: "0", ecuId: "216300000001" }, /--http-port: the ECU-B .* has no web UI/],
    [{ httpPort: "80000", ecuId: "216200000001" }, /--http-port must be 0–65535/],
    [{ httpPort: "0", ecuId: "216200000001", pages: "gone" }, /--pages must be served, removed, html/],
    [{ pages: "removed", ecuId: "216200000001" }, /--pages needs --http-port/],
  ])("rejects %o", (raw, message) => {
    expect(() => parseEmulateEcuOptions({ ...base, ...raw })).toThrow(CliError);
    expect(() => parseEmulateEcuOptions({ ...base, ...raw })).toThrow(message);
  });

  it("the stick refuses the ECU-only options", () => {
    expect(() => parseEmulateOptions({ seed: "1", speed: "1", listen: "tcp://h:1", port: "8899" })).toThrow(
      /--port is for --ecu; the stick listens at --listen/,
    );
    expect(() => parseEmulateOptions({ seed: "1", speed: "1", listen: "tcp://h:1", httpPort: "0" })).toThrow(
      /--http-port is for --ecu/,
    );
  });

  it("--http-port serves the command pages of an ECU-R-Pro or ECU-C, as found (served) unless --pages says", () => {
    expect(parseEmulateEcuOptions({ ...base, ecuId: "216200000001", httpPort: "0" }).http).toEqual({
      port: 0,
      pages: "served",
    });
    expect(
      parseEmulateEcuOptions({ ...base, ecuId: "215000012502", httpPort: "8080", pages: "removed" }).http,
    ).toEqual({ port: 8080, pages: "removed" });
    expect(parseEmulateEcuOptions(base).http).toBeUndefined();
  });
});

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
  killAll();
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

describe("localecu emulate --ecu --http-port", () => {
  it("an ECU-R-Pro's command pages: localecu's start-up probe finds them and a max power is queued as the ECU does", async () => {
    const emu = spawnCli([
      "emulate",
      "--ecu",
      "--port",
      "0",
      "--ecu-id",
      "216200000001",
      "--http-port",
      "0",
      "--start",
      "2024-06-21T10:00:00Z",
    ]);
    // stdout: the 8899 URL, then the pages' URL.
    const [, port8899, httpPort] = await emu.waitForOutput(
      /^tcp:\/\/127\.0\.0\.1:(\d+)\nhttp:\/\/127\.0\.0\.1:(\d+)$/m,
    );
    await emu.waitForOutput(
      new RegExp(
        `command pages \\(served\\) on http://127\\.0\\.0\\.1:${httpPort}, site\\.yaml ecu\\.http_port: ${httpPort}`,
      ),
    );
    const http = new EcuHttpControl({ host: "127.0.0.1", port: Number(httpPort) });
    const probe = await probeEcuAtStart({
      ecu: { host: "127.0.0.1", port: Number(port8899) },
      http,
      now: () => Date.now(),
    });
    expect([probe.ecuModel, probe.firmware, probe.onOff.available, probe.maxPower.available]).toEqual([
      "ECU-R-Pro",
      "ECU_R_PRO_2.1.29D",
      true,
      true,
    ]);
    // The vendor's answer once a command is stored (ecu-lan-protocol.md §3, the ECU-3 sources' page_lang.php).
    expect(await http.setMaxPower(DEMO_SERIALS[0]!, 100, probe.maxPowerRangeW)).toEqual({
      kind: "answer",
      value: 0,
      message: "See the results 5 minutes later !",
    });
    emu.child.kill("SIGINT");
    expect((await emu.exited).code).toBe(0);
  });

  it("on an ECU-R (no web UI) it is refused with what to give instead, exit 2", async () => {
    const r = await localecu(["emulate", "--ecu", "--port", "0", "--http-port", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--http-port: the ECU-R (216000000001) has no web UI, so no command pages; give --ecu-id of an ECU-R-Pro (2162…) or ECU-C (215…)",
    );
  });
});
