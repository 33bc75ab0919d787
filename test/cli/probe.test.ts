import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CliError } from "../../src/cli/errors.ts";
import { parseProbeOptions, probeCommand, runProbe } from "../../src/cli/probe.ts";
import { FakeStick } from "../radio/fake-stick.ts";
import { ECU_ID, QS1, YC600 } from "../radio/harness.ts";

const servers: net.Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** The fake stick behind a TCP port, like a stick behind ser2net. */
async function serve(fake: FakeStick): Promise<string> {
  const server = net.createServer((socket) => {
    const d = fake.asDuplex();
    socket.pipe(d).pipe(socket);
    socket.on("error", () => d.destroy());
    socket.on("close", () => d.destroy());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const raw = (port: string, inverter: string[], extra: Record<string, string> = {}) => ({
  port,
  inverter,
  ecuId: ECU_ID,
  timeout: "2",
  pairStep: "5",
  pairTimeout: "0.3",
  ...extra,
});

describe("localecu probe", () => {
  it("pairs and polls each inverter over TCP and prints one decode-shaped JSON line each", async () => {
    const fake = new FakeStick();
    fake.addInverter(YC600, 0x103a);
    fake.addInverter(QS1, 0x05c0);
    const port = await serve(fake);
    const o = io();
    const code = await runProbe(parseProbeOptions(raw(port, [YC600, `${QS1}=0x05C0`])), o.io);
    expect(code).toBe(0);
    const lines = o.out.map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      serial: YC600,
      short_address: "0x103A",
      link_quality: 180,
      kind: "telemetry",
      model: "YC600",
    });
    expect(lines[0].channels).toHaveLength(2);
    expect(lines[0].channels[0].voltage_v).toBeCloseTo(
      fake.inverter(YC600).telemetry.channels[0]!.voltageV,
      1,
    );
    expect(lines[1]).toMatchObject({ serial: QS1, short_address: "0x05C0", model: "QS1" });
    // QS1 came with its short address: only the YC600 was paired.
    expect(fake.sent("AF_DATA_REQUEST_EXT")).toHaveLength(4);
    expect(o.err.join("\n")).toMatch(/408000158215 paired at 0x103A/);
    expect(fake.sets).toHaveLength(0); // a probe never writes a limit
  });

  it("prints an error line and exits 1 for an inverter that does not answer", async () => {
    const fake = new FakeStick();
    fake.addInverter(YC600, 0x103a, { mode: "silent" });
    const port = await serve(fake);
    const o = io();
    const code = await runProbe(parseProbeOptions(raw(port, [YC600, `${QS1}=0x0BAD`])), o.io);
    expect(code).toBe(1);
    const [yc, qs] = o.out.map((l) => JSON.parse(l));
    expect(yc).toMatchObject({
      serial: YC600,
      short_address: null,
      error: expect.stringMatching(/did not answer/),
    });
    expect(qs).toMatchObject({
      serial: QS1,
      short_address: "0x0BAD",
      error: expect.stringMatching(/no route/),
    });
  });

  it("exits 2 with a clear message when the port is unreachable", async () => {
    const port = await serve(new FakeStick());
    await new Promise((r) => servers.pop()!.close(r));
    const p = runProbe(parseProbeOptions(raw(port, [YC600])), io().io);
    await expect(p).rejects.toBeInstanceOf(CliError);
    await expect(p).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/cannot open the stick on tcp:.*ECONNREFUSED/),
    });
  });

  it("exits 2 when the stick does not answer within --timeout", async () => {
    const port = await serve(new FakeStick({ mute: true }));
    const p = runProbe(parseProbeOptions(raw(port, [YC600], { timeout: "0.2" })), io().io);
    await expect(p).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/no answer from the stick on tcp:.*APS ZNP firmware/),
    });
  });

  it("runs as a commander command: JSON on stdout, exit code set", async () => {
    const fake = new FakeStick();
    fake.addInverter(YC600, 0x103a);
    const port = await serve(fake);
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => written.push(String(s)) > 0);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await probeCommand().parseAsync(
      ["--port", port, "--inverter", `${YC600}=0x103A`, "--ecu-id", ECU_ID, "--timeout", "2"],
      { from: "user" },
    );
    expect(process.exitCode).toBe(0);
    expect(JSON.parse(written.join(""))).toMatchObject({ serial: YC600, kind: "telemetry" });
  });

  it.each([
    [{ port: undefined }, /--port is required/],
    [{ port: "ttyUSB0" }, /--port: .*tcp:\/\/host:port/],
    [{ inverter: [] }, /at least one --inverter/],
    [{ inverter: ["12345"] }, /'12345' is not a 12-digit/],
    [{ inverter: [`${YC600}=0xFFFF`] }, /0x0001–0xFFF7/],
    [{ ecuId: "XYZ" }, /--ecu-id must be 12 hex digits/],
    [{ timeout: "0" }, /--timeout must be a positive number/],
    [
      { inverter: ["803000012345"] },
      /prefix 803 is not a known APsystems model; say which it is with --model/,
    ],
    [{ inverter: ["803000012345"], model: "QS2" }, /--model: 'QS2' is not a model/],
  ])("rejects bad arguments %o", (patch, msg) => {
    const r = { ...raw("tcp://127.0.0.1:1", [YC600]), ...patch } as Parameters<typeof parseProbeOptions>[0];
    expect(() => parseProbeOptions(r)).toThrow(msg);
  });

  it("--model reads an inverter whose serial prefix is unknown as that model", () => {
    const r = { ...raw("tcp://127.0.0.1:1", ["803000012345=0x1234"]), model: "QS1" };
    expect(parseProbeOptions(r).targets).toEqual([
      { serial: "803000012345", shortAddress: 0x1234, model: expect.objectContaining({ model: "QS1" }) },
    ]);
  });
});
