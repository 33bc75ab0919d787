import { describe, expect, it } from "vitest";
import { openTransport, parseTransportUrl } from "../../../src/radio/transport/url.ts";

describe("parseTransportUrl", () => {
  it.each([
    ["/dev/ttyUSB0", { kind: "serial", path: "/dev/ttyUSB0" }],
    [
      "/dev/serial/by-id/usb-Texas_Instruments_CC2531-if00",
      { kind: "serial", path: "/dev/serial/by-id/usb-Texas_Instruments_CC2531-if00" },
    ],
    ["COM3", { kind: "serial", path: "COM3" }],
    ["com12", { kind: "serial", path: "com12" }],
    ["serial:///dev/ttyACM0", { kind: "serial", path: "/dev/ttyACM0" }],
    ["tcp://192.168.1.20:6638", { kind: "tcp", host: "192.168.1.20", port: 6638 }],
    ["tcp://stick.local:2000/", { kind: "tcp", host: "stick.local", port: 2000 }],
    ["tcp://[::1]:4000", { kind: "tcp", host: "::1", port: 4000 }],
  ])("reads %s", (url, want) => {
    expect(parseTransportUrl(url)).toEqual(want);
  });

  it.each([
    ["ttyUSB0", /serial device \(\/dev\/ttyUSB0, COM3\) or tcp:\/\/host:port/],
    ["tcp://host", /tcp:\/\/host:port/],
    ["tcp://host:70000", /outside 1–65535/],
    ["http://host:80", /serial device/],
  ])("rejects %s with a message saying what to write", (url, msg) => {
    expect(() => parseTransportUrl(url)).toThrow(msg);
    try {
      parseTransportUrl(url);
    } catch (e) {
      expect(e).toMatchObject({ code: "bad-url" });
    }
  });

  it("wraps the picked transport so it reconnects", () => {
    const t = openTransport("tcp://127.0.0.1:1");
    expect(t.url).toBe("tcp://127.0.0.1:1");
    expect(t.state.phase).toBe("closed");
  });
});
