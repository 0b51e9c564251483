import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Tabs, TagsInput, Text, Textarea, TextInput, Title, Typography } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import MarkdownIt from 'markdown-it';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import type { KbDraft } from './ArticleFromRequest';
import { ApiError, post, api } from '../api/client';
import { ErrorAlert, Loading, notifyOk } from '../ui/feedback';
import { useMe } from '../api/queries';
import { mayPublish, safeHtml, spaceName, useKbPage, useSpaces, type KbPage } from './kb.api';
import { StatusBadge } from './KbStatus';

const md = new MarkdownIt({ html: false, linkify: true });
/** The preview: Markdown as the server renders it, near enough; [[Title]] links shown as plain links. */
const preview = (text: string) => safeHtml(md.render(text.replace(/\[\[([^\]|]+)(?:\|([^\]]+))?\]\]/g, (_m, title: string, label?: string) => `[${label ?? title}](#)`)));

/**
 * Where a page goes, said and chosen: its space (and so who may read it) and its language; a page
 * already written stays in its space (moving is the space's business), its language may change.
 */
function Placement({ page, spaceId, setSpaceId, locale, setLocale }: { page?: KbPage; spaceId: string | null; setSpaceId: (v: string) => void; locale: string; setLocale: (v: string) => void }) {
  const { t, i18n } = useTranslation();
  const spaces = useSpaces().data?.items ?? [];
  const visibility = page ? page.space.visibility : spaces.find((s) => s.id === spaceId)?.visibility;
  return (
    <Paper withBorder p="sm" data-testid="kb-placement">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {page ? (
          <TextInput label={t('kbPlacement.space')} value={spaceName(page.space, i18n.language)} readOnly />
        ) : (
          <Select
            label={t('kbPlacement.space')}
            required
            allowDeselect={false}
            value={spaceId}
            onChange={(v) => v && setSpaceId(v)}
            data={spaces.map((s) => ({ value: s.id, label: `${spaceName(s, i18n.language)} · ${t(`kb.visibility.${s.visibility}`)}` }))}
          />
        )}
        <Select
          label={t('kbPlacement.language')}
          allowDeselect={false}
          value={locale}
          onChange={(v) => v && setLocale(v)}
          data={[
            { value: 'ru', label: t('lang.ru') },
            { value: 'en', label: t('lang.en') },
          ]}
        />
      </SimpleGrid>
      {visibility && (
        <Text size="sm" mt="xs" data-testid="kb-placement-readers">
          {t(`kbPlacement.readers.${visibility}`)}
        </Text>
      )}
    </Paper>
  );
}

function Editor({ page, spaceId: initialSpace }: { page?: KbPage; spaceId?: string }) {
  const { t, i18n } = useTranslation();
  const spaces = useSpaces().data?.items;
  const [chosenSpace, setSpaceId] = useState<string | null>(initialSpace ?? null);
  // Until the author chooses, the space asked for in the address, or the default one.
  const spaceId = chosenSpace ?? spaces?.find((s) => s.isDefault)?.id ?? spaces?.[0]?.id ?? null;
  const [tags, setTags] = useState<string[]>(page?.tags ?? []);
  const navigate = useNavigate();
  const qc = useQueryClient();
  // A new page may start from a draft, e.g. "make an article from this" when resolving a request.
  const draft = (useLocation().state as { draft?: KbDraft } | null)?.draft;
  const [locale, setLocale] = useState<string>(page?.locale ?? draft?.locale ?? (i18n.language === 'en' ? 'en' : 'ru'));
  const [title, setTitle] = useState(page?.title ?? draft?.title ?? '');
  const [body, setBody] = useState(page?.body ?? draft?.body ?? '');
  const [summary, setSummary] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const html = useMemo(() => preview(body), [body]);
  const me = useMe().data;
  const publisher = !!me && mayPublish(me);
  // A new page: a publisher publishes it at once (or keeps a draft); anyone else saves a draft or sends it for review.
  const [status, setStatus] = useState<'draft' | 'review' | undefined>(undefined);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = page
        ? await api<KbPage>('PUT', `/kb/pages/${page.id}`, { title, body, tags, locale, summary: summary || undefined, baseRevision: page.revision })
        : await post<KbPage>('/kb/pages', { title, body, spaceId: spaceId ?? undefined, tags, locale, summary: summary || undefined, status: publisher ? status : (status ?? 'draft') });
      await qc.invalidateQueries({ queryKey: ['kb'] });
      notifyOk(t('kb.saved'));
      navigate(`/kb/${saved.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const stale = error instanceof ApiError && error.status === 409;
  return (
    <form onSubmit={submit}>
      <Stack maw={900}>
        <Group gap="sm">
          <Title order={1}>{page ? t('kb.editTitle', { title: page.title }) : t('kb.newPage')}</Title>
          {page && <StatusBadge status={page.status} />}
        </Group>
        {stale ? <Alert color="yellow">{t('kb.stale')}</Alert> : <ErrorAlert error={error} />}
        <Placement page={page} spaceId={spaceId} setSpaceId={setSpaceId} locale={locale} setLocale={setLocale} />
        <TextInput label={t('kb.pageTitle')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <Tabs defaultValue="write">
          <Tabs.List>
            <Tabs.Tab value="write">{t('kb.write')}</Tabs.Tab>
            <Tabs.Tab value="preview">{t('kb.preview')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="write" pt="xs">
            <Textarea label={t('kb.body')} description={t('kb.bodyHint')} autosize minRows={12} value={body} onChange={(e) => setBody(e.currentTarget.value)} styles={{ input: { fontFamily: 'monospace' } }} />
          </Tabs.Panel>
          <Tabs.Panel value="preview" pt="xs">
            <Paper withBorder p="md" mih={200}>
              <Typography>
                <div data-testid="kb-preview" dangerouslySetInnerHTML={{ __html: html }} />
              </Typography>
            </Paper>
          </Tabs.Panel>
        </Tabs>
        <TagsInput label={t('kbPlacement.tags')} description={t('kbPlacement.tagsHint')} value={tags} onChange={setTags} maxTags={30} />
        <TextInput label={t('kb.summary')} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} maxLength={500} />
        <Group>
          {page ? (
            <Button type="submit" loading={busy} disabled={!title.trim()}>
              {t('kb.save')}
            </Button>
          ) : (
            <>
              <Button type="submit" loading={busy} disabled={!title.trim()} onClick={() => setStatus(publisher ? undefined : 'review')} data-testid="kb-save-main">
                {publisher ? t('kbReview.publish') : t('kbReview.submit')}
              </Button>
              <Button type="submit" variant="light" loading={busy} disabled={!title.trim()} onClick={() => setStatus('draft')} data-testid="kb-save-draft">
                {t('kbReview.saveDraft')}
              </Button>
            </>
          )}
          <Button component={Link} to={page ? `/kb/${page.id}` : '/kb'} variant="default">
            {t('ticket.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** `/kb/{pageId}/edit` and `/kb/new?space=…`: Markdown with a preview; a stale base revision is refused. */
export default function KbEdit() {
  const { pageId } = useParams();
  const [params] = useSearchParams();
  const page = useKbPage(pageId ?? '');
  if (!pageId) return <Editor spaceId={params.get('space') ?? undefined} />;
  if (page.isPending) return <Loading />;
  if (page.error) return <ErrorAlert error={page.error} />;
  return <Editor page={page.data} key={page.data.revision} />;
}
