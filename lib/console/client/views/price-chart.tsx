/**
 * The spot price history of one pool as a uPlot line chart. Loaded only on the spot market view (its own chunk of
 * the bundle). The datapoints are also listed in a table for screen readers.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export type Datapoint = [unixSeconds: number, price: number];

/** `from` and `until` (unix seconds) fix the time axis, so a pool with few recorded prices still shows its period. */
export default function PriceChart({ points, label, from, until }: { points: Datapoint[]; label: string; from: number; until: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 280,
        scales: { x: { time: true, range: [from, until] } },
        series: [{}, { label: 'price ($/h)', stroke: '#0a58ca', width: 2, points: { show: true, size: 5 } }],
        axes: [{}, { label: '$/h', values: (_u, values) => values.map((v) => v.toFixed(3)) }],
      },
      [points.map((p) => p[0]), points.map((p) => p[1])],
      element,
    );
    return () => chart.destroy();
  }, [points, from, until]);
  return (
    <figure>
      <div ref={box} class="chart" role="img" aria-label={`${label}: ${points.length} prices`} data-points={points.length} />
      <figcaption class="visually-hidden">{label}</figcaption>
    </figure>
  );
}
