/** `localecu emulate --grid`: an emulated inverter on another grid profile, read back by the real driver. */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { parseGridOption } from "../../src/cli/emulate-grid.ts";
import { Stick } from "../../src/radio/stick.ts";

const ENTRY = new URL("./emulate-entry.ts", import.meta.url).pathname;
const ECU = "D8A3011B9780";

describe("--grid parsing", () => {
  it("reads a profile name or single codes", () => {
    expect(parseGridOption("801000012346:AC=183, ae=49.8")).toEqual({
      serial: "801000012346",
      settings: { AC: 183, AE: 49.8 },
    });
    // APsystems' VDE-AR-N-4105 profile (grid-protection.md §6.1): AF 51.5 Hz, AG 80 s.
    expect(parseGridOption("801000012347:vde-ar-n-4105").settings).toMatchObject({ AF: 51.5, AG: 80 });
  });

  it.each([
    ["no serial", "AC=183", /write <serial>:<profile> or <serial>:<CODE>=<value>/],
    [
      "an unknown code",
      "801000012346:ZZ=1",
      /'ZZ=1' is neither a profile \(en50549-1, vde-ar-n-4105\) nor CODE=value/,
    ],
    ["a value that is no number", "801000012346:AC=high", /'AC=high' is neither/],
  ])("refuses %s and says how to write it", (_name, text, why) => {
    expect(() => parseGridOption(text)).toThrow(why);
  });
});

describe("localecu emulate --grid", () => {
  let child: ReturnType<typeof spawn> | undefined;
  let stick: Stick | undefined;
  afterEach(async () => {
    await stick?.stop();
    if (child && child.exitCode === null) child.kill("SIGKILL");
    child = stick = undefined;
  });

  it("the planted inverter reads back its AC; its neighbour keeps the demo's EN50549-1", async () => {
    child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        ENTRY,
        "--listen",
        "tcp://127.0.0.1:0",
        "--start",
        "2024-06-21T10:00:00Z",
        "--speed",
        "1000",
        "--grid",
        "801000012346:AC=183",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once("line", resolve);
      child!.once("exit", () => reject(new Error(`emulate exited: ${stderr}`)));
    });
    stick = new Stick({
      port: url,
      ecuId: ECU,
      polling: false,
      coordinator: { healthIntervalMs: 0 },
      pairing: { stepMs: 20, replyTimeoutMs: 2000 },
      protection: { pageGapMs: 20, inverterGapMs: 20, replyTimeoutMs: 2000 },
    });
    await stick.start();
    for (const serial of ["801000012345", "801000012346"]) stick.addInverter(await stick.pair(serial));
    expect((await stick.readProtection("801000012346")).settings.AC).toEqual({
      kind: "value",
      value: 183,
      unit: "V",
    });
    expect((await stick.readProtection("801000012345")).settings.AC).toEqual({
      kind: "value",
      value: 196,
      unit: "V",
    });
    expect(stderr).toMatch(/801000012346 holds grid settings AC=183/);
  });
});
