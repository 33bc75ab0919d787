/**
 * The bundle's entry (dist/localecu-map-card.js): defines the element and lists it in the card picker
 * (`window.customCards`, HA's convention for custom cards).
 */
import { LocalecuMapCard } from "./map-card.ts";

declare global {
  interface Window {
    customCards?: { type: string; name: string; description: string; preview?: boolean }[];
  }
}

if (!customElements.get("localecu-map-card")) {
  customElements.define("localecu-map-card", LocalecuMapCard);
  window.customCards ??= [];
  window.customCards.push({
    type: "localecu-map-card",
    name: "localecu roof map",
    description: "Every panel in its place on the roof, coloured by its output, with open faults marked",
    preview: true,
  });
}

export { LocalecuMapCard };
