import { SerialPortMock } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { type SerialOpenOptions, SerialTransport, STICK_BAUD } from "../../../src/radio/transport/serial.ts";

afterEach(() => {
  SerialPortMock.binding.reset();
});

function mocked() {
  const opened: SerialOpenOptions[] = [];
  const ports: SerialPortMock[] = [];
  const factory = (o: SerialOpenOptions) => {
    opened.push(o);
    const p = new SerialPortMock(o);
    ports.push(p);
    return p;
  };
  return { opened, ports, factory };
}

describe("SerialTransport", () => {
  it("opens the stick at 115200 8N1 without flow control and carries bytes both ways", async () => {
    SerialPortMock.binding.createPort("/dev/ttyUSB0", { record: true });
    const { opened, ports, factory } = mocked();
    const t = new SerialTransport("/dev/ttyUSB0", factory);
    await t.open();
    expect(opened[0]).toMatchObject({
      baudRate: STICK_BAUD,
      dataBits: 8,
      parity: "none",
      stopBits: 1,
      rtscts: false,
    });
    const got = new Promise<Uint8Array>((r) => t.on("data", r));
    ports[0]!.port!.emitData(Buffer.from([0xfe, 0x01, 0x64, 0x01, 0x00, 0x64]));
    expect([...(await got)]).toEqual([0xfe, 0x01, 0x64, 0x01, 0x00, 0x64]);
    await t.write(Uint8Array.of(0xfe, 0x00, 0x27, 0x00, 0x27));
    expect([...ports[0]!.port!.recording]).toEqual([0xfe, 0x00, 0x27, 0x00, 0x27]);
    await t.close();
    expect(t.isOpen).toBe(false);
  });

  it("emits close when the stick is unplugged", async () => {
    SerialPortMock.binding.createPort("/dev/ttyACM0");
    const { ports, factory } = mocked();
    const t = new SerialTransport("/dev/ttyACM0", factory);
    await t.open();
    const closed = new Promise<Error | undefined>((r) => t.on("close", r));
    ports[0]!.close(undefined, new Error("Disconnected"));
    expect((await closed)?.message).toMatch(/Disconnected/);
  });

  it("explains a port that cannot be opened", async () => {
    const { factory } = mocked();
    const t = new SerialTransport("/dev/ttyUSB9", factory);
    await expect(t.open()).rejects.toMatchObject({
      code: "unreachable",
      message: expect.stringMatching(/cannot open serial port \/dev\/ttyUSB9: .*plugged in.*dialout/),
    });
  });
});
