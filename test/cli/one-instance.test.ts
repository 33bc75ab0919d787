/**
 * Two controllers on one base topic would overwrite each other's retained state and availability. Run as
 * a user would (child processes on one real broker): the second is refused and told who holds the topic;
 * a stale retained "online" from a crashed one does not block a start; another base topic is fine.
 */
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { brokerKinds, type TestBroker } from "../helpers/brokers.ts";
import { killAll, lastJson, spawnCli, waitFor, watch } from "../helpers/process.ts";
import { writeSiteFile } from "../helpers/site-file.ts";

// One broker kind is enough here: the check is our own request/response, not broker behaviour.
const kind = brokerKinds()[0]!;

describe("one controller per base topic (child processes)", () => {
  let broker: TestBroker;
  const dirs: string[] = [];
  const site = (baseTopic = "localecu", dataDir?: string) => {
    const s = writeSiteFile({ stick: "tcp://127.0.0.1:1", mqttUrl: broker.url, baseTopic, dataDir });
    dirs.push(s.dir);
    return s.file;
  };

  beforeAll(async () => {
    broker = await kind.start();
  });
  // A test that failed or timed out must not leave its controller running into the next one.
  afterEach(() => killAll());
  afterAll(async () => {
    killAll();
    await broker?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("refuses a second start on the same base topic, naming the one that runs; the first keeps running", async () => {
    const w = await watch(broker.url, ["localecu/bridge/#"]);
    const firstFile = site();
    const first = spawnCli(["start", "--config", firstFile, "--log-format", "json"]);
    await first.waitForOutput(/localecu is running/);

    const secondFile = site();
    const second = spawnCli(["start", "--config", secondFile]);
    const { code } = await second.exited;
    expect(code).toBe(2);
    const lines = second.stderr().split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("another localecu is already running on base topic 'localecu'");
    expect(lines[0]).toContain(`site ${firstFile}`);
    expect(lines[0]).toContain(`pid ${first.pid}`);
    expect(lines[0]).toMatch(/stop it first, or give this one another mqtt\.base_topic/);
    // The refused one wrote nothing: the first is still the online bridge, and still answers.
    expect(lastJson(w.seen, "localecu/bridge/state")).toEqual({ state: "online" });
    expect(w.seen.filter((m) => m.topic === "localecu/bridge/state").map((m) => m.payload)).not.toContain(
      JSON.stringify({ state: "offline" }),
    );
    expect(first.child.exitCode).toBeNull();

    // Another base topic on the same broker is another site: it starts.
    const other = spawnCli(["start", "--config", site("garage"), "--log-format", "json"]);
    await other.waitForOutput(/localecu is running/);
    other.child.kill("SIGINT");
    expect((await other.exited).code).toBe(0);

    first.child.kill("SIGKILL"); // a crash: no clean "offline"
    await first.exited;
    await w.client.endAsync(true);
  }, 120_000);

  it("starts although a crashed controller left a retained 'online' behind", async () => {
    const w = await watch(broker.url, ["localecu/bridge/state"]);
    // What a crash can leave: the broker still holds the last retained "online".
    await w.client.publishAsync("localecu/bridge/state", JSON.stringify({ state: "online" }), {
      retain: true,
      qos: 1,
    });
    const p = spawnCli(["start", "--config", site(), "--log-format", "json"]);
    await p.waitForOutput(/localecu is running/);
    expect(p.stderr()).toBe("");
    // It answers health checks itself now, zigbee2mqtt-style.
    const asked = await watch(broker.url, ["localecu/bridge/response/health_check"]);
    await asked.client.publishAsync(
      "localecu/bridge/request/health_check",
      JSON.stringify({ transaction: "t1" }),
    );
    const answer = await waitFor("a health check answer", () =>
      lastJson(asked.seen, "localecu/bridge/response/health_check"),
    );
    expect(answer).toMatchObject({ status: "ok", transaction: "t1", data: { healthy: true, pid: p.pid } });
    p.child.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
    await waitFor("bridge offline", () => lastJson(w.seen, "localecu/bridge/state")?.state === "offline");
    await asked.client.endAsync(true);
    await w.client.endAsync(true);
  }, 120_000);

  it("refuses a second controller on the same data directory (other base topic), naming the first; a kill -9 leaves no stale lock", async () => {
    const firstFile = site("house");
    const data = join(dirname(firstFile), "data");
    const first = spawnCli(["start", "--config", firstFile, "--log-format", "json"]);
    await first.waitForOutput(/localecu is running/);

    const secondFile = site("garage", data);
    const second = spawnCli(["start", "--config", secondFile]);
    const { code } = await second.exited;
    expect(code).toBe(2);
    const lines = second.stderr().split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`the data directory ${data} is in use by site ${firstFile} (pid ${first.pid}`);
    expect(lines[0]).toContain(`give this one its own folder (site.data_dir in ${secondFile})`);
    expect(first.child.exitCode).toBeNull();

    // The OS drops the lock with the process: after a crash the same folder starts at once.
    first.child.kill("SIGKILL");
    await first.exited;
    const third = spawnCli(["start", "--config", secondFile, "--log-format", "json"]);
    await third.waitForOutput(/localecu is running/);
    third.child.kill("SIGINT");
    expect((await third.exited).code).toBe(0);
  }, 120_000);
});
