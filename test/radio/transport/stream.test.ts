import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { StreamTransport } from "../../../src/radio/transport/stream.ts";

function echo(): Duplex {
  const d: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _e, cb) {
      d.push(chunk);
      cb();
    },
  });
  return d;
}

describe("StreamTransport", () => {
  it("carries bytes through an in-process duplex, a fresh one per open", async () => {
    let made = 0;
    const t = new StreamTransport(() => {
      made++;
      return echo();
    });
    await t.open();
    const got = new Promise<Uint8Array>((r) => t.on("data", r));
    await t.write(Uint8Array.of(9, 8));
    expect([...(await got)]).toEqual([9, 8]);
    await t.close();
    await t.open();
    expect(made).toBe(2);
  });

  it("emits close when the stream ends", async () => {
    let d: Duplex | undefined;
    const t = new StreamTransport(() => {
      d = echo();
      return d;
    }, "stream://emulator");
    await t.open();
    const closed = new Promise<Error | undefined>((r) => t.on("close", r));
    d!.destroy();
    expect((await closed)?.message).toBe("stream://emulator ended");
    expect(t.isOpen).toBe(false);
  });
});
