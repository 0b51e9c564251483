import type { Priority, Status } from '../api/types';

/** The colour of each status and priority badge (Mantine's palette names; the light portal's CSS has the same). */
export const STATUS_COLOR: Record<Status, string> = {
  new: 'blue',
  open: 'indigo',
  pending_customer: 'yellow',
  pending_vendor: 'grape',
  resolved: 'teal',
  closed: 'gray',
};
export const PRIORITY_COLOR: Record<Priority, string> = { P1: 'red', P2: 'orange', P3: 'blue', P4: 'gray' };
