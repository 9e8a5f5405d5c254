/** Small inline-SVG charts for the HTML report: no scripts, no fonts, nothing fetched. */

export interface Series {
  name: string;
  colour: string;
  points: { x: number; y: number }[];
}

const W = 640;
const H = 260;
const PAD = { left: 56, right: 16, top: 16, bottom: 40 };

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function frame(title: string, body: string, xLabel: string, yLabel: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(title)}">
<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>
${body}
<text x="${PAD.left + (W - PAD.left - PAD.right) / 2}" y="${H - 6}" text-anchor="middle" font-size="12">${escapeXml(xLabel)}</text>
<text x="14" y="${PAD.top + (H - PAD.top - PAD.bottom) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${PAD.top + (H - PAD.top - PAD.bottom) / 2})">${escapeXml(yLabel)}</text>
</svg>`;
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function yAxis(max: number): string {
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const y = PAD.top + (H - PAD.top - PAD.bottom) * (1 - i / 4);
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${+value.toPrecision(3)}</text>`,
    );
  }
  return parts.join('\n');
}

/**
 * Lines over an x axis. `xTicks` label chosen x positions (the percentile chart's axis is not
 * linear in the percentile, so it passes its own).
 */
export function lineChart(options: {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  xTicks?: { x: number; label: string }[];
}): string {
  const all = options.series.flatMap((s) => s.points);
  if (all.length === 0) return `<p>${escapeXml(options.title)}: no data.</p>`;
  const minX = Math.min(...all.map((p) => p.x));
  const maxX = Math.max(...all.map((p) => p.x), minX + 1);
  const maxY = niceMax(Math.max(...all.map((p) => p.y)));
  const sx = (x: number) => PAD.left + ((x - minX) / (maxX - minX)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => PAD.top + (1 - y / maxY) * (H - PAD.top - PAD.bottom);
  const ticks = options.xTicks ?? evenTicks(minX, maxX);
  const body = [
    yAxis(maxY),
    ...ticks.map(
      (t) =>
        `<text x="${sx(t.x)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(t.label)}</text>`,
    ),
    ...options.series.map(
      (s) =>
        `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`,
    ),
    legend(options.series),
  ];
  return frame(options.title, body.join('\n'), options.xLabel, options.yLabel);
}

/** Stacked bars per x (seconds): e.g. completed and failed requests. */
export function barChart(options: { title: string; series: Series[]; xLabel: string; yLabel: string }): string {
  const xs = [...new Set(options.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  if (xs.length === 0) return `<p>${escapeXml(options.title)}: no data.</p>`;
  const totals = xs.map((x) => options.series.reduce((sum, s) => sum + (s.points.find((p) => p.x === x)?.y ?? 0), 0));
  const maxY = niceMax(Math.max(...totals));
  const slot = (W - PAD.left - PAD.right) / xs.length;
  const plotH = H - PAD.top - PAD.bottom;
  const bars: string[] = [];
  xs.forEach((x, i) => {
    let base = 0;
    for (const s of options.series) {
      const y = s.points.find((p) => p.x === x)?.y ?? 0;
      const h = (y / maxY) * plotH;
      const top = PAD.top + plotH - ((base + y) / maxY) * plotH;
      if (h > 0) {
        bars.push(
          `<rect x="${(PAD.left + i * slot + 1).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.colour}"><title>${escapeXml(`${s.name} at ${x} s: ${y}`)}</title></rect>`,
        );
      }
      base += y;
    }
  });
  const ticks = evenTicks(xs[0]!, xs[xs.length - 1]!).map((t) => {
    const i = xs.indexOf(t.x);
    const at = PAD.left + (i < 0 ? 0 : i) * slot + slot / 2;
    return `<text x="${at.toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${t.label}</text>`;
  });
  return frame(
    options.title,
    [yAxis(maxY), ...bars, ...ticks, legend(options.series)].join('\n'),
    options.xLabel,
    options.yLabel,
  );
}

function evenTicks(min: number, max: number): { x: number; label: string }[] {
  const step = Math.max(1, Math.ceil((max - min) / 8));
  const ticks: { x: number; label: string }[] = [];
  for (let x = Math.ceil(min); x <= max; x += step) ticks.push({ x, label: String(x) });
  return ticks;
}

function legend(series: Series[]): string {
  return series
    .map(
      (s, i) =>
        `<rect x="${PAD.left + 8 + i * 120}" y="${PAD.top + 2}" width="10" height="10" fill="${s.colour}"/><text x="${PAD.left + 22 + i * 120}" y="${PAD.top + 11}" font-size="11">${escapeXml(s.name)}</text>`,
    )
    .join('\n');
}
