import { useTranslation } from 'react-i18next';
import { useFormat } from './format';

export interface PrecisionPoint {
  runId: string;
  precision: number | null;
  lowerBound: number | null;
  confirmed: number;
  rejected: number;
  pending: number;
}

const W = 640;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 36 };

/**
 * Measured precision of automatic links per reconciliation run: a bar per run (confirmed /
 * (confirmed + rejected)) with the lower bound of its 95 % Wilson interval as a tick, so a small
 * sample is seen for what it says. Runs without a verdict yet show an empty slot.
 */
export function PrecisionChart({ points }: { points: PrecisionPoint[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(points.length, 1);
  const y = (v: number) => PAD.top + (1 - v) * plotH;
  return (
    <figure className="chart">
      <figcaption>{t('precision.chartCaption')}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('precision.chartAria', { runs: points.length })}>
        {[0, 0.25, 0.5, 0.75, 1].map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="tick">
              {f.percent(v)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const cx = PAD.left + slot * i + slot / 2;
          const bw = Math.min(36, slot * 0.6);
          return (
            <g key={p.runId}>
              {p.precision == null ? (
                <text x={cx} y={y(0) - 6} textAnchor="middle" className="tick">
                  {t('precision.noVerdicts')}
                </text>
              ) : (
                <rect x={cx - bw / 2} y={y(p.precision)} width={bw} height={y(0) - y(p.precision)} className="bar up" />
              )}
              {p.lowerBound != null ? <line x1={cx - bw / 2 - 4} x2={cx + bw / 2 + 4} y1={y(p.lowerBound)} y2={y(p.lowerBound)} className="bound" /> : null}
              <text x={cx} y={H - PAD.bottom + 16} textAnchor="middle" className="tick">
                #{p.runId}
              </text>
            </g>
          );
        })}
      </svg>
      <p className="legend">
        <span className="swatch up" aria-hidden="true" /> {t('precision.legendBar')} <span className="swatch bound" aria-hidden="true" />{' '}
        {t('precision.legendBound')}
      </p>
    </figure>
  );
}
