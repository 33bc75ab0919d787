/**
 * Every way a start can fail, run as a user would (child process): one line on stderr saying what, where
 * and how to fix it, exit code 2, no stack trace, and nothing left behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/brokers.ts";
import { killAll, spawnCli } from "../helpers/process.ts";
import { writeSiteFile } from "../helpers/site-file.ts";

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "localecu-fail-"));
});
afterEach(() => killAll());
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs to the end; returns exit code and stderr. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const p = spawnCli(args, env);
  const { code } = await p.exited;
  return { code, stderr: p.stderr(), stdout: p.stdout() };
}

function expectOneLine(stderr: string, re: RegExp) {
  const lines = stderr.split("\n").filter(Boolean);
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^localecu: /);
  expect(lines[0]).toMatch(re);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as { port: number }).port };
}

describe("startup failures (child process)", () => {
  it("demo: a port in use is one line, exit 2, and no data folder or temporary folder is left", async () => {
    const { server, port } = await occupy();
    const xdg = join(scratch, "xdg-port");
    // A temp folder of its own: other test files running beside this one make folders in the shared one.
    const tmp = join(scratch, "tmp-port");
    mkdirSync(tmp);
    try {
      const r = await run(["demo", "--mqtt-port", String(port)], { XDG_DATA_HOME: xdg, TMPDIR: tmp });
      expect(r.code).toBe(2);
      expectOneLine(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*--mqtt-port`));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(existsSync(xdg)).toBe(false);
    // (tsx, which runs the CLI from source here, keeps its compile cache there: not ours.)
    expect(readdirSync(tmp).filter((n) => !n.startsWith("tsx-"))).toEqual([]);
  });

  it("demo: a data folder that cannot be created is one line, exit 2, and the file in its way is untouched", async () => {
    const blocker = join(scratch, "a-file");
    writeFileSync(blocker, "not a folder");
    const r = await run(["demo", "--mqtt-port", "0", "--data", join(blocker, "demo")]);
    expect(r.code).toBe(2);
    expectOneLine(
      r.stderr,
      /data folder .*a-file\/demo cannot be used \(.*a-file is a file, not a folder\) — choose another with --data/,
    );
    expect(readdirSync(scratch)).toContain("a-file");
  });

  it("start: an unreachable broker is one line, exit 2, and no data folder is created", async () => {
    const port = await freePort();
    const site = writeSiteFile({ stick: "tcp://127.0.0.1:1", mqttUrl: `mqtt://127.0.0.1:${port}` });
    try {
      const r = await run(["start", "--config", site.file]);
      expect(r.code).toBe(2);
      expectOneLine(
        r.stderr,
        new RegExp(
          `cannot connect to the MQTT broker at mqtt://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*mqtt\\.url`,
        ),
      );
      expect(readdirSync(site.dir)).toEqual(["site.yaml"]);
    } finally {
      rmSync(site.dir, { recursive: true, force: true });
    }
  });

  it("start: a bad config is one line per problem, exit 2, and nothing is started", async () => {
    const site = writeSiteFile({ stick: "tcp://127.0.0.1:1" });
    writeFileSync(site.file, "stick: { port: tcp://127.0.0.1:1 }\nmqtt: { url: 3 }\n");
    try {
      const r = await run(["start", "--config", site.file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/mqtt\.url: expected a broker URL like mqtt:\/\/host:1883/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(site.dir)).toEqual(["site.yaml"]);
    } finally {
      rmSync(site.dir, { recursive: true, force: true });
    }
  });

  it("start: an embedded broker port in use is one line, exit 2", async () => {
    const { server, port } = await occupy();
    const site = writeSiteFile({ stick: "tcp://127.0.0.1:1", embeddedPort: port });
    try {
      const r = await run(["start", "--config", site.file]);
      expect(r.code).toBe(2);
      expectOneLine(r.stderr, new RegExp(`embedded MQTT broker: 127\\.0\\.0\\.1:${port} is already in use`));
      expect(readdirSync(site.dir)).toEqual(["site.yaml"]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(site.dir, { recursive: true, force: true });
    }
  });
});
