import { Alert, Button, FileInput, Group, Select, SimpleGrid, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, post } from '../api/client';
import { useCategories } from '../api/queries';
import type { Level, TicketDetail, TicketType } from '../api/types';
import { ErrorAlert, notifyOk } from '../ui/feedback';
import { KbSuggestions } from './KbSuggestions';

const TYPES: TicketType[] = ['incident', 'service_request', 'change', 'problem'];

export default function NewRequest() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<TicketType>('incident');
  const [impact, setImpact] = useState<Level>('low');
  const [urgency, setUrgency] = useState<Level>('medium');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const categories = useCategories();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [solved, setSolved] = useState(false);
  const [touched, setTouched] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!subject.trim() || !description.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const tk = await post<TicketDetail>('/tickets', { subject, description, type, impact, urgency, categoryId });
      // The files follow as the request's first message (a request is made from text alone).
      if (files.length) {
        const form = new FormData();
        form.set('body', t('newRequest.attachedBody'));
        form.set('internal', 'false');
        for (const f of files) form.append('files', f, f.name);
        await api('POST', `/tickets/${tk.id}/comments`, form);
      }
      void qc.invalidateQueries({ queryKey: ['tickets'] });
      notifyOk(t('portal.created', { number: tk.number }));
      navigate(`/tickets/${tk.number}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (solved)
    return (
      <Stack maw={720}>
        <Alert color="teal" role="status">
          {t('portal.solvedThanks')}
        </Alert>
        <Group>
          <Button component={Link} to="/requests" variant="light">
            {t('portal.myRequests')}
          </Button>
        </Group>
      </Stack>
    );

  const levels = (labels: Record<Level, string>) => (['high', 'medium', 'low'] as Level[]).map((l) => ({ value: l, label: labels[l] }));
  return (
    <Stack maw={720}>
      <Title order={1}>{t('portal.newRequest')}</Title>
      <form onSubmit={submit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput
            label={t('portal.subject')}
            required
            maxLength={300}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={touched && !subject.trim() ? t('errors.required') : undefined}
            autoFocus
          />
          <KbSuggestions text={`${subject} ${description}`} onSolved={() => setSolved(true)} />
          <Textarea
            label={t('portal.description')}
            description={t('portal.descriptionHint')}
            required
            autosize
            minRows={5}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={touched && !description.trim() ? t('errors.required') : undefined}
          />
          <FileInput label={t('newRequest.files')} description={t('newRequest.filesHint')} multiple clearable value={files} onChange={setFiles} />
          <Select
            label={t('newRequest.category')}
            placeholder={t('newRequest.categoryNone')}
            clearable
            value={categoryId}
            onChange={setCategoryId}
            data={(categories.data?.items ?? []).map((c) => ({ value: c.id, label: i18n.language === 'ru' ? c.nameRu || c.name : c.name }))}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select label={t('portal.type')} value={type} allowDeselect={false} onChange={(v) => v && setType(v as TicketType)} data={TYPES.map((x) => ({ value: x, label: t(`type.${x}`) }))} />
            <Select
              label={t('portal.impact')}
              value={impact}
              allowDeselect={false}
              onChange={(v) => v && setImpact(v as Level)}
              data={levels({ high: t('portal.impactHigh'), medium: t('portal.impactMedium'), low: t('portal.impactLow') })}
            />
            <Select
              label={t('portal.urgency')}
              value={urgency}
              allowDeselect={false}
              onChange={(v) => v && setUrgency(v as Level)}
              data={levels({ high: t('level.high'), medium: t('level.medium'), low: t('level.low') })}
            />
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={busy}>
              {t('portal.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
