import { Button, Group, Paper, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, notifyOk } from './feedback';

/** Runs a change, reports success or keeps the error, and re-reads the queries whose first key is named. */
export function useSubmit(invalidate: string[]) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(fn: () => Promise<T>, okMessage = t('common.saved')): Promise<{ ok: true; value: T } | { ok: false }> => {
    setBusy(true);
    setError(null);
    try {
      const value = await fn();
      notifyOk(okMessage);
      await qc.invalidateQueries({ predicate: (q) => invalidate.includes(String(q.queryKey[0])) });
      return { ok: true, value };
    } catch (err) {
      setError(err);
      return { ok: false };
    } finally {
      setBusy(false);
    }
  };
  return { run, error, busy };
}

/**
 * A form in a bordered box: a heading, the error of the last attempt in place, the fields, and the
 * submit button. `inline` lays the fields out in a wrapping row (small "add" forms).
 */
export function FormCard({
  title,
  submitLabel,
  onSubmit,
  invalidate,
  okMessage,
  onDone,
  inline = false,
  children,
  actions,
  testId,
}: {
  title?: string;
  submitLabel?: string;
  onSubmit: () => Promise<unknown>;
  invalidate: string[];
  okMessage?: string;
  onDone?: (result: unknown) => void;
  inline?: boolean;
  children: ReactNode;
  /** More buttons beside the submit one. */
  actions?: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { run, error, busy } = useSubmit(invalidate);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(onSubmit, okMessage);
    if (r.ok) onDone?.(r.value);
  };
  const button = (
    <Button type="submit" loading={busy}>
      {submitLabel ?? t('common.save')}
    </Button>
  );
  return (
    <Paper withBorder p="sm" mb="md" data-testid={testId}>
      <form onSubmit={(e) => void submit(e)}>
        {title && (
          <Title order={2} size="h5" mb="xs">
            {title}
          </Title>
        )}
        <ErrorAlert error={error} />
        {inline ? (
          <Group align="end" wrap="wrap" gap="sm" mt={error ? 'xs' : 0}>
            {children}
            {button}
            {actions}
          </Group>
        ) : (
          <>
            {children}
            <Group mt="md" gap="sm">
              {button}
              {actions}
            </Group>
          </>
        )}
      </form>
    </Paper>
  );
}
