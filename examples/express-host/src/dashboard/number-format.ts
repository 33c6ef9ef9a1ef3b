import { html, type SafeHtml } from "./safe-html.js";

const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * A number as the page shows it, in a `<data>` element whose `value` is the exact number the engine
 * answered: people read the rounded text, and a script (or a test) can read the value.
 */
function data(value: number, text: string): SafeHtml {
  return html`<data value="${String(value)}">${text}</data>`;
}

/** A count: `1,234`. */
export function count(value: number): SafeHtml {
  return data(value, COUNT.format(value));
}

/** A rate between 0 and 1 as a percentage with one decimal: `12.5%`. */
export function percent(value: number): SafeHtml {
  return data(value, `${(value * 100).toFixed(1)}%`);
}

/** A difference of rates in percentage points, signed: `+2.3 pp`, `−1.0 pp`. */
export function points(value: number): SafeHtml {
  const shown = (value * 100).toFixed(1);
  const sign = value > 0 && shown !== "0.0" ? "+" : value < 0 && shown !== "-0.0" ? "−" : "";
  return data(value, `${sign}${shown.replace("-", "")} pp`);
}

/** A p-value: three decimals, or `< 0.001`. */
export function pValue(value: number): SafeHtml {
  return data(value, value < 0.001 ? "< 0.001" : value.toFixed(3));
}
