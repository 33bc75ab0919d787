/**
 * The emulated ECU's web pages (ecu-lan-protocol.md §3): on the Linux models (ECU-R-Pro 2162, ECU-C 215x)
 * `POST /index.php/configuration/set_switch_state` and `.../set_maxpower` answer `{"value", "message"}`
 * and queue the command in the core, which passes it on at its next round. Variants: `removed` (the
 * 2026 firmwares: every page 404 Page Not Found) and `html` (a firmware that answers its pages with an
 * HTML "not supported" page). ECU-R 2160 and ECU-B have no web server at all: server.ts starts none.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EcuEmulatorCore } from "./core.ts";

export type EcuPagesMode = "served" | "removed" | "html";

export interface EcuPagesOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (the real ECU: 80). */
  port?: number;
  /** Default served. */
  pages?: EcuPagesMode;
}

export interface EcuPagesServer {
  readonly port: number;
  readonly mode: EcuPagesMode;
  /** Pages asked, in order (path and form), for tests. */
  readonly requests: { path: string; form: URLSearchParams; xhr: boolean }[];
  close(): Promise<void>;
}

/** The ECU-3 sources' answer once a command is stored (page_lang.php). */
export const QUEUED_MESSAGE = "See the results 5 minutes later !";

const NOT_FOUND =
  '<!DOCTYPE html><html><head><title>404 Page Not Found</title></head><body><div id="container"><h1>404 Page Not Found</h1><p>The page you requested was not found.</p></div></body></html>';
const NOT_SUPPORTED =
  '<!DOCTYPE html><html><head><title>ECU</title></head><body><script>alert("This function is not supported");</script></body></html>';

export async function startEcuPages(core: EcuEmulatorCore, o: EcuPagesOptions = {}): Promise<EcuPagesServer> {
  const mode = o.pages ?? "served";
  const requests: { path: string; form: URLSearchParams; xhr: boolean }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const path = (req.url ?? "").split("?")[0]!;
      requests.push({ path, form, xhr: req.headers["x-requested-with"] === "XMLHttpRequest" });
      answer(core, mode, req, path, form, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 80, o.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    mode,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(
  core: EcuEmulatorCore,
  mode: EcuPagesMode,
  req: IncomingMessage,
  path: string,
  form: URLSearchParams,
  res: ServerResponse,
): void {
  const page = path.replace(/^\/index\.php\//, "");
  const known = page === "configuration/set_switch_state" || page === "configuration/set_maxpower";
  if (mode === "removed" || !known || req.method !== "POST") {
    res.writeHead(404, { "Content-Type": "text/html; charset=UTF-8" }).end(NOT_FOUND);
    return;
  }
  if (mode === "html") {
    res.writeHead(200, { "Content-Type": "text/html; charset=UTF-8" }).end(NOT_SUPPORTED);
    return;
  }
  const { value, message } = command(core, page, form);
  res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ value, message }));
}

/** What the page answers, after queueing the command when it is accepted. */
function command(
  core: EcuEmulatorCore,
  page: string,
  form: URLSearchParams,
): { value: number; message: string } {
  if (page === "configuration/set_switch_state") {
    const ids = form.getAll("ids[]");
    if (ids.length === 0) return { value: 1, message: "Please select at least one inverter !" };
    const parsed = ids.map((x) => ({ uid: x.slice(0, 12), flag: x.slice(12) }));
    if (parsed.some((p) => !core.knows(p.uid) || (p.flag !== "1" && p.flag !== "2"))) {
      return { value: 2, message: "Saving failed !" };
    }
    for (const p of parsed) core.queue({ kind: "on-off", uid: p.uid, on: p.flag === "1" });
    return { value: 0, message: QUEUED_MESSAGE };
  }
  const uid = form.get("id") ?? "";
  const text = form.get("maxpower") ?? "";
  const w = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(w >= 20 && w <= 500)) return { value: 1, message: "Please enter an integer between 20-500 !" };
  if (!core.knows(uid)) return { value: 2, message: "Saving failed !" };
  core.queue({ kind: "max-power", uid, wattsPerInput: w });
  return { value: 0, message: QUEUED_MESSAGE };
}
