/**
 * The local page in the browser: the roof-map card and the tables on a `hass` that the controller
 * streams as server-sent events (`hass` in full, then `states` with what changed). A click on a tile
 * opens a small dialog with the entity's state and attributes, where Home Assistant would open more-info.
 */
import { render } from "lit";
import "../card/index.ts";
import type { MirrorHass } from "../mirror.ts";
import { tables } from "./tables.ts";

let hass: MirrorHass | undefined;
const card = document.querySelector("localecu-map-card") as
  | (HTMLElement & { setConfig(c: unknown): void; hass?: unknown })
  | null;
card?.setConfig({ type: "custom:localecu-map-card" });
const link = document.getElementById("link")!;

function show(): void {
  if (!hass) return;
  // A new object each time: the card re-renders when its `hass` property changes identity, as in HA.
  if (card) card.hass = { ...hass };
  render(tables(hass), document.getElementById("tables")!);
}

const events = new EventSource("events");
events.addEventListener("hass", (e) => {
  hass = JSON.parse((e as MessageEvent<string>).data) as MirrorHass;
  show();
});
events.addEventListener("states", (e) => {
  if (!hass) return;
  hass = {
    ...hass,
    states: { ...hass.states, ...(JSON.parse((e as MessageEvent<string>).data) as MirrorHass["states"]) },
  };
  show();
});
events.addEventListener("open", () => {
  link.textContent = "live";
  link.className = "";
});
events.addEventListener("error", () => {
  link.textContent = "connection lost — retrying";
  link.className = "down";
});

document.addEventListener("hass-more-info", (e) => {
  const id = (e as CustomEvent<{ entityId: string }>).detail.entityId;
  const s = hass?.states[id];
  const dialog = document.getElementById("more") as HTMLDialogElement;
  const body = document.getElementById("more-body")!;
  body.replaceChildren();
  const h = document.createElement("h2");
  h.textContent = `${String(s?.attributes.friendly_name ?? id)}: ${s?.state ?? "unknown"} ${String(s?.attributes.unit_of_measurement ?? "")}`;
  const pre = document.createElement("pre");
  pre.textContent = `${id}\n${JSON.stringify(s?.attributes ?? {}, null, 2)}`;
  body.append(h, pre);
  dialog.showModal();
});
