/** A Stick wired to a FakeStick, started, for the driver's unit tests (vitest fake timers drive time). */
import { Stick, type StickOptions } from "../../src/radio/stick.ts";
import { FakeStick, type FakeStickOptions } from "./fake-stick.ts";

export const ECU_ID = "D8A3011B9780";
export const YC600 = "408000158215";
export const QS1 = "801000085070";
export const DS3 = "703000021300";

export async function startedStick(
  o: { fake?: FakeStickOptions; stick?: Partial<StickOptions>; inverters?: [string, number][] } = {},
) {
  const fake = new FakeStick(o.fake);
  for (const [serial, short] of o.inverters ?? []) fake.addInverter(serial, short);
  const transport = fake.asTransport();
  const stick = new Stick({
    port: transport,
    ecuId: ECU_ID,
    polling: false,
    coordinator: { healthIntervalMs: 0 },
    random: () => 0.5,
    ...o.stick,
  });
  await stick.start();
  return { fake, transport, stick };
}
