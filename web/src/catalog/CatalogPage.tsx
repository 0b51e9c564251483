import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert, Loading } from '../ui/feedback';
import { inLang, useCatalog } from './catalog.api';

/** `/catalog`: what the client's plan lets them order, beside "report a problem". */
export default function CatalogPage() {
  const { t, i18n } = useTranslation();
  const catalog = useCatalog();
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('catalog.title')}</Title>
        <Button variant="light" component={Link} to="/requests/new">
          {t('catalog.reportProblem')}
        </Button>
      </Group>
      <Text c="dimmed" size="sm">
        {t('catalog.intro')}
      </Text>
      <ErrorAlert error={catalog.error} />
      {catalog.isPending ? (
        <Loading />
      ) : catalog.data?.items.length ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} data-testid="catalog-items">
          {catalog.data.items.map((item) => (
            <Card key={item.id} withBorder padding="md" data-testid="catalog-item">
              <Stack gap="xs" h="100%">
                {/* The badge on a line of its own: "Требует согласования" is too long beside a title on a phone. */}
                {item.type === 'change' && (
                  <Badge variant="light" color="grape">
                    {item.needsApproval ? t('catalog.needsApproval') : t('type.change')}
                  </Badge>
                )}
                <Title order={2} size="h4">
                  {inLang(i18n.language, item.name, item.nameRu)}
                </Title>
                <Text size="sm" c="dimmed" style={{ flexGrow: 1 }}>
                  {inLang(i18n.language, item.description, item.descriptionRu)}
                </Text>
                <Button component={Link} to={`/catalog/${item.id}`} variant="filled">
                  {t('catalog.order')}
                </Button>
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      ) : (
        <Text c="dimmed">{t('catalog.empty')}</Text>
      )}
    </Stack>
  );
}
