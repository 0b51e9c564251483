import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** "More" under a list read page by page (a TanStack infinite query); nothing when there is no next page. */
export function MoreButton({ query }: { query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> } }) {
  const { t } = useTranslation();
  if (!query.hasNextPage) return null;
  return (
    <Button mt="sm" variant="default" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
      {t('queues.more')}
    </Button>
  );
}
