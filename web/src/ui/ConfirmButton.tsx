import { Button } from '@mantine/core';
import type { ReactNode } from 'react';

/** A light button that asks first (`question`, in the browser's confirm dialog), then runs `onConfirm`; red when `danger`. */
export function ConfirmButton({ question, onConfirm, busy, danger = false, children }: { question: string; onConfirm: () => unknown; busy?: boolean; danger?: boolean; children: ReactNode }) {
  return (
    <Button
      variant="light"
      color={danger ? 'red' : undefined}
      loading={busy}
      onClick={() => {
        if (window.confirm(question)) void onConfirm();
      }}
    >
      {children}
    </Button>
  );
}
