/**
 * The local page's HTML: Home Assistant's default theme variables (light, and dark when the system asks
 * for it) so the card looks as it does in Home Assistant, and the script. Relative URLs throughout.
 */
const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export function pageHtml(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — localecu</title>
<style>
:root { --primary-background-color: #fafafa; --card-background-color: #fff; --primary-text-color: #212121;
  --secondary-text-color: #727272; --divider-color: rgba(0,0,0,.12); --error-color: #db4437;
  --warning-color: #ffa600; --success-color: #43a047; --energy-solar-color: #ff9800; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --primary-background-color: #111; --card-background-color: #1c1c1c;
  --primary-text-color: #e1e1e1; --secondary-text-color: #9b9b9b; --divider-color: rgba(225,225,225,.12); } }
body { margin: 0; font-family: Roboto, system-ui, sans-serif; background: var(--primary-background-color);
  color: var(--primary-text-color); }
main { max-width: 980px; margin: 0 auto; padding: 16px; display: grid; gap: 16px; }
header { display: flex; justify-content: space-between; align-items: baseline; }
h1 { font-size: 1.4em; font-weight: 500; margin: 0; }
#link { color: var(--secondary-text-color); font-size: .9em; }
#link.down { color: var(--error-color); }
section { background: var(--card-background-color); border-radius: 12px; padding: 12px 16px; }
h2 { font-size: 1.05em; font-weight: 500; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--divider-color); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.problem { color: var(--error-color); font-weight: 600; }
.muted { color: var(--secondary-text-color); }
dialog { background: var(--card-background-color); color: var(--primary-text-color); border: 1px solid var(--divider-color);
  border-radius: 12px; max-width: 560px; }
dialog pre { white-space: pre-wrap; font-size: .85em; }
</style>
<script type="module" src="./localecu-page.js"></script>
</head><body><main>
<header><h1>${escapeHtml(title)}</h1><span id="link">connecting…</span></header>
<localecu-map-card></localecu-map-card>
<div id="tables"></div>
</main><dialog id="more"><form method="dialog"><div id="more-body"></div><button>Close</button></form></dialog>
</body></html>`;
}
