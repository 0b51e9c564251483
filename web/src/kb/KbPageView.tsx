import { Alert, Anchor, Badge, Breadcrumbs, Button, Group, Paper, Stack, Text, Title, Typography } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useMe } from '../api/queries';
import { isStaffRole } from '../api/types';
import { NotFound } from '../app/guards';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { safeHtml, spaceName, useBacklinks, useKbPage } from './kb.api';
import { StatusActions, StatusBadge } from './KbStatus';

/** `/kb/{pageId}`: an article, its place, its links here, and (for staff) edit and history. */
export default function KbPageView() {
  const { t, i18n } = useTranslation();
  const { pageId = '' } = useParams();
  const me = useMe().data!;
  const page = useKbPage(pageId);
  const backlinks = useBacklinks(pageId);
  if (page.isPending) return <Loading />;
  if (page.error) return (page.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={page.error} />;
  const p = page.data;
  const staff = isStaffRole(me.role);
  return (
    <Stack maw={900}>
      <Breadcrumbs separator="›">
        <Anchor component={Link} to={`/kb?space=${p.space.id}`} size="sm">
          {spaceName(p.space, i18n.language)}
        </Anchor>
        {p.breadcrumbs.map((b) => (
          <Anchor key={b.id} component={Link} to={`/kb/${b.id}`} size="sm">
            {b.title}
          </Anchor>
        ))}
      </Breadcrumbs>
      <Group justify="space-between" align="start">
        <div>
          <Group gap="sm">
            <Title order={1}>{p.title}</Title>
            {staff && <StatusBadge status={p.status} />}
          </Group>
          <Text size="sm" c="dimmed">
            {t('kb.revision', { number: p.revision })} · {dateTime(p.updatedAt, i18n.language)}
            {p.updatedBy ? ` · ${p.updatedBy.name}` : ''}
          </Text>
          <Group gap={4} mt={4}>
            {p.tags.map((tag) => (
              <Badge key={tag} size="sm" variant="outline">
                {tag}
              </Badge>
            ))}
          </Group>
        </div>
        {staff && (
          <Group>
            <StatusActions page={p} me={me} />
            <Button component={Link} to={`/kb/${p.id}/edit`}>
              {t('kb.edit')}
            </Button>
            <Button component={Link} to={`/kb/${p.id}/history`} variant="default">
              {t('kb.history')}
            </Button>
          </Group>
        )}
      </Group>
      {staff && p.status !== 'published' && (
        <Alert color="yellow" data-testid="kb-unpublished">
          {t('kbReview.hidden')}
        </Alert>
      )}
      <Paper withBorder p="md">
        <Typography>
          <div data-testid="kb-body" dangerouslySetInnerHTML={{ __html: safeHtml(p.html) }} />
        </Typography>
      </Paper>
      {p.attachments.length > 0 && (
        <Group gap="xs">
          {p.attachments.map((a) => (
            <Anchor key={a.id} href={a.url} size="sm">
              {a.filename}
            </Anchor>
          ))}
        </Group>
      )}
      {p.translations.map((tr) => (
        <Anchor key={tr.id} component={Link} to={`/kb/${tr.id}`} size="sm">
          {tr.locale === 'ru' ? 'Русская версия' : 'English version'}: {tr.title}
        </Anchor>
      ))}
      {!!backlinks.data?.items.length && (
        <Paper withBorder p="sm">
          <Text fw={600} size="sm">
            {t('kb.backlinks')}
          </Text>
          {backlinks.data.items.map((b) => (
            <Anchor key={b.id} component={Link} to={`/kb/${b.id}`} size="sm" display="block">
              {b.title}
            </Anchor>
          ))}
        </Paper>
      )}
    </Stack>
  );
}
