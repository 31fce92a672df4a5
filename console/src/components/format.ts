import { useTranslation } from 'react-i18next';

/** Locale-aware formatters for the current language (es-CO / en). */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'es-CO';
  const dt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const d = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const n = new Intl.NumberFormat(locale);
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const dec = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const rel = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return {
    dateTime: (s?: string | null) => (s ? dt.format(new Date(s)) : '—'),
    date: (s?: string | null) => (s ? d.format(new Date(`${s.slice(0, 10)}T00:00:00Z`)) : '—'),
    number: (v?: number | null) => (v == null ? '—' : n.format(v)),
    percent: (v?: number | null) => (v == null ? '—' : pct.format(v)),
    bits: (v?: number | null) => (v == null ? '—' : dec.format(v)),
    /** A probability: tiny ones in scientific notation (1.5e-8 is not "0 %"). */
    probability: (v?: number | null) => (v == null ? '—' : v !== 0 && (v < 0.001 || v > 0.999) && v !== 1 ? v.toExponential(1) : pct.format(v)),
    age: (s: string) => {
      const days = Math.round((Date.parse(s) - Date.now()) / 86_400_000);
      if (Math.abs(days) >= 1) return rel.format(days, 'day');
      return rel.format(Math.round((Date.parse(s) - Date.now()) / 3_600_000), 'hour');
    },
  };
}
