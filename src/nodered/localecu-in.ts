/**
 * `localecu in`: the readings of one inverter, one panel (an inverter's input) or the whole site, one
 * message per update from the controller's retained state topics. Output 1: readings; output 2: what
 * happens rather than what is measured — fault events for an inverter or panel, the export limiter's and
 * the schedule's state for the site.
 */
import { inverterTopics, siteTopic } from "../entities/topics.ts";
import { inverterReadings, panelReadings, siteParts } from "./readings.ts";
import type { Node, NodeMessage, Red } from "./red.ts";
import { configOf, errorStatus, linkStatus, valueStatus } from "./status.ts";

export interface InNodeConfig {
  id: string;
  server?: string;
  /** "site", or an inverter's topic name. */
  device?: string;
  /** 0 = the whole inverter, 1–4 = one panel input. */
  input?: string | number;
}

export const SITE = "site";

function watts(p: Record<string, unknown>): string {
  const w = p.power_w ?? p.dc_power_w;
  return typeof w === "number" ? `${Math.round(w)} W` : "reading";
}

export default function register(RED: Red): void {
  function LocalecuIn(this: Node, config: InNodeConfig) {
    RED.nodes.createNode(this, config);
    const cfg = configOf(this, (id) => RED.nodes.getNode(id), config.server);
    const device = (config.device ?? "").trim();
    const input = Number(config.input ?? 0);
    if (!cfg?.link) return;
    if (device === "") {
      const why = "no device chosen — open the node and pick an inverter or the site";
      this.status(errorStatus(why));
      this.error(why);
      return;
    }
    if (!Number.isInteger(input) || input < 0 || input > 4) {
      const why = `input ${config.input} is not 0 (whole inverter) or a panel input 1–4`;
      this.status(errorStatus(why));
      this.error(why);
      return;
    }
    const link = cfg.link;
    const base = cfg.baseTopic;
    const offs: (() => void)[] = [];
    const out = (i: 0 | 1, msg: NodeMessage) => this.send(i === 0 ? [msg, null] : [null, msg]);
    offs.push(link.onState((s, d) => this.status(linkStatus(s, d))));

    if (device === SITE) {
      let lastLimiter = "";
      let lastSchedule = "";
      offs.push(
        link.subscribe(siteTopic(base), (text) => {
          const parts = siteParts(text);
          if (!parts) return;
          out(0, { topic: SITE, device: SITE, kind: "reading", payload: parts.readings });
          // Limiter and schedule state go out when they change, not with every site update.
          if (parts.limiter && JSON.stringify(parts.limiter) !== lastLimiter) {
            lastLimiter = JSON.stringify(parts.limiter);
            out(1, { topic: `${SITE}/export_limit`, device: SITE, kind: "limiter", payload: parts.limiter });
          }
          if (parts.schedule && JSON.stringify(parts.schedule) !== lastSchedule) {
            lastSchedule = JSON.stringify(parts.schedule);
            out(1, { topic: `${SITE}/schedule`, device: SITE, kind: "schedule", payload: parts.schedule });
          }
          this.status(valueStatus(watts(parts.readings)));
        }),
      );
    } else {
      const t = inverterTopics(base, device);
      const topic = input === 0 ? device : `${device}/ch${input}`;
      offs.push(
        link.subscribe(t.state, (text) => {
          const payload = input === 0 ? inverterReadings(text) : panelReadings(text, input);
          if (!payload) return;
          out(0, { topic, device, ...(input ? { input } : {}), kind: "reading", payload });
          this.status(valueStatus(watts(payload)));
        }),
        link.subscribe(t.event("fault"), (text) => {
          let payload: unknown;
          try {
            payload = JSON.parse(text);
          } catch {
            return;
          }
          out(1, { topic: `${device}/fault`, device, kind: "fault", payload });
          this.status(valueStatus("fault event", "yellow"));
        }),
        link.subscribe(t.availability, (text) => {
          if (text.includes('"offline"')) this.status({ fill: "grey", shape: "ring", text: "offline" });
        }),
      );
    }
    this.on("close", (_removed, done) => {
      for (const off of offs) off();
      done();
    });
  }
  RED.nodes.registerType("localecu-in", LocalecuIn as never);
}
