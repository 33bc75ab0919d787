/** vitest globalSetup: build the Node-RED nodes (nodes/lib/*.js) so a clean checkout's tests find them. */
import { buildNodes } from "../../scripts/build-nodes.mjs";

export default async function setup(): Promise<void> {
  await buildNodes();
}
