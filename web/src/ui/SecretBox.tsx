import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A value with a copy button beside it. */
export function Copyable({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} data-testid={testId}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button variant="light" size="xs" onClick={copy} aria-label={`${t('secret.copy')}: ${label}`} miw={96}>
              {copied ? t('secret.copied') : t('secret.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/**
 * A secret the server shows once (a new connector's or webhook's signing key): a warning, the
 * secret to copy, and a button to put it away; `children` add more to copy (the events URL).
 */
export function SecretBox({ secret, onClose, children }: { secret: string; onClose: () => void; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" variant="light" title={t('secret.title')} mb="md" data-testid="secret-box">
      <Stack gap="sm">
        <Text size="sm">{t('secret.warning')}</Text>
        <Copyable label={t('secret.label')} value={secret} testId="secret-value" />
        {children}
        <Group>
          <Button variant="default" size="xs" onClick={onClose}>
            {t('secret.done')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
