/**
 * The local page's HTTP server: `/` the page, `/localecu-page.js` its script (the card inside), `/hass.json`
 * the mirror's `hass`, `/events` server-sent events (`hass` once, then `states` with what changed). URLs
 * are relative, so the page also works behind a path prefix (Home Assistant's add-on ingress).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { WebConfig } from "../site/config/types.ts";
import { pageScript } from "./bundle.ts";
import type { HassMirror } from "./mirror.ts";
import { pageHtml } from "./page/html.ts";

/** Updates are sent at most this often (ms): a poll round changes many entities at once. */
const FLUSH_MS = 250;
const KEEPALIVE_MS = 25_000;

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

export class WebListenError extends Error {}

export async function startWebServer(o: {
  web: WebConfig;
  mirror: HassMirror;
  title: string;
  onError?: (message: string) => void;
}): Promise<WebServer> {
  const clients = new Set<ServerResponse>();
  let script: Promise<string> | undefined;
  const pending = new Set<string>();
  let full = false;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    const event = full
      ? `event: hass\ndata: ${JSON.stringify(o.mirror.hass())}\n\n`
      : `event: states\ndata: ${JSON.stringify(o.mirror.states([...pending]))}\n\n`;
    full = false;
    pending.clear();
    for (const c of clients) c.write(event);
  };
  const unsubscribe = o.mirror.onChange((changed) => {
    if (changed.length === 0) full = true;
    for (const id of changed) pending.add(id);
    if (clients.size > 0) timer ??= setTimeout(flush, FLUSH_MS);
  });
  const keepalive = setInterval(() => {
    for (const c of clients) c.write(": keepalive\n\n");
  }, KEEPALIVE_MS);
  keepalive.unref();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
    } else if (path === "/" || path === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(pageHtml(o.title));
    } else if (path === "/localecu-page.js") {
      script ??= pageScript();
      script.then(
        (text) => res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(text),
        (e: unknown) => {
          script = undefined;
          o.onError?.(`local page: ${(e as Error).message}`);
          res.writeHead(500, { "content-type": "text/plain" }).end((e as Error).message);
        },
      );
    } else if (path === "/hass.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(o.mirror.hass()));
    } else if (path === "/events") {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      res.write(`event: hass\ndata: ${JSON.stringify(o.mirror.hass())}\n\n`);
      clients.add(res);
      req.on("close", () => clients.delete(res));
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      unsubscribe();
      clearInterval(keepalive);
      const why =
        e.code === "EADDRINUSE" ? "the port is taken" : e.code === "EACCES" ? "not allowed" : e.message;
      reject(
        new WebListenError(
          `the local page cannot listen on ${o.web.bind}:${o.web.port} (${why}) — set web.port in site.yaml to a free port, or 0 to turn the page off; everything else runs`,
        ),
      );
    });
    server.listen(o.web.port, o.web.bind, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.web.bind === "0.0.0.0" || o.web.bind === "::" ? "127.0.0.1" : o.web.bind;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    async close() {
      unsubscribe();
      clearInterval(keepalive);
      if (timer) clearTimeout(timer);
      for (const c of clients) c.end();
      clients.clear();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
