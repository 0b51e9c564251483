import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import * as c from '../../../contracts/catalog.js';
import { errorResponses, IdParam } from '../../../contracts/common.js';
import { Invalid } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import { bodyCheckedByHandler, validate } from '../../../core/http/validate.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import type { Actor, Locale } from '../../identity/index.js';
import { toCsv, toXlsx, type Table } from '../../reports/index.js';
import { ticketNumber, type UploadedFile } from '../../tickets/index.js';
import type { AnswerRow, ItemRow } from '../catalog.repo.js';
import type { FormField } from '../catalog.tables.js';
import * as catalog from '../catalog.service.js';

const tags = ['catalog'];

const presentItem = (i: ItemRow, planIds: string[]) => ({
  id: i.id,
  name: i.name,
  nameRu: i.name_ru,
  description: i.description,
  descriptionRu: i.description_ru,
  type: i.type,
  categoryId: i.category_id,
  line: i.line,
  needsApproval: i.needs_approval === 1,
  firstResponseMinutes: i.first_response_minutes,
  resolutionMinutes: i.resolution_minutes,
  fields: JSON.parse(i.fields) as FormField[],
  planIds,
  active: i.active === 1,
  position: i.position,
  createdAt: i.created_at,
  updatedAt: i.updated_at,
});

const presentAnswer = (a: AnswerRow) => ({ key: a.field_key, kind: a.kind, label: a.label, labelRu: a.label_ru, value: a.value, refId: a.ref_id });

/** An order as JSON, or as multipart/form-data: the JSON in the field `data`, each file in a part named by its field's key. */
async function readOrder(req: FastifyRequest) {
  const files = new Map<string, UploadedFile>();
  if (!req.isMultipart()) return { input: validate(c.OrderBody, req.body), files };
  let data: unknown = {};
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (files.has(part.fieldname)) throw new Invalid(`One file per field (${part.fieldname})`, `answers.${part.fieldname}`);
      files.set(part.fieldname, { filename: part.filename || 'file', contentType: part.mimetype, data: await part.toBuffer() });
    } else if (part.fieldname === 'data') {
      try {
        data = JSON.parse(String(part.value));
      } catch {
        throw new Invalid('The field data must be JSON', 'data');
      }
    }
  }
  return { input: validate(c.OrderBody, data), files };
}

type Orders = Awaited<ReturnType<typeof catalog.listOrders>>;

/** The orders as a table: with one item, a column per field of its form; otherwise the answers in one column. */
function ordersTable(locale: Locale, { item, rows }: Orders): Table {
  const ru = locale === 'ru';
  const fields = item ? (JSON.parse(item.fields) as FormField[]) : [];
  return {
    name: item ? (ru ? item.name_ru : item.name) : ru ? 'Каталог услуг' : 'Service catalog',
    columns: [
      { key: 'number', header: ru ? 'Номер' : 'Number' },
      { key: 'createdAt', header: ru ? 'Создано' : 'Created' },
      { key: 'item', header: ru ? 'Услуга' : 'Item' },
      { key: 'organization', header: ru ? 'Организация' : 'Organization' },
      { key: 'requester', header: ru ? 'Заявитель' : 'Requester' },
      { key: 'status', header: ru ? 'Статус' : 'Status' },
      ...(item ? fields.map((f) => ({ key: `f:${f.key}`, header: ru ? f.labelRu : f.label })) : [{ key: 'answers', header: ru ? 'Ответы' : 'Answers' }]),
    ],
    rows: rows.map((r) => ({
      number: ticketNumber(r.number),
      createdAt: r.created_at,
      item: ru ? r.item_name_ru : r.item_name,
      organization: r.organization_name,
      requester: r.requester_name,
      status: r.status,
      ...(item
        ? Object.fromEntries(r.answers.map((a) => [`f:${a.field_key}`, a.value]))
        : { answers: r.answers.map((a) => `${ru ? a.label_ru : a.label}: ${a.value}`).join('; ') }),
    })),
  };
}

