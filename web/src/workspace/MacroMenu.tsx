import { Button, Menu, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifyError } from '../ui/feedback';
import { notifyOutcome } from './outcome';
import { applyBulk, refreshTickets, useMacros } from './workspace.api';

/** "Macros ▾": applies a macro to the given requests in one click. */
export function MacroMenu({ tickets, numberOf, onDone, size = 'sm' }: { tickets: string[]; numberOf?: (id: string) => string; onDone?: () => void; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const macros = useMacros();
  const [busy, setBusy] = useState(false);
  const apply = async (macroId: string) => {
    setBusy(true);
    try {
      notifyOutcome(t, await applyBulk(tickets, { macroId }), numberOf);
      onDone?.();
    } catch (e) {
      notifyError(t, e);
    } finally {
      setBusy(false);
      await refreshTickets(qc);
    }
  };
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button size={size} variant="light" loading={busy} disabled={!tickets.length} data-testid="macro-menu">
          {t('workspace.macros')} ▾
        </Button>
      </Menu.Target>
      <Menu.Dropdown maw={360}>
        {macros.data?.items.length ? (
          macros.data.items.map((m) => (
            <Menu.Item key={m.id} onClick={() => void apply(m.id)}>
              {m.name}
            </Menu.Item>
          ))
        ) : (
          <Text size="sm" c="dimmed" p="xs">{t('workspace.noMacros')}</Text>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
