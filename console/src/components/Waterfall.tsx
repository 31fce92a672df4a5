import { useTranslation } from 'react-i18next';
import { useFormat } from './format';

export interface Step {
  field: string;
  level: string;
  weight: number;
}

const W = 560;
const ROW = 26;
const LABEL = 150;
const VALUE = 70;

/**
 * The evidence of a comparison as a waterfall of match weights (bits), as in Splink: the prior,
 * then each field's contribution added in turn, ending at the total match weight, whose
 * probability is 2^w / (1 + 2^w). Agreeing fields push right (green), disagreeing left (red).
 * A table with the same numbers follows the chart for screen readers and exact reading.
 */
export function Waterfall({ steps, matchWeight, probability, caption }: { steps: Step[]; matchWeight: number; probability: number; caption: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const sum = steps.reduce((s, x) => s + x.weight, 0);
  const prior = matchWeight - sum;
  const bars: { label: string; detail: string; from: number; to: number; kind: 'prior' | 'up' | 'down' | 'total' }[] = [];
  bars.push({ label: t('waterfall.prior'), detail: '', from: 0, to: prior, kind: 'prior' });
  let at = prior;
  for (const s of steps) {
    bars.push({ label: t(`fields.${s.field}`, { defaultValue: s.field }), detail: s.level, from: at, to: at + s.weight, kind: s.weight >= 0 ? 'up' : 'down' });
    at += s.weight;
  }
  bars.push({ label: t('waterfall.total'), detail: '', from: 0, to: matchWeight, kind: 'total' });
  const lo = Math.min(0, ...bars.map((b) => Math.min(b.from, b.to)));
  const hi = Math.max(0, ...bars.map((b) => Math.max(b.from, b.to)));
  const span = hi - lo || 1;
  const plot = W - LABEL - VALUE;
  const x = (v: number) => LABEL + ((v - lo) / span) * plot;
  const height = bars.length * ROW + 24;
  return (
    <figure className="chart">
      <figcaption>{caption}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${height}`}
        width="100%"
        role="img"
        aria-label={t('waterfall.aria', { total: f.bits(matchWeight), probability: f.probability(probability) })}
      >
        <line x1={x(0)} x2={x(0)} y1={0} y2={height - 20} className="axis" />
        {bars.map((b, i) => {
          const y = i * ROW + 4;
          const left = x(Math.min(b.from, b.to));
          const width = Math.max(1, Math.abs(x(b.to) - x(b.from)));
          return (
            <g key={i}>
              <text x={LABEL - 8} y={y + 15} textAnchor="end" className="label">
                {b.label}
              </text>
              <rect x={left} y={y} width={width} height={ROW - 8} className={`bar ${b.kind}`} />
              <text x={W - 4} y={y + 15} textAnchor="end" className="value">
                {(b.kind === 'up' ? '+' : '') + f.bits(b.to - b.from)}
              </text>
            </g>
          );
        })}
        <text x={x(0)} y={height - 6} textAnchor="middle" className="tick">
          0
        </text>
      </svg>
      <table className="compact">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('waterfall.field')}</th>
            <th scope="col">{t('waterfall.level')}</th>
            <th scope="col" className="num">
              {t('waterfall.bits')}
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{t('waterfall.prior')}</td>
            <td>—</td>
            <td className="num">{f.bits(prior)}</td>
          </tr>
          {steps.map((s) => (
            <tr key={s.field}>
              <td>{t(`fields.${s.field}`, { defaultValue: s.field })}</td>
              <td>
                <code>{s.level}</code>
              </td>
              <td className="num">{(s.weight >= 0 ? '+' : '') + f.bits(s.weight)}</td>
            </tr>
          ))}
          <tr className="total">
            <td>{t('waterfall.total')}</td>
            <td>{t('waterfall.probability', { p: f.probability(probability) })}</td>
            <td className="num">{f.bits(matchWeight)}</td>
          </tr>
        </tbody>
      </table>
    </figure>
  );
}
