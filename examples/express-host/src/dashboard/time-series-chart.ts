import type { CampaignTimeSeries, DailyActivity } from "@cadenza/core";
import { count } from "./number-format.js";
import { html, type SafeHtml } from "./safe-html.js";

/** The daily counters the chart draws, in drawing order, with their legend labels. */
export const CHART_SERIES = [
  ["sent", "Sent"],
  ["opens", "Opens"],
  ["clicks", "Clicks"],
  ["replies", "Replies"],
] as const satisfies readonly (readonly [keyof DailyActivity, string])[];

type SeriesName = (typeof CHART_SERIES)[number][0];

const WIDTH = 960;
const HEIGHT = 340;
const PLOT = { left: 56, right: 24, top: 44, bottom: 56 };
const PLOT_WIDTH = WIDTH - PLOT.left - PLOT.right;
const PLOT_HEIGHT = HEIGHT - PLOT.top - PLOT.bottom;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The y axis: a step of 1, 2 or 5 times a power of ten giving at most five intervals, and the top
 * tick at or above `max` (at least 1, so an empty chart still has an axis).
 */
export function yAxisTicks(max: number): number[] {
  const top = Math.max(1, max);
  const rough = top / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power);
  const ticks: number[] = [];
  for (let tick = 0; tick < top + step; tick += step) {
    ticks.push(tick);
    if (tick >= top) break;
  }
  return ticks;
}

/** `2026-01-05` → `5 Jan`. */
function shortDay(day: string): string {
  const [, month, date] = day.split("-");
  return `${Number(date)} ${MONTHS[Number(month) - 1]}`;
}

const fixed = (n: number) => n.toFixed(1);

/** A data point's identity, read by tooltips, screen readers and tests. */
interface PointLabel {
  day: string;
  value: number;
  title: string;
}

/** A marker of its own shape per series, so the lines are told apart without colour too. */
function marker(series: SeriesName, x: number, y: number, point?: PointLabel): SafeHtml {
  const data = point ? html` data-day="${point.day}" data-value="${point.value}"` : "";
  const title = point ? html`<title>${point.title}</title>` : "";
  const [cx, cy] = [fixed(x), fixed(y)];
  switch (series) {
    case "sent":
      return html`<circle cx="${cx}" cy="${cy}" r="3.5"${data}>${title}</circle>`;
    case "opens":
      return html`<rect x="${fixed(x - 3.5)}" y="${fixed(y - 3.5)}" width="7" height="7"${data}>${title}</rect>`;
    case "clicks":
      return html`<path d="M${cx} ${fixed(y - 4.5)}L${fixed(x + 4.5)} ${fixed(y + 3.5)}L${fixed(x - 4.5)} ${fixed(y + 3.5)}Z"${data}>${title}</path>`;
    case "replies":
      return html`<path d="M${cx} ${fixed(y - 5)}L${fixed(x + 5)} ${cy}L${cx} ${fixed(y + 5)}L${fixed(x - 5)} ${cy}Z"${data}>${title}</path>`;
  }
}

/**
 * An inline SVG line chart of sent, opens, clicks and replies per campaign day: one marker per day
 * and series (`data-series`, `data-day`, `data-value`, and a `<title>` a pointer or a screen reader
 * can read), axes with ticks and day labels, and a legend. Days are the series' own, so a range of
 * n days has n markers per series.
 */
export function timeSeriesChart(series: CampaignTimeSeries): SafeHtml {
  const { days } = series;
  const ticks = yAxisTicks(Math.max(0, ...days.flatMap((d) => CHART_SERIES.map(([name]) => d[name]))));
  const top = ticks[ticks.length - 1]!;
  const band = PLOT_WIDTH / Math.max(1, days.length);
  const x = (i: number) => PLOT.left + (i + 0.5) * band;
  const y = (value: number) => PLOT.top + PLOT_HEIGHT - (value / top) * PLOT_HEIGHT;
  const labelEvery = Math.ceil(days.length / 14);
  const range =
    days.length === 0
      ? ""
      : `${shortDay(days[0]!.day)} – ${shortDay(days[days.length - 1]!.day)} ${days[0]!.day.slice(0, 4)}`;
  const caption = `Daily sent, opens, clicks and replies, ${range} (${series.timezone})`;

  const grid = ticks.map(
    (
      tick,
    ) => html`<line class="grid" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${fixed(y(tick))}" y2="${fixed(y(tick))}"></line>
<text x="${PLOT.left - 8}" y="${fixed(y(tick) + 4)}" text-anchor="end">${tick.toLocaleString("en-US")}</text>`,
  );
  const dayLabels = days.map((d, i) =>
    i % labelEvery === 0
      ? html`<line class="axis" x1="${fixed(x(i))}" x2="${fixed(x(i))}" y1="${PLOT.top + PLOT_HEIGHT}" y2="${PLOT.top + PLOT_HEIGHT + 5}"></line>
<text x="${fixed(x(i))}" y="${PLOT.top + PLOT_HEIGHT + 20}" text-anchor="middle">${shortDay(d.day)}</text>`
      : "",
  );
  const lines = CHART_SERIES.map(([name, label]) => {
    const points = days.map((d, i) => `${fixed(x(i))},${fixed(y(d[name]))}`).join(" ");
    const markers = days.map((d, i) =>
      marker(name, x(i), y(d[name]), {
        day: d.day,
        value: d[name],
        title: `${d.day}: ${d[name].toLocaleString("en-US")} ${label.toLowerCase()}`,
      }),
    );
    return html`<g class="series series-${name}" data-series="${name}">
${days.length > 1 ? html`<polyline class="line series-${name}" points="${points}"></polyline>` : ""}
${markers}</g>`;
  });
  const legend = CHART_SERIES.map(([name, label], i) => {
    const lx = PLOT.left + i * 130;
    const total = days.reduce((n, d) => n + d[name], 0);
    return html`<g class="series-${name}">${marker(name, lx + 6, 18)}
<text x="${lx + 16}" y="22">${label} (${total.toLocaleString("en-US")})</text></g>`;
  });

  return html`<figure class="panel" id="time-series">
<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="time-series-title time-series-desc" data-days="${days.length}">
<title id="time-series-title">${caption}</title>
<desc id="time-series-desc">A line per measure with one marker per day; the table below the chart lists the same numbers.</desc>
${grid}
<line class="axis" x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.top + PLOT_HEIGHT}"></line>
<line class="axis" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${PLOT.top + PLOT_HEIGHT}" y2="${PLOT.top + PLOT_HEIGHT}"></line>
${dayLabels}
<text x="${PLOT.left + PLOT_WIDTH / 2}" y="${HEIGHT - 8}" text-anchor="middle">Campaign day (${series.timezone})</text>
<text transform="translate(14 ${PLOT.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">Emails</text>
<g class="legend">${legend}</g>
${lines}</svg>
<figcaption><details><summary>The numbers, day by day</summary>${dailyTable(days)}</details></figcaption></figure>`;
}

/** The chart's numbers as a table, for reading exact values and for screen readers. */
function dailyTable(days: DailyActivity[]): SafeHtml {
  return html`<table id="time-series-table"><thead><tr><th scope="col">Day</th>
${CHART_SERIES.map(([, label]) => html`<th scope="col" class="num">${label}</th>`)}</tr></thead>
<tbody>${days.map(
    (d) => html`<tr data-day="${d.day}"><th scope="row">${d.day}</th>
${CHART_SERIES.map(([name]) => html`<td class="num" data-metric="${name}">${count(d[name])}</td>`)}</tr>`,
  )}</tbody></table>`;
}
