import { Badge, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { useCannedPicker } from './useCannedPicker';

/** The list under the composer while `::…` is typed: the matching canned replies. */
export function CannedPicker({ picker }: { picker: ReturnType<typeof useCannedPicker> }) {
  const { t, i18n } = useTranslation();
  if (!picker.open) return null;
  return (
    <Paper withBorder shadow="sm" p={4} data-testid="canned-picker" role="listbox" aria-label={t('workspace.pickerLabel')}>
      {picker.loading ? (
        <Text size="sm" c="dimmed" p="xs">{t('app.loading')}</Text>
      ) : picker.items.length === 0 ? (
        <Text size="sm" c="dimmed" p="xs">{t('workspace.pickerEmpty')}</Text>
      ) : (
        <Stack gap={2}>
          {picker.items.map((r, i) => (
            <UnstyledButton
              key={r.id}
              role="option"
              aria-selected={i === picker.active}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => picker.choose(r)}
              p="xs"
              style={{ borderRadius: 4, background: i === picker.active ? 'var(--mantine-color-blue-light)' : undefined }}
            >
              <Group gap="xs" wrap="nowrap" justify="space-between">
                <Text size="sm" fw={600} truncate>{r.name}</Text>
                {r.shared && <Badge size="xs" variant="light" style={{ flexShrink: 0 }}>{t('workspace.shared')}</Badge>}
              </Group>
              <Text size="xs" c="dimmed" lineClamp={1}>{(i18n.language === 'ru' ? r.bodyRu || r.bodyEn : r.bodyEn || r.bodyRu)}</Text>
            </UnstyledButton>
          ))}
        </Stack>
      )}
      <Text size="xs" c="dimmed" px="xs" pt={2}>{t('workspace.pickerHint')}</Text>
    </Paper>
  );
}
