/**
 * The picture in docs/node-red.md: the three example flows (nodes/examples/) in a real Node-RED 4.1
 * editor, talking to the demo controller (emulated inverters, embedded broker), shot with Chromium.
 *
 *   node --import tsx scripts/node-red-picture.ts [docs/images/node-red-examples.png]
 *
 * Needs /usr/bin/chromium (Debian's chromium). A maintainer's tool, not a test: it takes about a minute.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import mqtt from "mqtt";
import { chromium } from "playwright-core";
import { startDemo } from "../src/cli/demo.ts";
import { siteSetTopic } from "../src/entities/topics.ts";
import { freePort } from "../test/helpers/brokers.ts";
import { buildNodes, NODES_DIR } from "./build-nodes.mjs";

const require = createRequire(import.meta.url);
const out = resolve(process.argv[2] ?? "docs/images/node-red-examples.png");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

await buildNodes();
const dir = mkdtempSync(join(tmpdir(), "localecu-nr-picture-"));
const demo = await startDemo(
  { start: "2026-06-21T11:00:00+02:00", speed: "60", mqttPort: "0", data: join(dir, "data"), seed: "3" },
  { LOCALECU_LOG_LEVEL: "warn" },
);
try {
  const userDir = join(dir, "user");
  mkdirSync(join(userDir, "node_modules", "@localecu"), { recursive: true });
  symlinkSync(NODES_DIR, join(userDir, "node_modules", "@localecu", "node-red"));
  // The three examples on one tab, one above the other, sharing one controller node.
  const tab = { id: "picturetab", type: "tab", label: "localecu examples" };
  const nodes: Record<string, unknown>[] = [tab];
  let dy = 0;
  for (const file of ["dashboard-of-panels", "fault-notification", "limiter-in-a-flow"]) {
    const flow = JSON.parse(readFileSync(join(NODES_DIR, "examples", `${file}.json`), "utf8")) as Record<
      string,
      unknown
    >[];
    const cfgId = flow.find((n) => n.type === "localecu-config")!.id;
    let maxY = 0;
    for (const n of flow) {
      if (n.type === "localecu-config") continue;
      if (n.type === "mqtt-broker") {
        const url = new URL(demo.mqttUrl);
        nodes.push({ ...n, broker: url.hostname, port: url.port });
        continue;
      }
      const y = Number(n.y) + dy;
      maxY = Math.max(maxY, y);
      nodes.push({
        ...n,
        z: tab.id,
        y,
        ...(n.server === cfgId ? { server: "picturecfg" } : {}),
        ...(n.type === "mqtt in" ? { topic: demo.meterTopic } : {}),
      });
    }
    dy = maxY + 40;
  }
  nodes.push({
    id: "picturecfg",
    type: "localecu-config",
    name: "demo",
    broker: demo.mqttUrl,
    baseTopic: "localecu",
  });
  // The demo's meter sends {"power": W} as JSON, which the limiter reads.
  for (const n of nodes) if (n.type === "mqtt in") n.datatype = "json";
  // The flow's limiter replaces the demo controller's own: two limiters would fight.
  const client = await mqtt.connectAsync(demo.mqttUrl);
  await client.publishAsync(siteSetTopic("localecu"), JSON.stringify({ export_limit: "OFF" }), { qos: 1 });
  await client.endAsync();
  writeFileSync(join(userDir, "flows.json"), JSON.stringify(nodes, null, 2));
  writeFileSync(
    join(userDir, "settings.js"),
    `module.exports = { flowFile: "flows.json", credentialSecret: false, editorTheme: { tours: false, projects: { enabled: false } }, telemetry: { enabled: false }, logging: { console: { level: "warn" } } };\n`,
  );
  const port = await freePort();
  const nr = spawn(
    process.execPath,
    [require.resolve("node-red/red.js"), "--userDir", userDir, "--port", String(port)],
    {
      stdio: "inherit",
    },
  );
  try {
    await sleep(6000);
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector("#red-ui-workspace-chart .red-ui-flow-node-group", { timeout: 30_000 });
    // Let readings arrive, so the status lines show watts.
    await sleep(15_000);
    // Hide the sidebar (ctrl-space) so the flows have the width, and crop to them.
    await page.keyboard.press("Control+Space");
    await sleep(1000);
    const box = (await page.locator("#red-ui-workspace-chart").boundingBox())!;
    await page.screenshot({ path: out, clip: { x: box.x, y: box.y, width: 860, height: 690 } });
    await browser.close();
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    nr.kill("SIGINT");
  }
} finally {
  await demo.stop();
  rmSync(dir, { recursive: true, force: true });
}
