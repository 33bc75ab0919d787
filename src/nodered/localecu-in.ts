/**
 * `localecu in`: the readings of one inverter, one panel (an inverter's input) or the whole site, one
 * message per update from the controller's retained state topics. Output 1: readings; output 2: what
 * happens rather than what is measured — fault events for an inverter or panel, the export limiter's and
 * the schedule's state for the site.
 */
import { inverterTopics, siteEventTopic, siteTopic } from "../entities/topics.ts";
import { inverterFindings, inverterReadings, panelReadings, siteParts } from "./readings.ts";
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
    /** Output 2 for state that changes rarely: sent when it differs from the last one sent. */
    const sent = new Map<string, string>();
    const onChange = (topic: string, kind: string, payload: Record<string, unknown> | undefined) => {
      if (!payload) return;
      const text = JSON.stringify(payload);
      if (sent.get(topic) === text) return;
      sent.set(topic, text);
      out(1, { topic, device, kind, payload });
    };
    const faultEvent = (topic: string) => (text: string) => {
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch {
        return;
      }
      out(1, { topic, device, kind: "fault", payload });
      this.status(valueStatus("fault event", "yellow"));
    };
    offs.push(link.onState((s, d) => this.status(linkStatus(s, d))));

    if (device === SITE) {
      offs.push(
        link.subscribe(siteTopic(base), (text) => {
          const parts = siteParts(text);
          if (!parts) return;
          out(0, { topic: SITE, device: SITE, kind: "reading", payload: parts.readings });
          // Limiter, schedule and findings go out when they change, not with every site update.
          onChange(`${SITE}/export_limit`, "limiter", parts.limiter);
          onChange(`${SITE}/schedule`, "schedule", parts.schedule);
          onChange(`${SITE}/findings`, "findings", parts.findings);
          this.status(valueStatus(watts(parts.readings)));
        }),
        link.subscribe(siteEventTopic(base, "fault"), faultEvent(`${SITE}/fault`)),
      );
    } else {
      const t = inverterTopics(base, device);
      const topic = input === 0 ? device : `${device}/ch${input}`;
      offs.push(
        link.subscribe(t.state, (text) => {
          const payload = input === 0 ? inverterReadings(text) : panelReadings(text, input);
          if (!payload) return;
          out(0, { topic, device, ...(input ? { input } : {}), kind: "reading", payload });
          onChange(`${device}/findings`, "findings", inverterFindings(text));
          this.status(valueStatus(watts(payload)));
        }),
        link.subscribe(t.event("fault"), faultEvent(`${device}/fault`)),
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
