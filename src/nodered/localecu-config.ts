/**
 * `localecu-config`: one controller — its broker URL, base topic and MQTT credentials (kept in Node-RED's
 * credential store, never in the flow) — and the one connection every localecu node using it shares.
 * Also serves the editor's device list: GET <admin root>/localecu/devices/<config node id>.
 */
import { bridgeTopics, siteTopic, topicRootProblem } from "../entities/topics.ts";
import { ControllerLink } from "./link.ts";
import type { Node, Red } from "./red.ts";

export interface ConfigNodeConfig {
  id: string;
  name?: string;
  broker: string;
  baseTopic?: string;
}

export interface ConfigNode extends Node {
  link: ControllerLink | undefined;
  baseTopic: string;
  /** Why the node cannot connect (bad URL or base topic), shown by the nodes that use it. */
  problem: string | undefined;
}

export const DEFAULT_BASE_TOPIC = "localecu";

/** What is wrong with the broker URL, or undefined. */
export function brokerProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `broker '${url}' is not a URL — use e.g. mqtt://192.168.1.10:1883`;
  }
  if (!["mqtt:", "mqtts:", "ws:", "wss:", "tcp:"].includes(u.protocol))
    return `broker '${url}': use mqtt://, mqtts://, ws:// or wss://, e.g. mqtt://192.168.1.10:1883`;
  if (u.username || u.password)
    return "broker URL: put the user name and password in the credential fields, not in the URL (the URL is saved in the flow)";
  return undefined;
}

export default function register(RED: Red): void {
  function LocalecuConfig(this: ConfigNode, config: ConfigNodeConfig) {
    RED.nodes.createNode(this, config);
    this.baseTopic = (config.baseTopic ?? "").trim() || DEFAULT_BASE_TOPIC;
    const broker = (config.broker ?? "").trim();
    this.problem = brokerProblem(broker) ?? topicRootProblem("base topic", this.baseTopic);
    this.link = undefined;
    if (this.problem) {
      this.error(this.problem);
    } else {
      this.link = new ControllerLink({
        url: broker,
        baseTopic: this.baseTopic,
        username: this.credentials?.username,
        password: this.credentials?.password,
        clientId: `localecu-nodered-${this.id}-${Math.random().toString(16).slice(2, 8)}`,
      });
    }
    this.on("close", (_removed, done) => {
      const link = this.link;
      this.link = undefined;
      if (!link) return done();
      link.close().then(done, done);
    });
  }
  RED.nodes.registerType("localecu-config", LocalecuConfig as never, {
    credentials: { username: { type: "text" }, password: { type: "password" } },
  });

  // The editor's device list, read from the retained bridge/devices of a deployed config node.
  RED.httpAdmin.get("/localecu/devices/:id", RED.auth.needsPermission("localecu.read"), (req, res) => {
    const node = RED.nodes.getNode(req.params.id ?? "") as ConfigNode | null;
    if (node?.type !== "localecu-config") {
      res.json({
        deployed: false,
        devices: [],
        hint: "deploy the controller node first, then reopen this node",
      });
      return;
    }
    const devices = node.link?.devices();
    const base = node.baseTopic;
    res.json({
      deployed: true,
      connected: node.link?.state === "connected",
      announced: devices !== undefined,
      problem: node.problem,
      // Where the list comes from, so a user can check it with any MQTT client.
      source: bridgeTopics(base).devices,
      site: siteTopic(base),
      devices: devices ?? [],
    });
  });
}
