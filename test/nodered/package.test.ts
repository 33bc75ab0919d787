/**
 * The node package as a Node-RED user gets it: `npm pack` of nodes/, unpacked into a fresh Node-RED user
 * directory's node_modules (as the palette manager's `npm install` would; mqtt, its one dependency, is
 * linked from this checkout because the test runs offline), and a real Node-RED 4.1 process started on
 * it. The nodes must register, their help must have the sidebar's sections, and the examples must appear
 * under Import → Examples and deploy without errors against a real broker.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNodes, NODE_NAMES, NODES_DIR } from "../../scripts/build-nodes.mjs";
import { brokerKinds, freePort, type TestBroker } from "../helpers/brokers.ts";

const require = createRequire(import.meta.url);
const ROOT = join(NODES_DIR, "..");
const pkg = JSON.parse(readFileSync(join(NODES_DIR, "package.json"), "utf8")) as {
  name: string;
  keywords: string[];
  dependencies: Record<string, string>;
  engines: Record<string, string>;
  "node-red": { version: string; nodes: Record<string, string> };
};
const EXAMPLES = readdirSync(join(NODES_DIR, "examples")).filter((f) => f.endsWith(".json"));

describe("the @localecu/node-red package", () => {
  it("is a Node-RED package that depends on mqtt only", () => {
    expect(pkg.name).toMatch(/^(@[a-z0-9-]+\/|node-red-contrib-)/);
    expect(pkg.keywords).toContain("node-red");
    expect(pkg.dependencies).toEqual({ mqtt: expect.any(String) });
    expect(pkg["node-red"].version).toBe(">=4.0.0");
    expect(pkg.engines["node-red"]).toBe(">=4.0.0");
    expect(Object.keys(pkg["node-red"].nodes).sort()).toEqual([...NODE_NAMES].sort());
  });

  it("packs the built nodes, their help, icon and examples, and nothing of the controller", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: NODES_DIR,
      encoding: "utf8",
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort();
    for (const name of NODE_NAMES) {
      expect(files).toContain(`lib/${name}.js`);
      expect(files).toContain(`lib/${name}.html`);
    }
    expect(files).toContain("lib/icons/localecu.svg");
    expect(files).toEqual(
      expect.arrayContaining(["lib/schema/command.schema.json", "lib/schema/site-command.schema.json"]),
    );
    for (const e of EXAMPLES) expect(files).toContain(`examples/${e}`);
    expect(files.filter((f) => /serialport|sqlite|^src\/|\.ts$/.test(f))).toEqual([]);
  });

  it("bundles everything but mqtt (ajv, the schemas' checks and the limiter core are inside)", async () => {
    // esbuild's own account of what the bundles leave to require at run time.
    expect((await buildNodes({ write: false })).imports).toEqual(["mqtt"]);
  });

  it.each(NODE_NAMES)("%s.html has the editor form and help with Inputs, Outputs and Details", (name) => {
    const html = readFileSync(join(NODES_DIR, "lib", `${name}.html`), "utf8");
    expect(html).toContain(`RED.nodes.registerType("${name}"`);
    expect(html).toContain(`data-template-name="${name}"`);
    const help = html.split(`data-help-name="${name}">`)[1]?.split("</script>")[0] ?? "";
    const sections = [...help.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
    // Node-RED's help conventions: Inputs, Outputs, Details in that order (References may follow).
    expect(sections.slice(0, 3)).toEqual(["Inputs", "Outputs", "Details"]);
    if (name !== "localecu-config") expect(html).toContain('icon: "localecu.svg"');
  });
});

describe("installed into a fresh Node-RED user directory", () => {
  let dir: string;
  let broker: TestBroker;
  let nr: ChildProcess;
  let url: string;
  let log = "";

  const api = async (path: string, init: RequestInit = {}) => {
    const r = await fetch(`${url}${path}`, {
      ...init,
      headers: { accept: "application/json", "content-type": "application/json", ...(init.headers ?? {}) },
    });
    const text = await r.text();
    return { status: r.status, text, json: () => JSON.parse(text) as unknown };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "localecu-nr-user-"));
    const tgz = (
      JSON.parse(
        execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
          cwd: NODES_DIR,
          encoding: "utf8",
        }),
      ) as { filename: string }[]
    )[0]!.filename;
    const userDir = join(dir, "user");
    const target = join(userDir, "node_modules", ...pkg.name.split("/"));
    mkdirSync(target, { recursive: true });
    execFileSync("tar", ["-xzf", join(dir, tgz), "-C", target, "--strip-components=1"]);
    symlinkSync(join(ROOT, "node_modules", "mqtt"), join(userDir, "node_modules", "mqtt"));
    broker = await brokerKinds()[0]!.start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    nr = spawn(
      process.execPath,
      [require.resolve("node-red/red.js"), "--userDir", userDir, "--port", String(port)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    nr.stdout!.on("data", (d: Buffer) => {
      log += d.toString();
    });
    nr.stderr!.on("data", (d: Buffer) => {
      log += d.toString();
    });
    for (let i = 0; ; i++) {
      if (/Started flows/.test(log)) break;
      if (nr.exitCode !== null || i > 600) throw new Error(`Node-RED did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);

  afterAll(async () => {
    if (nr && nr.exitCode === null) {
      const exited = new Promise((r) => nr.once("exit", r));
      nr.kill("SIGINT");
      await exited;
    }
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers the four nodes with their help", async () => {
    const sets = (await api("/nodes")).json() as {
      module: string;
      types: string[];
      enabled: boolean;
      err?: string;
    }[];
    const ours = sets.filter((s) => s.module === pkg.name);
    expect(ours.map((s) => [s.types, s.enabled, s.err ?? null])).toEqual(
      NODE_NAMES.map((n) => [[n], true, null]),
    );
    const html = (await api("/nodes", { headers: { accept: "text/html" } })).text;
    for (const n of NODE_NAMES) expect(html).toContain(`data-help-name="${n}"`);
    expect(log).not.toMatch(/\[error\]/);
  });

  it.each(EXAMPLES)("lists and deploys the example %s without errors", async (file) => {
    const name = file.replace(/\.json$/, "");
    const listed = await api(`/library/examples/flows/${pkg.name}`);
    expect(listed.text).toContain(name);
    const flow = (await api(`/library/examples/flows/${pkg.name}/${name}`)).json() as Record<
      string,
      unknown
    >[];
    // As the editor imports it: onto a tab, the controller node pointed at the test's broker.
    const tab = { id: "tab-example", type: "tab", label: name };
    const nodes = flow.map((n) => {
      if (n.type === "localecu-config") return { ...n, broker: broker.url };
      if (n.type === "mqtt-broker") return { ...n, broker: "127.0.0.1", port: String(broker.port) };
      return { ...n, z: tab.id };
    });
    const before = log.length;
    const r = await api("/flows", {
      method: "POST",
      headers: { "node-red-deployment-type": "full" },
      body: JSON.stringify([tab, ...nodes]),
    });
    expect([200, 204], r.text).toContain(r.status);
    for (let i = 0; i < 100 && !/Started flows/.test(log.slice(before)); i++)
      await new Promise((res) => setTimeout(res, 100));
    const after = log.slice(before);
    expect(after).toMatch(/Started flows/);
    expect(after).not.toMatch(/\[error\]|missing types/i);
  });
});
