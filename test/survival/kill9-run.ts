/**
 * kill -9 of the whole controller (`localecu start`) at random moments, many times over, against
 * `localecu emulate` in its own process and a real broker. Between kills, with the controller dead, the
 * store is read directly and compared with the emulator's truth in Wh; once, a limit is planted on an
 * inverter behind the controller's back, and the next run must show what the inverter reports.
 *
 * A script (`node --import tsx test/survival/kill9-run.ts [kills] [seed]`) because 20 kills at the
 * shortest poll interval (10 s) take minutes; test/survival/kill9.test.ts runs it in `npm test`.
 */
import { type FSWatcher, mkdtempSync, watch as watchDir } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MqttClient } from "mqtt";
import { brokerKinds, freePort, type TestBroker } from "../helpers/brokers.ts";
import { type CliProcess, type Message, waitFor, watch } from "../helpers/process.ts";
import {
  A,
  B,
  type Emulator,
  readStore,
  readTruth,
  removeDir,
  siteFile,
  startController,
  startEmulator,
  WH_PER_LSB,
} from "./harness.ts";
import { plantLimit } from "./plant-limit.ts";

/** How each kill picks its moment. */
export type KillMoment = "random" | "mid-write" | "after-write";

export interface KillReport {
  kills: { moment: KillMoment; afterMs: number; wrote: boolean }[];
  /** Per serial: lifetime Wh at the end, and the truth's Wh for the same reply. */
  final: Record<string, { storedWh: number; truthWh: number }>;
  planted: { serial: string; perPanelW: number; shownW: number; limiterTotalW: number };
  broker: string;
}

