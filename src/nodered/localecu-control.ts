/**
 * `localecu control`: max power, on/off and poll for an inverter; the export limiter's switch, allowed
 * export and mode for the site. Every message is checked first (command.ts: the controller's own
 * validation); a bad one gets node.error with the reason and nothing is sent. A good one goes to
 * `<base>/<device>/set` with a transaction id, and the controller's answer on `set/result` — the
 * verified outcome or its refusal — leaves the output.
 */
import { inverterTopics, siteSetTopic, siteTopic } from "../entities/topics.ts";
import {
  checkInverterCommand,
  checkSiteCommand,
  commandBody,
  limiterFromSiteState,
  onFromState,
} from "./command.ts";
import { SITE } from "./localecu-in.ts";
import type { Node, NodeMessage, Red } from "./red.ts";
import { configOf, errorStatus, linkStatus, valueStatus } from "./status.ts";

export interface ControlNodeConfig {
  id: string;
  server?: string;
  device?: string;
  /** One of command.ts's commands, or "" when msg.payload holds the whole command. */
  command?: string;
  /** How long to wait for the controller's answer, s. */
  timeout?: string | number;
}

/** How long the node waits for the retained device list / site state after a deploy, ms. */
const STATE_WAIT_MS = 5000;

interface Pending {
  resolve: (r: Record<string, unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

export default function register(RED: Red): void {
  function LocalecuControl(this: Node, config: ControlNodeConfig) {
    RED.nodes.createNode(this, config);
    const cfg = configOf(this, (id) => RED.nodes.getNode(id), config.server);
    if (!cfg?.link) return;
    const link = cfg.link;
    const base = cfg.baseTopic;
    const command = config.command ?? "";
    const timeoutS = Number(config.timeout ?? 60) > 0 ? Number(config.timeout ?? 60) : 60;
    const offs: (() => void)[] = [link.onState((s, d) => this.status(linkStatus(s, d)))];
    const watched = new Set<string>();
    const pending = new Map<string, Pending>();
    let counter = 0;

    /** Keeps a retained state topic (and the device's result topic) in the link's cache from now on. */
    function watch(device: string): void {
      if (watched.has(device)) return;
      watched.add(device);
      const t = inverterTopics(base, device);
      // The site's commands share the inverters' /set layout: <base>/site/set, answered on set/result.
      offs.push(link.subscribe(device === SITE ? siteTopic(base) : t.state, () => {}));
      offs.push(
        link.subscribe(t.setResult, (text) => {
          let r: Record<string, unknown>;
          try {
            r = JSON.parse(text) as Record<string, unknown>;
          } catch {
            return;
          }
          const key = `${device}\u0000${String(r.transaction)}`;
          const p = pending.get(key);
          if (!p) return; // another client's command
          pending.delete(key);
          clearTimeout(p.timer);
          p.resolve(r);
        }),
      );
    }
    if (config.device && config.device !== "") watch(config.device.trim());

    async function waitForRetained(topic: string): Promise<string | undefined> {
      for (let waited = 0; waited < STATE_WAIT_MS; waited += 100) {
        const v = link.retainedOn(topic);
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    }

    this.on("input", async (msg: NodeMessage, send, done) => {
      const refuse = (why: string) => {
        this.status(errorStatus(why));
        done(why);
      };
      const device =
        (config.device?.trim() || (typeof msg.device === "string" ? msg.device.trim() : "")) ?? "";
      if (device === "") return refuse("no device — choose one in the node or set msg.device");
      const built = commandBody(command, msg.payload);
      if (!built.ok) return refuse(built.error);
      const body = built.body;
      const tx =
        typeof msg.transaction === "string" || typeof msg.transaction === "number"
          ? msg.transaction
          : `${this.id}-${++counter}`;
      body.transaction = tx;
      watch(device);
      let topic: string;
      let checked: ReturnType<typeof checkSiteCommand>;
      if (device === SITE) {
        topic = siteSetTopic(base);
        const state = await waitForRetained(siteTopic(base));
        checked = checkSiteCommand(topic, body, limiterFromSiteState(state));
      } else {
        topic = inverterTopics(base, device).set;
        const devices = await link.waitForDevices(STATE_WAIT_MS);
        const d = devices?.find((x) => x.name === device);
        if (!d) {
          const known = devices?.map((x) => x.name).join(", ");
          return refuse(
            devices
              ? `no inverter named "${device}" — the controller announces: ${known || "(none)"}`
              : `the controller's device list (${base}/bridge/devices) has not arrived — is the controller running with base topic "${base}"?`,
          );
        }
        checked = checkInverterCommand(
          topic,
          body,
          d,
          onFromState(link.retainedOn(inverterTopics(base, device).state)),
        );
      }
      if (!checked.ok) return refuse(checked.error);
      const key = `${device}\u0000${String(tx)}`;
      const answer = new Promise<Record<string, unknown> | undefined>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(key);
          resolve(undefined);
        }, timeoutS * 1000);
        pending.set(key, { resolve, timer });
      });
      try {
        await link.publish(topic, checked.text);
      } catch (e) {
        pending.get(key) && clearTimeout(pending.get(key)!.timer);
        pending.delete(key);
        return refuse(`could not publish to ${topic}: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.status({ fill: "yellow", shape: "ring", text: `sent ${checked.text.slice(0, 40)}` });
      const r = await answer;
      if (!r) return refuse(`no answer on ${topic}/result within ${timeoutS} s — is the controller running?`);
      this.status(
        r.ok === true
          ? valueStatus(String(r.outcome ?? "ok"))
          : errorStatus(`refused: ${String(r.error ?? "").slice(0, 50)}`),
      );
      send({ ...msg, topic: device, device, payload: r });
      done();
    });

    this.on("close", (_removed, done) => {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
      for (const off of offs) off();
      done();
    });
  }
  RED.nodes.registerType("localecu-control", LocalecuControl as never);
}
