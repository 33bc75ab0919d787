/**
 * The product as a user runs it: `node bin/localecu.js …` in a child process, and an MQTT client that
 * watches what arrives the way Home Assistant would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import mqtt, { type MqttClient } from "mqtt";
import { BIN } from "./cli.ts";

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout + stderr. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (afterEach). */
  kill(): void;
}

const running = new Set<ChildProcess>();

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOCALECU_LOG_FORMAT: "pretty", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let out = "";
  let err = "";
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    wake();
  });
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
    wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
      wake();
    }),
  );
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
    waitForOutput: (re, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = (out + err).match(re);
          if (m) {
            done();
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${re}:\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${re} within ${timeoutMs} ms:\n${out}\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Kills every child still running (for afterEach/afterAll). */
export function killAll(): void {
  for (const c of running) c.kill("SIGKILL");
  running.clear();
}

export interface Message {
  topic: string;
  payload: string;
  retain: boolean;
}

/** An MQTT client that keeps every message it sees, in order. */
export async function watch(url: string, topics: string[]): Promise<{ client: MqttClient; seen: Message[] }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const seen: Message[] = [];
  client.on("message", (topic, payload, packet) =>
    seen.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  await client.subscribeAsync(topics, { qos: 1 });
  return { client, seen };
}

export function lastJson(seen: Message[], topic: string): Record<string, unknown> | undefined {
  for (let i = seen.length - 1; i >= 0; i--) {
    const m = seen[i]!;
    if (m.topic === topic)
      return m.payload === "" ? undefined : (JSON.parse(m.payload) as Record<string, unknown>);
  }
  return undefined;
}

export { waitFor } from "./wait.ts";
