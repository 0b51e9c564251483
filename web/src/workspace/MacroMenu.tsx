import { Button, Kbd, Menu, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifyError } from '../ui/feedback';
import { notifyOutcome } from './outcome';
import { applyBulk, refreshTickets, useMacros } from './workspace.api';

/** How many macros get a shortcut: Alt+1 … Alt+9, in the menu's order (most used first). */
const SHORTCUTS = 9;

/** "Macros ▾": applies a macro to the given requests in one click, or by its shortcut when `shortcuts`. */
export function MacroMenu({ tickets, numberOf, onDone, size = 'sm', shortcuts = false }: { tickets: string[]; numberOf?: (id: string) => string; onDone?: () => void; size?: 'xs' | 'sm'; shortcuts?: boolean }) {
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
  const items = macros.data?.items ?? [];
  useHotkeys(shortcuts ? items.slice(0, SHORTCUTS).map((m, i) => [`alt+${i + 1}`, () => void apply(m.id)]) : []);
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button size={size} variant="light" loading={busy} disabled={!tickets.length} data-testid="macro-menu">
          {t('workspace.macros')} ▾
        </Button>
      </Menu.Target>
      <Menu.Dropdown maw={360}>
        {items.length ? (
          items.map((m, i) => (
            <Menu.Item key={m.id} onClick={() => void apply(m.id)} rightSection={shortcuts && i < SHORTCUTS ? <Kbd size="xs">Alt+{i + 1}</Kbd> : undefined}>
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
