import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { execute } from '../api/client';
import { PersonsByDocument } from '../api/person';
import { useFormat } from '../components/format';
import { ErrorMessage, Loading, Page } from '../components/Page';
import type { DocumentType } from '../gql/graphql';

const TYPES: DocumentType[] = ['CC', 'TI', 'RC', 'CE', 'PA', 'PE', 'PT', 'NU', 'SC', 'CN', 'AS', 'MS', 'DE', 'CD', 'SI'];

/** Find a person by document (type and number; the API normalizes the number) or by public id. */
export function PersonSearchPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [, navigate] = useLocation();
  const [type, setType] = useState<DocumentType>('CC');
  const [number, setNumber] = useState('');
  const [search, setSearch] = useState<{ type: DocumentType; number: string } | null>(null);
  const [publicId, setPublicId] = useState('');
  const q = useQuery({ queryKey: ['by-document', search], queryFn: () => execute(PersonsByDocument, search!), enabled: !!search });
  return (
    <Page title={t('search.title')}>
      <div className="two-col">
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (number.trim()) setSearch({ type, number: number.trim() });
          }}
        >
          <h2>{t('search.byDocument')}</h2>
          <label htmlFor="doc-type">{t('search.type')}</label>
          <select id="doc-type" value={type} onChange={(e) => setType(e.target.value as DocumentType)}>
            {TYPES.map((d) => (
              <option key={d} value={d}>
                {d} — {t(`documentTypes.${d}`)}
              </option>
            ))}
          </select>
          <label htmlFor="doc-number">{t('search.number')}</label>
          <input id="doc-number" value={number} onChange={(e) => setNumber(e.target.value)} autoComplete="off" required />
          <div>
            <button type="submit" className="primary">
              {t('search.submit')}
            </button>
          </div>
        </form>
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (publicId.trim()) navigate(`/persons/${encodeURIComponent(publicId.trim())}`);
          }}
        >
          <h2>{t('search.byId')}</h2>
          <label htmlFor="public-id">{t('search.publicId')}</label>
          <input id="public-id" value={publicId} onChange={(e) => setPublicId(e.target.value)} autoComplete="off" required />
          <div>
            <button type="submit">{t('search.open')}</button>
          </div>
        </form>
      </div>
      {q.isFetching ? <Loading /> : null}
      {q.error ? <ErrorMessage error={q.error} /> : null}
      {q.data ? (
        q.data.personsByDocument.length === 0 ? (
          <p role="status">{t('search.none')}</p>
        ) : (
          <ul className="results" aria-label={t('search.results')}>
            {q.data.personsByDocument.map((p) => (
              <li key={p.id}>
                <Link href={`/persons/${p.id}`}>{p.fullName ?? p.id}</Link> · {f.date(p.birthDate)} · {p.municipality?.name ?? '—'}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </Page>
  );
}
