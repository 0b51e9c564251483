import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '../i18n';
import { createTheme, darken, defaultVariantColorsResolver, MantineProvider, parseThemeColor, type CSSVariablesResolver, type VariantColorsResolver } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import type { Root } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from '../api/client';
import { keys } from '../api/queries';
import type { Me } from '../api/types';
import { router } from './routes';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: true,
      // Refusals (4xx) are answers, not glitches: only network and server errors are retried.
      retry: (n, e) => n < 2 && !(e instanceof ApiError && e.status >= 400 && e.status < 500),
    },
  },
});

/** Light and outline badges, tabs and links: text dark enough on their pale backgrounds (WCAG AA). */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || (input.variant !== 'light' && input.variant !== 'outline')) return colors;
  const text = darken(input.theme.colors[parsed.color]![9]!, 0.35);
  return { ...colors, color: text, ...(input.variant === 'outline' && { border: `1px solid ${text}` }) };
};

/** Secondary ("dimmed") text: Mantine's gray 6 is under 4.5:1 on white; gray 7 is over. */
const cssVariablesResolver: CSSVariablesResolver = () => ({ variables: {}, light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' }, dark: {} });

const theme = createTheme({
  respectReducedMotion: true,
  // Black or white text on filled colors, whichever reads better (e.g. on the amber SLA badge).
  autoContrast: true,
  primaryColor: 'blue',
  primaryShade: 8,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  variantColorResolver,
});

/** The full app (every screen, Mantine) in `root`; `me` when the page has asked already (null: nobody is signed in). */
export function start(root: Root, me?: Me | null) {
  if (me !== undefined) queryClient.setQueryData(keys.me, me);
  root.render(
    <StrictMode>
      <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
        <Notifications position="top-right" />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
