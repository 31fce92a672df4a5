import { useTranslation } from 'react-i18next';
import { useFormat } from './format';

export interface GapPoint {
  label: string;
  demand: number | null;
  supply: number;
  gap: number | null;
}

const ROW = 30;
const PAD = { left: 190, right: 70, top: 24, bottom: 28 };
const W = 760;

/**
 * Demand (households POR ALCANZAR) against supply (cupos of the local offer) per territory, as two
 * horizontal bars, with the gap written at the end: plain SVG (no chart library, no CDN). A
 * suppressed demand (disclosure control) is drawn as a hatched empty slot and said in words.
 */
export function GapChart({ title, points }: { title: string; points: GapPoint[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const max = Math.max(1, ...points.map((p) => Math.max(p.demand ?? 0, p.supply)));
  const plotW = W - PAD.left - PAD.right;
  const H = PAD.top + PAD.bottom + ROW * points.length;
  const x = (v: number) => PAD.left + (v / max) * plotW;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((r) => Math.round(r * max));
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('territorial.chartAria', { title, count: points.length })}>
        {ticks.map((v, i) => (
          <g key={i}>
            <line x1={x(v)} x2={x(v)} y1={PAD.top - 6} y2={H - PAD.bottom} className="grid" />
            <text x={x(v)} y={H - PAD.bottom + 16} textAnchor="middle" className="tick">
              {f.number(v)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const y0 = PAD.top + i * ROW;
          return (
            <g key={p.label}>
              <text x={PAD.left - 8} y={y0 + ROW / 2 + 4} textAnchor="end" className="tick">
                {p.label.length > 28 ? `${p.label.slice(0, 27)}…` : p.label}
              </text>
              {p.demand == null ? (
                <rect x={PAD.left} y={y0 + 3} width={plotW * 0.05} height={ROW / 2 - 4} className="bar suppressed" />
              ) : (
                <rect x={PAD.left} y={y0 + 3} width={Math.max(1, x(p.demand) - PAD.left)} height={ROW / 2 - 4} className="bar demand" />
              )}
              <rect x={PAD.left} y={y0 + ROW / 2} width={Math.max(1, x(p.supply) - PAD.left)} height={ROW / 2 - 4} className="bar supply" />
              <text x={W - PAD.right + 6} y={y0 + ROW / 2 + 4} className="tick">
                {p.gap == null ? t('territorial.suppressed') : `${p.gap > 0 ? '−' : '+'}${f.number(Math.abs(p.gap))}`}
              </text>
            </g>
          );
        })}
      </svg>
      <p className="legend">
        <span className="swatch demand" aria-hidden="true" /> {t('territorial.demand')} <span className="swatch supply" aria-hidden="true" />{' '}
        {t('territorial.supply')} · {t('territorial.gapLegend')}
      </p>
    </figure>
  );
}
