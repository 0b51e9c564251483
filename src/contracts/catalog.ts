import { z } from 'zod';
import { IsoInstant, Text, Uuid } from './common.js';

export const FieldKind = z.enum(['text', 'choice', 'date', 'person', 'file']);

export const FormField = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _ (starting with a letter)'),
  kind: FieldKind,
  label: Text(200),
  labelRu: Text(200),
  required: z.boolean(),
  options: z.array(z.object({ value: Text(100), label: Text(200), labelRu: Text(200) })).max(50).optional(),
});

export const CatalogItemInput = z.object({
  name: Text(200),
  nameRu: Text(200),
  description: z.string().trim().max(4000).default(''),
  descriptionRu: z.string().trim().max(4000).default(''),
  type: z.enum(['service_request', 'change']),
  categoryId: Uuid.nullable().default(null),
  line: z.enum(['L1', 'L2', 'L3']).default('L1'),
  needsApproval: z.boolean().default(false),
  firstResponseMinutes: z.number().int().positive().max(525_600).nullable().default(null).describe('business minutes; null: the plan’s target'),
  resolutionMinutes: z.number().int().positive().max(525_600).nullable().default(null).describe('business minutes; null: the plan’s target'),
  fields: z.array(FormField).max(40).default([]),
  planIds: z.array(Uuid).max(50).default([]).describe('the plans whose clients may order it'),
  active: z.boolean().default(true),
  position: z.number().int().min(0).max(10_000).default(0),
});

export const CatalogItem = CatalogItemInput.extend({ id: Uuid, createdAt: IsoInstant, updatedAt: IsoInstant });
export const CatalogItems = z.object({ items: z.array(CatalogItem) });
export const CatalogListQuery = z.object({ organizationId: Uuid.optional().describe('staff: the items offered to this organization (its plan)') });

const ChangePlan = z.object({
  risk: z.enum(['low', 'medium', 'high']),
  plan: Text(10_000),
  rollbackPlan: Text(10_000),
  windowStart: IsoInstant,
  windowEnd: IsoInstant,
});
export { ChangePlan };

export const OrderBody = z.object({
  answers: z.record(z.string(), z.union([z.string(), z.null()])).default({}).describe('field key → value: text, a choice’s value, a date YYYY-MM-DD, a person’s id; files come as multipart parts named by their key'),
  requesterId: Uuid.optional(),
  note: z.string().trim().max(4000).optional(),
  change: ChangePlan.optional().describe('required for an item of type change'),
});

export const Answer = z.object({
  key: z.string(),
  kind: FieldKind,
  label: z.string(),
  labelRu: z.string(),
  value: z.string(),
  refId: z.string().nullable().describe('a person’s user id or a file’s attachment id'),
});
export const TicketAnswers = z.object({
  item: z.object({ id: Uuid, name: z.string(), nameRu: z.string(), type: z.enum(['service_request', 'change']) }).nullable(),
  answers: z.array(Answer),
});

export const OrdersQuery = z.object({
  itemId: Uuid.optional().describe('one item’s orders: the exports then have a column per field of its form'),
  q: z.string().trim().min(1).max(200).optional().describe('a word in the answers'),
  organizationId: Uuid.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  lang: z.enum(['en', 'ru']).optional(),
});
export const Orders = z.object({
  items: z.array(
    z.object({
      ticketId: Uuid,
      number: z.string(),
      subject: z.string(),
      status: z.string(),
      createdAt: IsoInstant,
      itemId: Uuid,
      itemName: z.string(),
      itemNameRu: z.string(),
      organizationName: z.string(),
      requesterName: z.string(),
      answers: z.array(Answer),
    }),
  ),
});
export const Ordered = z.object({ ticketId: Uuid, number: z.string() });
export const People = z.object({ items: z.array(z.object({ id: Uuid, name: z.string() })) });
