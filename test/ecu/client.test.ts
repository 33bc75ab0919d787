/**
 * The 8899 client over real TCP against a peer that replays real ECU answers byte for byte (the
 * captures of ecu-lan-protocol.md §5) the way an ECU's network stack might deliver them: whole, in
 * many small pieces, cut, late, or not at all. The ECU emulator tests (test/sim/ecu) cover the rest.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  EcuBadAnswerError,
  EcuCutAnswerError,
  EcuLink,
  EcuRefusedError,
  EcuTimeoutError,
  ecuExchange,
} from "../../src/ecu/client.ts";
import { waitFor } from "../helpers/wait.ts";
import { ecuCaptures as C } from "../protocol/ecu/captures.ts";

interface Peer {
  server: Server;
  port: number;
  /** Every request as received, in order. */
  requests: string[];
  /** Most requests received and not yet answered at the same time. */
  maxOpen: number;
}

const peers: Server[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/**
 * A TCP peer: once a request (ending in END or END LF) has arrived, `answer` decides what to do. A request
 * counts as open until the peer writes its first answer byte or closes.
 */
async function peer(answer: (socket: Socket, request: string) => void): Promise<Peer> {
  const requests: string[] = [];
  let open = 0;
  const p: Peer = { server: undefined as unknown as Server, port: 0, requests, maxOpen: 0 };
  const server = createServer((socket) => {
    let text = "";
    let answered = false;
    let counted = false;
    const done = () => {
      if (counted) open--;
      counted = false;
    };
    const write = socket.write.bind(socket);
    socket.write = ((...args: Parameters<Socket["write"]>) => {
      done();
      return write(...args);
    }) as Socket["write"];
    socket.on("close", done);
    socket.on("error", () => undefined);
    socket.on("data", (c: Buffer) => {
      text += c.toString("latin1");
      if (!answered && /END\n?$/.test(text)) {
        answered = true;
        counted = true;
        open++;
        p.maxOpen = Math.max(p.maxOpen, open);
        requests.push(text);
        answer(socket, text);
      }
    });
  });
  peers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  p.server = server;
  p.port = (server.address() as { port: number }).port;
  return p;
}

/** Writes `bytes` in pieces of `size`, one per event-loop turn, so they arrive as separate TCP segments. */
function trickle(socket: Socket, bytes: Buffer, size: number, then?: () => void): void {
  let off = 0;
  const next = () => {
    if (socket.destroyed) return;
    if (off >= bytes.length) {
      then?.();
      return;
    }
    socket.write(bytes.subarray(off, off + size));
    off += size;
    setTimeout(next, 1);
  };
  next();
}

const INFO = Buffer.from("APS1100160001END\n", "latin1");
const at = (p: Peer) => ({ host: "127.0.0.1", port: p.port });

describe("ecuExchange", () => {
  it("reads a whole answer that arrives in 3-byte pieces, and sends the request as given", async () => {
    // P2: ECU-R 216000120830's 0001 answer, 95 bytes; the length field says 0094.
    const answer = Buffer.from(C.p2Info, "hex");
    const p = await peer((s) => trickle(s, answer, 3));
    const got = await ecuExchange(at(p), INFO);
    expect(got.equals(answer)).toBe(true);
    expect(p.requests).toEqual(["APS1100160001END\n"]);
  });

  it("does not stop at a 0x0A inside the answer, and ignores bytes after the length", async () => {
    // P9 (ECU-B, one DS3) with input A's power changed by hand from 00 D3 (211 W) to 00 0A (10 W):
    // a line feed at byte 40 (record at 26, P1 at +13) of a 51-byte answer. A trailing "junk" must not become part of it.
    const hex = C.p9Realtime.replace("01f3009700d300f0", "01f30097000a00f0");
    const answer = Buffer.from(hex, "hex");
    expect(answer.indexOf(0x0a)).toBe(40);
    const p = await peer((s) => {
      // The first piece ends with that line feed, as a readline() reader would see it.
      s.write(answer.subarray(0, 41));
      setTimeout(() => s.write(Buffer.concat([answer.subarray(41), Buffer.from("junk")])), 5);
    });
    const got = await ecuExchange(at(p), Buffer.from("APS1100280002216300007004END\n", "latin1"));
    expect(got.toString("hex")).toBe(hex);
  });

  it("reads the 16-byte no-data answer (status 02, no END) by its length field", async () => {
    const answer = Buffer.from(C.p10NoData, "hex");
    const p = await peer((s) => s.end(answer));
    expect((await ecuExchange(at(p), Buffer.from("APS1100280002216300007004END\n"))).equals(answer)).toBe(
      true,
    );
  });

  it("reports a cut answer with the bytes the length field announced and what arrived", async () => {
    // P12's 0001 (119 bytes) closed after 48 bytes.
    const answer = Buffer.from(C.p12Info, "hex");
    const p = await peer((s) => s.end(answer.subarray(0, 48)));
    const err = await ecuExchange(at(p), INFO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EcuCutAnswerError);
    const cut = err as EcuCutAnswerError;
    expect([cut.needBytes, cut.gotBytes, cut.command, cut.received.length]).toEqual([119, 48, "0001", 48]);
    expect(cut.message).toMatch(
      /127\.0\.0\.1:\d+ closed the connection after 48 of the 119 bytes its answer to 0001/,
    );
  });

  it("reports a connection closed without a byte as a cut answer of 0 bytes", async () => {
    const p = await peer((s) => s.end());
    const err = (await ecuExchange(at(p), INFO).catch((e: unknown) => e)) as EcuCutAnswerError;
    expect(err).toBeInstanceOf(EcuCutAnswerError);
    expect([err.needBytes, err.gotBytes]).toEqual([undefined, 0]);
    expect(err.message).toMatch(/closed the connection without answering command 0001/);
  });

  it("times out on a peer that accepts and never answers, saying what to check", async () => {
    const p = await peer(() => undefined);
    const err = (await ecuExchange(at(p), INFO, { timeoutMs: 200 }).catch(
      (e: unknown) => e,
    )) as EcuTimeoutError;
    expect(err).toBeInstanceOf(EcuTimeoutError);
    expect([err.phase, err.gotBytes, err.timeoutMs]).toEqual(["answer", 0, 200]);
    expect(err.message).toMatch(
      /did not answer command 0001 within 0.2 s .*nightly maintenance.*power-cycle/,
    );
  });

  it("times out with the bytes that did arrive when the answer stalls halfway", async () => {
    const answer = Buffer.from(C.p2Info, "hex");
    const p = await peer((s) => s.write(answer.subarray(0, 30)));
    const err = (await ecuExchange(at(p), INFO, { timeoutMs: 200 }).catch(
      (e: unknown) => e,
    )) as EcuTimeoutError;
    expect([err.name, err.phase, err.gotBytes]).toEqual(["EcuTimeoutError", "answer", 30]);
  });

  it("reports a refused connection with the address and what to check", async () => {
    const p = await peer(() => undefined);
    const port = p.port;
    await new Promise<void>((r) => p.server.close(() => r()));
    peers.splice(peers.indexOf(p.server), 1);
    const err = (await ecuExchange({ host: "127.0.0.1", port }, INFO).catch(
      (e: unknown) => e,
    )) as EcuRefusedError;
    expect(err).toBeInstanceOf(EcuRefusedError);
    expect(err.code).toBe("ECONNREFUSED");
    expect(err.message).toContain(`cannot connect to the ECU at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(err.message).toMatch(/Wi-Fi address/);
  });

  it("rejects bytes that are not an 8899 answer, with their hex for a report", async () => {
    const p = await peer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const err = (await ecuExchange(at(p), INFO).catch((e: unknown) => e)) as EcuBadAnswerError;
    expect(err).toBeInstanceOf(EcuBadAnswerError);
    expect(err.hex.startsWith("485454502f")).toBe(true);
    expect(err.message).toMatch(/starts with ASCII "APS"/);
  });

  it("stops at once when the caller aborts", async () => {
    const p = await peer(() => undefined);
    const ac = new AbortController();
    const pending = ecuExchange(at(p), INFO, { signal: ac.signal }).catch((e: unknown) => e);
    ac.abort(new Error("shutting down"));
    expect(((await pending) as Error).message).toBe("shutting down");
  });
});

describe("EcuLink", () => {
  it("keeps one request in flight: five calls at once reach the ECU one after another, in order", async () => {
    const answers: Record<string, string> = { "0001": C.p2Info, "0002": C.p2Realtime, "0030": C.p2Signal };
    const p = await peer((s, req) => {
      // Answer a little later, so overlapping connections would be seen.
      setTimeout(() => s.end(Buffer.from(answers[req.slice(9, 13)]!, "hex")), 5);
    });
    const link = new EcuLink(at(p));
    const id = "216000120830";
    const calls = [
      link.readInfo(),
      link.readRealtime(id),
      link.readSignal(id),
      link.readInfo(),
      link.readRealtime(id),
    ];
    expect(link.pending).toBe(5);
    const [info, rt, sig] = await Promise.all(calls);
    expect(p.maxOpen).toBe(1);
    expect(p.requests.map((r) => r.slice(0, 13))).toEqual([
      "APS1100160001",
      "APS1100280002",
      "APS1100280030",
      "APS1100160001",
      "APS1100280002",
    ]);
    expect(p.requests[1]).toBe("APS1100280002216000120830END\n");
    // Values from the reference's decoded lines for P2.
    expect([info!.kind, (info as { ecuId: string }).ecuId]).toEqual(["ecu-info", id]);
    expect([rt!.kind, (rt as { cycleTime: string }).cycleTime]).toEqual([
      "ecu-realtime",
      "2023-11-20T15:19:34",
    ]);
    expect((sig as { inverters: { levelRaw: number }[] }).inverters.map((e) => e.levelRaw)).toEqual([
      171, 171, 171, 171, 171, 171,
    ]);
    expect(link.pending).toBe(0);
  });

  it("two links to the same ECU share its one slot", async () => {
    const p = await peer((s) => {
      setTimeout(() => s.end(Buffer.from(C.p2Info, "hex")), 5);
    });
    const a = new EcuLink(at(p));
    const b = new EcuLink(at(p));
    await Promise.all([a.readInfo(), b.readInfo(), a.readInfo(), b.readInfo()]);
    expect([p.requests.length, p.maxOpen]).toEqual([4, 1]);
  });

  it("goes on with the queue after a failed request", async () => {
    let n = 0;
    const p = await peer((s) => {
      n++;
      if (n === 1) s.end(Buffer.from(C.p2Info, "hex").subarray(0, 20));
      else s.end(Buffer.from(C.p2Info, "hex"));
    });
    const link = new EcuLink(at(p));
    const [first, second] = await Promise.allSettled([link.readInfo(), link.readInfo()]);
    expect(first.status === "rejected" && first.reason).toBeInstanceOf(EcuCutAnswerError);
    expect(second.status === "fulfilled" && second.value.lifetimeEnergyWh).toBe(4_358_100);
  });

  it("rejects an answer to another command than the one asked", async () => {
    const p = await peer((s) => s.end(Buffer.from(C.p2Signal, "hex")));
    const err = await new EcuLink(at(p)).readRealtime("216000120830").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EcuBadAnswerError);
    expect((err as Error).message).toMatch(/asked for command 0002, the answer is for ecu-signal/);
  });

  it("close() fails the request in flight and the queued ones", async () => {
    const p = await peer(() => undefined);
    const link = new EcuLink(at(p));
    const a = link.readInfo().catch((e: unknown) => e);
    const b = link.readInfo().catch((e: unknown) => e);
    await waitFor("the first request at the peer", () => p.requests.length === 1);
    link.close();
    expect(((await a) as Error).message).toMatch(/was closed/);
    expect(((await b) as Error).message).toMatch(/closed before this request was sent/);
    expect(p.requests).toHaveLength(1);
  });
});
