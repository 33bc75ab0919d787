/**
 * The page the card test loads: the built card and two themes with Home Assistant's default values for
 * the variables the card reads (frontend src/resources/theme: light card #ffffff, dark card #1c1c1c).
 */
export const THEMES = {
  light: { card: [255, 255, 255], text: [33, 33, 33] },
  dark: { card: [28, 28, 28], text: [225, 225, 225] },
} as const;
/** HA's --energy-solar-color. */
export const SUN = [255, 152, 0] as const;

const hex = (c: readonly number[]) => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;

export const CARD_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><style>
body { margin: 0; padding: 12px; font-family: Roboto, sans-serif; background: var(--primary-background-color); }
body { --energy-solar-color: ${hex(SUN)}; --error-color: #db4437; --warning-color: #ffa600; }
body.light { --card-background-color: ${hex(THEMES.light.card)}; --primary-text-color: ${hex(THEMES.light.text)};
  --secondary-text-color: #727272; --divider-color: rgba(0,0,0,.12); --primary-background-color: #fafafa; }
body.dark { --card-background-color: ${hex(THEMES.dark.card)}; --primary-text-color: ${hex(THEMES.dark.text)};
  --secondary-text-color: #9b9b9b; --divider-color: rgba(225,225,225,.12); --primary-background-color: #111111; }
#host { width: 460px; }
</style><script type="module" src="/localecu-map-card.js"></script></head>
<body class="light"><div id="host"></div></body></html>`;

/** "rgb(1, 2, 3)", "rgba(…)" or "color(srgb 0.1 0.2 0.3)" → [r, g, b] in 0…255. */
export function parseColour(text: string): number[] {
  const rgb = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(text);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const srgb = /^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)/.exec(text);
  if (srgb) return [1, 2, 3].map((i) => Number(srgb[i]) * 255);
  throw new Error(`cannot read the colour ${text}`);
}