async function sendExport(reply: FastifyReply, format: 'csv' | 'xlsx', table: Table, name: string) {
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(toCsv(table));
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="${name}.xlsx"`)
    .send(await toXlsx([table]));
}

/** The service catalog: items and their forms (admins edit), ordering, a request's answers, orders and their export. */
export async function catalogRoutes(http: HttpServer, app: AppContext) {
  const one = async (actor: Actor, id: string) => {
    const item = await catalog.getItem(app, actor, id);
    return presentItem(item, (await catalog.plansOf(app, [id])).get(id)!);
  };

  http.get('/api/v1/catalog/items', {
    schema: { tags, querystring: c.CatalogListQuery, description: 'A client sees the active items of its organization’s plan; staff all, or one organization’s offer.', response: { 200: c.CatalogItems, ...errorResponses } },
    handler: async (req) => {
      const items = await catalog.listItems(app, actorOf(req), req.query);
      const plans = await catalog.plansOf(app, items.map((i) => i.id));
      return { items: items.map((i) => presentItem(i, plans.get(i.id)!)) };
    },
  });
  http.get('/api/v1/catalog/items/:id', {
    schema: { tags, params: IdParam, response: { 200: c.CatalogItem, ...errorResponses } },
    handler: async (req) => {
      const item = await catalog.getItem(app, actorOf(req), req.params.id);
      return presentItem(item, (await catalog.plansOf(app, [item.id])).get(item.id)!);
    },
  });
  http.post('/api/v1/catalog/items', {
    schema: { tags, body: c.CatalogItemInput, description: 'Admins.', response: { 201: c.CatalogItem, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      return reply.code(201).send(await one(actor, await catalog.createItem(app, actor, req.body)));
    },
  });
  http.put('/api/v1/catalog/items/:id', {
    schema: { tags, params: IdParam, body: c.CatalogItemInput, description: 'Admins: the whole item, form and plans.', response: { 200: c.CatalogItem, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return one(actor, await catalog.updateItem(app, actor, req.params.id, req.body));
    },
  });
  http.delete('/api/v1/catalog/items/:id', {
    schema: { tags, params: IdParam, description: 'Admins: an item never ordered (409 `item_in_use` otherwise: deactivate it).', response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await catalog.deleteItem(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });

  http.post('/api/v1/catalog/items/:id/order', {
    schema: {
      tags,
      params: IdParam,
      body: c.OrderBody,
      consumes: ['application/json', 'multipart/form-data'],
      description: 'Orders the item: the answers are checked against its form (400 naming `answers.<key>`); JSON, or multipart/form-data with the JSON in `data` and each file in a part named by its field’s key.',
      response: { 201: c.Ordered, ...errorResponses },
    },
    validatorCompiler: bodyCheckedByHandler,
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const { input, files } = await readOrder(req);
      const id = await catalog.orderItem(app, actor, req.params.id, input, files, req.auth!.via === 'token' ? 'token' : 'session');
      return reply.code(201).header('location', `/api/v1/tickets/${id.ticketId}`).send(id);
    },
  });

  http.get('/api/v1/catalog/people', {
    schema: { tags, querystring: c.CatalogListQuery, description: 'Whom a “person” field may name: the active people of the caller’s organization (staff: of `organizationId`).', response: { 200: c.People, ...errorResponses } },
    handler: async (req) => ({ items: await catalog.colleagues(app, actorOf(req), req.query.organizationId) }),
  });

  http.get('/api/v1/tickets/:id/answers', {
    schema: { tags, params: IdParam, description: 'The structured fields of a request ordered from the catalog (item null otherwise).', response: { 200: c.TicketAnswers, ...errorResponses } },
    handler: async (req) => {
      const r = await catalog.answersOf(app, actorOf(req), req.params.id);
      if (!r) return { item: null, answers: [] };
      return { item: { id: r.item.id, name: r.item.name, nameRu: r.item.name_ru, type: r.item.type }, answers: r.answers.map(presentAnswer) };
    },
  });

  http.get('/api/v1/catalog/orders', {
    schema: { tags, querystring: c.OrdersQuery, description: 'Staff: requests ordered from the catalog with their answers (`q` searches the answers), as JSON, CSV or XLSX.', response: { 200: z.union([c.Orders, z.string()]), ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const { format, lang, ...f } = req.query;
      const orders = await catalog.listOrders(app, actor, f);
      if (format !== 'json') return sendExport(reply, format, ordersTable(lang ?? actor.locale, orders), 'tierdesk-catalog-orders');
      return {
        items: orders.rows.map((r) => ({
          ticketId: r.id,
          number: ticketNumber(r.number),
          subject: r.subject,
          status: r.status,
          createdAt: r.created_at,
          itemId: r.item_id,
          itemName: r.item_name,
          itemNameRu: r.item_name_ru,
          organizationName: r.organization_name,
          requesterName: r.requester_name,
          answers: r.answers.map(presentAnswer),
        })),
      };
    },
  });
}
