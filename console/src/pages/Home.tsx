import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { execute } from '../api/client';
import { can, type Role } from '../api/roles';
import { countLabel } from '../components/CountBadge';
import { Page } from '../components/Page';
import { graphql } from '../gql';

const HomeQueue = graphql(`
  query HomeQueue {
    reviewItems(first: 100) {
      nodes {
        id
      }
      hasNextPage
    }
  }
`);
const HomeRuns = graphql(`
  query HomeRuns {
    importRuns(first: 5) {
      nodes {
        id
        state
      }
    }
  }
`);

export function Home({ role }: { role: Role }) {
  const { t } = useTranslation();
  const queue = useQuery({ queryKey: ['home-queue'], queryFn: () => execute(HomeQueue), enabled: can.review(role) });
  const runs = useQuery({ queryKey: ['home-runs'], queryFn: () => execute(HomeRuns), enabled: can.runs(role) });
  const active = runs.data?.importRuns.nodes.filter((r) => !['DONE', 'FAILED'].includes(r.state)).length ?? 0;
  return (
    <Page title={t('home.title')}>
      <p>{t(`home.intro.${role}`)}</p>
      <ul className="cards">
        {can.review(role) ? (
          <li>
            <Link href="/queue">{t('nav.queue')}</Link>
            <p>
              {queue.data
                ? t('home.queueCount', {
                    count: queue.data.reviewItems.nodes.length,
                    label: countLabel(queue.data.reviewItems.nodes.length, queue.data.reviewItems.hasNextPage),
                  })
                : t('home.queueHelp')}
            </p>
          </li>
        ) : null}
        {can.persons(role) ? (
          <li>
            <Link href="/persons">{t('nav.persons')}</Link>
            <p>{t('home.personsHelp')}</p>
          </li>
        ) : null}
        {can.review(role) ? (
          <li>
            <Link href="/precision">{t('nav.precision')}</Link>
            <p>{t('home.precisionHelp')}</p>
          </li>
        ) : null}
        {can.runs(role) ? (
          <li>
            <Link href="/imports">{t('nav.imports')}</Link>
            <p>{runs.data ? t('home.runsActive', { count: active }) : t('home.importsHelp')}</p>
          </li>
        ) : null}
        {can.runs(role) ? (
          <li>
            <Link href="/reconciliation">{t('nav.reconciliation')}</Link>
            <p>{t('home.reconciliationHelp')}</p>
          </li>
        ) : null}
      </ul>
    </Page>
  );
}
