/**
 * The card's look, all from Home Assistant's theme variables (a theme or dark mode changes every colour):
 * tile fill = the solar colour mixed into the card background by the panel's output per Wp.
 */
import { css } from "lit";

export const cardStyles = css`
  :host {
    display: block;
    --lc-sun: var(--localecu-sun-color, var(--energy-solar-color, #ff9800));
    --lc-bg: var(--ha-card-background, var(--card-background-color, #fff));
    --lc-text: var(--primary-text-color, #212121);
    --lc-muted: var(--secondary-text-color, #727272);
    --lc-line: var(--divider-color, rgba(0, 0, 0, 0.12));
    --lc-error: var(--error-color, #db4437);
    --lc-warn: var(--warning-color, #ffa600);
    --lc-tile: 52px;
  }
  ha-card {
    display: block;
    background: var(--lc-bg);
    color: var(--lc-text);
    padding: 12px 16px 16px;
    border-radius: var(--ha-card-border-radius, 12px);
  }
  h1 {
    font-size: 1.2em;
    font-weight: 500;
    margin: 0 0 8px;
  }
  .array {
    margin-top: 8px;
  }
  .caption {
    color: var(--lc-muted);
    font-size: 0.9em;
    margin-bottom: 4px;
  }
  .grid {
    display: grid;
    gap: 6px;
    overflow-x: auto;
  }
  .free {
    position: relative;
    overflow-x: auto;
  }
  .free .inverter {
    position: absolute;
  }
  .slot {
    border: 1px dashed var(--lc-line);
    border-radius: 6px;
    min-height: var(--lc-tile);
  }
  .inverter {
    border: 2px solid var(--lc-line);
    border-radius: 6px;
    padding: 3px;
  }
  .inverter.fault {
    border-color: var(--lc-error);
  }
  .name {
    font-size: 0.75em;
    color: var(--lc-muted);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .fault .name {
    color: var(--lc-error);
    font-weight: 600;
  }
  .panels {
    display: grid;
    gap: 3px;
  }
  .tile {
    position: relative;
    min-width: var(--lc-tile);
    height: var(--lc-tile);
    border: 1px solid var(--lc-line);
    border-radius: 3px;
    padding: 2px;
    font: inherit;
    font-size: 0.8em;
    color: var(--lc-text);
    cursor: pointer;
    background: color-mix(in srgb, var(--lc-sun) var(--level, 0%), var(--lc-bg));
  }
  .tile.lagging {
    border: 2px dashed var(--lc-warn);
  }
  .tile.unknown {
    background: repeating-linear-gradient(45deg, var(--lc-bg) 0 4px, var(--lc-line) 4px 6px);
  }
  .watts {
    display: block;
    font-weight: 600;
  }
  .mark {
    position: absolute;
    top: -6px;
    right: -6px;
    width: 16px;
    height: 16px;
    border-radius: 50%;
    background: var(--lc-error);
    color: var(--text-primary-color, #fff);
    font-size: 12px;
    line-height: 16px;
    font-weight: 700;
  }
  .error {
    color: var(--lc-error);
  }
`;
