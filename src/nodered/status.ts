/** Status dots the way Node-RED users read them: ring = no data yet / link state, dot = a value. */

import type { LinkState } from "./link.ts";
import type { ConfigNode } from "./localecu-config.ts";
import type { Node, NodeStatus } from "./red.ts";

export function linkStatus(s: LinkState, detail?: string): NodeStatus {
  if (s === "connected") return { fill: "green", shape: "ring", text: "connected" };
  if (s === "connecting") return { fill: "yellow", shape: "ring", text: "connecting" };
  return { fill: "red", shape: "ring", text: detail ? `disconnected: ${detail}` : "disconnected" };
}

export function valueStatus(text: string, fill: NodeStatus["fill"] = "green"): NodeStatus {
  const at = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return { fill, shape: "dot", text: `${text} · ${at}` };
}

export function errorStatus(text: string): NodeStatus {
  return { fill: "red", shape: "dot", text: text.length > 60 ? `${text.slice(0, 57)}…` : text };
}

/** The config node of `id`, or a reason the node cannot work (shown on the node and in the log). */
export function configOf(
  node: Node,
  getNode: (id: string) => Node | null,
  id: string | undefined,
): ConfigNode | undefined {
  const cfg = id ? (getNode(id) as ConfigNode | null) : null;
  const problem = !cfg
    ? "no controller chosen — open the node and pick or add a localecu controller"
    : cfg.problem;
  if (problem || !cfg?.link) {
    const why = problem ?? "the controller node has no connection";
    node.status(errorStatus(why));
    node.error(why);
    return undefined;
  }
  return cfg;
}
