/**
 * The part of Node-RED's runtime API the localecu nodes use, typed here (the project carries no
 * @types/node-red). Shapes follow Node-RED 4.x's documented node API ("Creating nodes" on nodered.org):
 * `RED.nodes.createNode`, `registerType` with credentials, `this.on("input", (msg, send, done))`,
 * `this.on("close", (removed, done))`, `RED.httpAdmin` (an Express app) and `RED.auth.needsPermission`.
 */

export interface NodeMessage {
  _msgid?: string;
  topic?: string;
  payload?: unknown;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: "red" | "green" | "yellow" | "blue" | "grey";
  shape?: "ring" | "dot";
  text?: string;
}

export type Send = (msg: NodeMessage | (NodeMessage | null)[] | null) => void;
export type Done = (err?: Error | string) => void;

export interface Node {
  id: string;
  type: string;
  name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: "input", cb: (msg: NodeMessage, send: Send, done: Done) => void | Promise<void>): void;
  on(event: "close", cb: (removed: boolean, done: () => void) => void): void;
  send: Send;
  status(s: NodeStatus | Record<string, never>): void;
  log(msg: string): void;
  warn(msg: string): void;
  error(err: string | Error, msg?: NodeMessage): void;
}

export interface AdminRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
}
export interface AdminResponse {
  json(body: unknown): void;
  status(code: number): AdminResponse;
}
type Handler = (req: AdminRequest, res: AdminResponse, next?: () => void) => void;

export interface Red {
  nodes: {
    createNode(node: Node, config: unknown): void;
    getNode(id: string): Node | null;
    registerType(
      type: string,
      ctor: (this: Node, config: never) => void,
      opts?: { credentials?: Record<string, { type: "text" | "password" }> },
    ): void;
  };
  httpAdmin: { get(path: string, ...handlers: Handler[]): void };
  auth: { needsPermission(permission: string): Handler };
}
