/**
 * The real Node-RED 4.1 runtime through node-red-node-test-helper, with the built localecu nodes
 * (nodes/lib/, built by test/nodered/build.ts before the tests run).
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export interface FlowNode {
  id: string;
  type: string;
  wires?: string[][];
  [key: string]: unknown;
}

export interface RuntimeNode {
  id: string;
  type: string;
  credentials?: Record<string, string>;
  on(event: string, cb: (...args: never[]) => void): void;
  receive(msg: Record<string, unknown>): void;
  [key: string]: unknown;
}

export interface Helper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  load(
    nodes: unknown[],
    flow: FlowNode[],
    credentials?: Record<string, Record<string, string>>,
  ): Promise<void>;
  setFlows(flow: FlowNode[], type?: "full" | "flows" | "nodes"): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): RuntimeNode;
  request(): { get(path: string): PromiseLike<{ status: number; body: unknown }> };
  _redNodes: { getFlows(): { flows: FlowNode[] } };
}

export const helper = require("node-red-node-test-helper") as Helper;
helper.init(require.resolve("node-red"));

export const localecuNodes = {
  config: require("../../nodes/lib/localecu-config.js") as unknown,
  in: require("../../nodes/lib/localecu-in.js") as unknown,
  control: require("../../nodes/lib/localecu-control.js") as unknown,
  limiter: require("../../nodes/lib/localecu-limiter.js") as unknown,
};
export const allNodes = Object.values(localecuNodes);
/** Node-RED's own catch node, to see node.error the way a flow sees it. */
export const catchNode = require("@node-red/nodes/core/common/25-catch.js") as unknown;

/** Messages a helper node receives, and a way to wait for one that passes `test`. */
export function collect(node: RuntimeNode) {
  const seen: Record<string, unknown>[] = [];
  const waiters: {
    test: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }[] = [];
  node.on("input", ((msg: Record<string, unknown>) => {
    seen.push(msg);
    for (const w of [...waiters])
      if (w.test(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
  }) as never);
  return {
    seen,
    next(what: string, test: (m: Record<string, unknown>) => boolean = () => true, ms = 25_000) {
      const found = seen.find(test);
      if (found) return Promise.resolve(found);
      return new Promise<Record<string, unknown>>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}; got ${seen.length} messages`)),
          ms,
        );
        waiters.push({
          test,
          resolve: (m) => {
            clearTimeout(t);
            resolve(m);
          },
        });
      });
    },
  };
}
