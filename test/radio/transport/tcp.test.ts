import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TcpTransport } from "../../../src/radio/transport/tcp.ts";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onConn: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConn);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as net.AddressInfo).port;
}

describe("TcpTransport", () => {
  it("carries bytes both ways", async () => {
    const port = await listen((s) => s.on("data", (b) => s.write(Buffer.from([...b].reverse()))));
    const t = new TcpTransport("127.0.0.1", port);
    const got = new Promise<Uint8Array>((r) => t.on("data", r));
    await t.open();
    expect(t.isOpen).toBe(true);
    await t.write(Uint8Array.of(1, 2, 3));
    expect([...(await got)]).toEqual([3, 2, 1]);
    await t.close();
    expect(t.isOpen).toBe(false);
  });

  it("emits close with a reason when the far end goes away", async () => {
    const port = await listen((s) => setImmediate(() => s.destroy()));
    const t = new TcpTransport("127.0.0.1", port);
    const closed = new Promise<Error | undefined>((r) => t.on("close", r));
    await t.open();
    expect((await closed)?.message).toMatch(/closed the connection/);
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ code: "link-down" });
  });

  it("says which endpoint is unreachable and what to check", async () => {
    const port = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const t = new TcpTransport("127.0.0.1", port);
    await expect(t.open()).rejects.toMatchObject({
      code: "unreachable",
      message: expect.stringMatching(new RegExp(`tcp://127.0.0.1:${port}: .*ECONNREFUSED.*ser2net`)),
    });
  });
});
