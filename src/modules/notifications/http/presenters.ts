import type { DeadLetter } from '../../../core/mail/outbox.js';
import type { ChannelChoice } from '../catalog.js';
import type { NotificationRow, SatisfactionRow } from '../notifications.repo.js';

export const presentNotification = (n: NotificationRow) => ({
  id: Number(n.id),
  event: n.event,
  title: n.title,
  body: n.body,
  ticketId: n.ticket_id,
  link: n.link,
  createdAt: n.created_at,
  readAt: n.read_at,
});

export const presentChannels = (c: ChannelChoice) => ({ email: c.email, inApp: c.in_app, sms: c.sms });

export const presentSatisfaction = (s: SatisfactionRow) => ({
  ticketId: s.ticket_id,
  rating: s.rating,
  comment: s.comment,
  ratedBy: s.user_id,
  createdAt: s.created_at,
  updatedAt: s.updated_at,
});

export const presentDeadLetter = (d: DeadLetter) => ({ ...d });
