/**
 * APsystems microinverters as zigbee-herdsman-converters device definitions. Hosted twice (DESIGN.md §1): by
 * localecu's controller, which feeds them the frames from its APS stick (converters/host.ts), and — read-only —
 * by zigbee2mqtt 2.x as an external converter (`npm run build:converter`, docs/zigbee2mqtt.md).
 */
import type { DefinitionWithExtend } from "zigbee-herdsman-converters/lib/types";
import * as aps from "./lib/aps.ts";

export const definitions: DefinitionWithExtend[] = [
  {
    fingerprint: aps.fingerprint("QS1"),
    model: "QS1",
    vendor: "APsystems",
    description: aps.description("QS1"),
    extend: [aps.telemetry(), aps.acOutput({ model: "QS1" }), aps.panels({ model: "QS1" })],
  },
  {
    fingerprint: aps.fingerprint("QS1A"),
    model: "QS1A",
    vendor: "APsystems",
    description: aps.description("QS1A"),
    extend: [aps.telemetry(), aps.acOutput({ model: "QS1A" }), aps.panels({ model: "QS1A" })],
  },
  {
    fingerprint: aps.fingerprint("YC600"),
    model: "YC600",
    vendor: "APsystems",
    description: aps.description("YC600"),
    extend: [aps.telemetry(), aps.acOutput({ model: "YC600" }), aps.panels({ model: "YC600" })],
  },
  {
    fingerprint: aps.fingerprint("DS3"),
    model: "DS3",
    vendor: "APsystems",
    description: aps.description("DS3"),
    extend: [aps.telemetry(), aps.acOutput({ model: "DS3" }), aps.panels({ model: "DS3" })],
  },
];

export { decodeRaw } from "./lib/decode.ts";

export default definitions;