/** Deterministic moments from a seed, so a failing run can be repeated exactly. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const fail = (msg: string): never => {
  throw new Error(`kill -9 survival: ${msg}`);
};

/** Runs the loop; throws naming the first broken promise. `log` gets one line per kill. */
export async function killLoop(o: { kills: number; seed: number; log: (line: string) => void }) {
  const kinds = brokerKinds();
  // The external broker when there is one (mosquitto): the controller does not own it, as at a real site.
  const kind = kinds.at(-1)!;
  const scratch = mkdtempSync(join(tmpdir(), "localecu-kill9-"));
  const truthFile = join(scratch, "truth.jsonl");
  const random = rng(o.seed);
  let broker: TestBroker | undefined;
  let emulator: Emulator | undefined;
  let site: ReturnType<typeof siteFile> | undefined;
  let client: MqttClient | undefined;
  let controller: CliProcess | undefined;
  let dirWatch: FSWatcher | undefined;
  try {
    broker = await kind.start();
    emulator = await startEmulator({ port: await freePort(), truthFile });
    site = siteFile({
      stick: emulator.url,
      mqttUrl: broker.url,
      // A limiter that never writes (no meter sample, fallback: hold): what it believes is what it read.
      automations: { export_limit: { target_w: 0, meter: { topic: "survival/grid" } } },
    });
    const w = await watch(broker.url, ["localecu/#"]);
    client = w.client;
    const seen = w.seen;
    const stateOf = (name: string, from: number) =>
      seen
        .slice(from)
        .filter((m: Message) => m.topic === `localecu/${name}` && m.payload)
        .map((m) => JSON.parse(m.payload) as Record<string, unknown>);
    const siteStates = (from: number) =>
      seen
        .slice(from)
        .filter((m) => m.topic === "localecu/site" && m.payload)
        .map((m) => JSON.parse(m.payload) as Record<string, unknown>);

    /** Counter → lifetime per channel as last seen, to prove nothing ever goes down. */
    const lastWh = new Map<string, number>();
    const checkStore = (when: string) => {
      const truth = readTruth(truthFile);
      for (const c of readStore(site!.dataDir)) {
        const key = `${c.serial}/${c.channel}`;
        const counters = new Set(
          truth
            .filter((t) => t.serial === c.serial)
            .map((t) => t.channels.find((ch) => ch.channel === c.channel)?.energy_counter),
        );
        // The booked counter is one the inverter really sent, and the energy is exactly that counter in Wh:
        // the first reply of the day was booked since power-up, and every later one by its delta, whatever
        // died in between — nothing lost, nothing counted twice.
        if (!counters.has(c.counter)) fail(`${when}: ${key} holds counter ${c.counter}, never sent`);
        const truthWh = c.counter * WH_PER_LSB;
        if (Math.abs(c.lifetimeWh - truthWh) > 1e-6)
          fail(`${when}: ${key} lifetime ${c.lifetimeWh} Wh, the inverter's counter says ${truthWh} Wh`);
        const before = lastWh.get(key);
        if (before !== undefined && c.lifetimeWh < before)
          fail(`${when}: ${key} lifetime went down from ${before} to ${c.lifetimeWh} Wh`);
        lastWh.set(key, c.lifetimeWh);
      }
    };

    const killNow = async (p: CliProcess) => {
      p.kill();
      const exit = await p.exited;
      if (exit.signal !== "SIGKILL")
        fail(`the controller exited on its own (${JSON.stringify(exit)}):\n${p.stdout()}\n${p.stderr()}`);
    };

    // Run 0: pairs both inverters, reads their limits, then takes a max_power command (the last thing
    // "sent"), and is killed right after.
    let from = seen.length;
    controller = startController(site.file);
    for (const inv of [A, B])
      await waitFor(
        `${inv.name} producing with its limit read`,
        () => stateOf(inv.name, from).some((s) => s.status === "producing" && s.max_power === 500),
        60_000,
      );
    await client.publishAsync(`localecu/${A.name}/set`, JSON.stringify({ max_power: 300 }), { qos: 1 });
    await waitFor(
      "max_power 300 applied",
      () => stateOf(A.name, from).some((s) => s.max_power === 300),
      30_000,
    );
    await killNow(controller);
    checkStore("after the first run");

    const kills: KillReport["kills"] = [{ moment: "random", afterMs: 0, wrote: true }];
    const plantAt = Math.max(2, Math.floor(o.kills / 2));
    let planted: KillReport["planted"] | undefined;
    for (let k = 2; k <= o.kills; k++) {
      const moments: KillMoment[] = ["random", "mid-write", "after-write"];
      const moment = moments[k % 3]!;
      from = seen.length;
      const started = Date.now();
      let wrote = false;
      controller = startController(site.file);
      const proc = controller;
      if (k === plantAt + 1) {
        // The run after the plant: the inverter's value, not the 300 W sent last, is what it shows, and the
        // limiter's belief is built from it: 180·4 (A, read back) + 500·4 (B) = 2720 W.
        await waitFor(
          `${A.name} showing the planted 180 W`,
          () => stateOf(A.name, from).some((s) => s.max_power === 180),
          60_000,
        );
        await waitFor(
          "the limiter's total from the read-back limits",
          () => siteStates(from).some((s) => s.export_limit_total === 2720),
          60_000,
        );
        const shown = stateOf(A.name, from).filter((s) => s.max_power !== undefined);
        if (shown.some((s) => s.max_power === 300))
          fail(`after the restart ${A.name} showed the 300 W last sent`);
        planted = { serial: A.serial, perPanelW: 180, shownW: 180, limiterTotalW: 2720 };
      }
      await new Promise<void>((resolve) => {
        const at = Date.now();
        let done = false;
        const kill = () => {
          if (done) return;
          done = true;
          dirWatch?.close();
          dirWatch = undefined;
          proc.kill();
          resolve();
        };
        if (moment === "random") {
          setTimeout(kill, Math.floor(random() * 9000));
        } else {
          // A store write is a change of the WAL file: kill inside it, or a moment after it committed.
          const delay = moment === "mid-write" ? 0 : Math.floor(random() * 60);
          dirWatch = watchDir(site!.dataDir, (_e, name) => {
            if (!String(name).startsWith("energy.sqlite-wal") || Date.now() - at < 50) return;
            wrote = true;
            if (delay === 0) kill();
            else setTimeout(kill, delay);
          });
          // A run that never writes (the stick slow to come back) still dies, later.
          setTimeout(kill, 25_000);
        }
        proc.exited.then(() => {
          if (!done) fail(`the controller died on its own:\n${proc.stdout()}\n${proc.stderr()}`);
        });
      });
      const exit = await proc.exited;
      if (exit.signal !== "SIGKILL") fail(`run ${k} ended with ${JSON.stringify(exit)}`);
      kills.push({ moment, afterMs: Date.now() - started, wrote });
      o.log(
        `kill ${k}/${o.kills}: ${moment} after ${Date.now() - started} ms${wrote ? " (store writing)" : ""}`,
      );
      checkStore(`after kill ${k} (${moment})`);
      if (k === plantAt) {
        const r = await plantLimit(emulator.url, site.dataDir, A.serial, 180);
        if (r.outcome !== "applied") fail(`planting 180 W on ${A.serial}: ${r.outcome}`);
      }
    }

    // The last run is left alone until both inverters' newest reply is booked, then stopped cleanly.
    from = seen.length;
    controller = startController(site.file);
    const bootTruth = readTruth(truthFile).length;
    const final: KillReport["final"] = {};
    for (const inv of [A, B]) {
      await waitFor(
        `${inv.name}: a reply after the last restart booked`,
        () => {
          const newer = readTruth(truthFile)
            .slice(bootTruth)
            .filter((t) => t.serial === inv.serial);
          const booked = readStore(site!.dataDir).find((c) => c.serial === inv.serial && c.channel === 1);
          return newer.some((t) => t.channels[0]!.energy_counter === booked?.counter);
        },
        60_000,
      );
    }
    checkStore("after the last restart");
    for (const inv of [A, B]) {
      const rows = readStore(site.dataDir).filter((c) => c.serial === inv.serial);
      final[inv.serial] = {
        storedWh: rows.reduce((n, c) => n + c.lifetimeWh, 0),
        truthWh: rows.reduce((n, c) => n + c.counter * WH_PER_LSB, 0),
      };
    }
    controller.child.kill("SIGTERM");
    const exit = await controller.exited;
    if (exit.code !== 0) fail(`the last run did not stop cleanly: ${JSON.stringify(exit)}`);

    // What Home Assistant saw over every run: lifetime energy never went down.
    for (const inv of [A, B]) {
      const energies = stateOf(inv.name, 0)
        .map((s) => s.energy)
        .filter((e): e is number => typeof e === "number");
      for (let i = 1; i < energies.length; i++)
        if (energies[i]! < energies[i - 1]!)
          fail(`${inv.name} published energy ${energies[i]} kWh after ${energies[i - 1]} kWh`);
    }
    if (!planted) fail("the planted limit was never checked");
    return { kills, final, planted: planted!, broker: kind.name } satisfies KillReport;
  } finally {
    dirWatch?.close();
    controller?.kill();
    emulator?.proc.kill();
    await client?.endAsync(true);
    await broker?.stop();
    removeDir(site?.dir);
    removeDir(scratch);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kills = Number(process.argv[2] ?? 20);
  const seed = Number(process.argv[3] ?? Date.now() % 100_000);
  process.stdout.write(`kill -9 survival: ${kills} kills, seed ${seed}\n`);
  killLoop({ kills, seed, log: (l) => process.stdout.write(`${l}\n`) })
    .then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    })
    .catch((e) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    });
}
