import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorResponses, IdParam, Ok } from '../../../contracts/common.js';
import * as c from '../../../contracts/kb.js';
import { Invalid } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import { validate } from '../../../core/http/validate.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../../identity/http/auth.hooks.js';
import type { Actor } from '../../identity/index.js';
import type { UploadedFile } from '../../tickets/index.js';
import * as attachments from '../attachments.service.js';
import * as views from '../page-views.service.js';
import * as pages from '../pages.service.js';
import * as spaces from '../spaces.service.js';
import { TEMPLATES } from '../templates.js';
import * as transfer from '../transfer.service.js';
import { pageRef, presentAttachment, presentListItem, presentPage, presentRevision, presentSpace } from './presenters.js';
import { sendStoredFile } from '../../../core/http/files.js';

const tags = ['kb'];
const AttachmentParams = IdParam.extend({ attachmentId: z.string().min(1).max(64) });

/** Reads uploaded files from a multipart request (other fields are ignored). */
async function readFiles(req: FastifyRequest): Promise<UploadedFile[]> {
  if (!req.isMultipart()) throw new Invalid('Send the files as multipart/form-data', 'files');
  const files: UploadedFile[] = [];
  for await (const part of req.parts()) if (part.type === 'file') files.push({ filename: part.filename || 'file', contentType: part.mimetype, data: await part.toBuffer() });
  if (!files.length) throw new Invalid('No file was sent', 'files');
  return files;
}

/** Markdown files to import: JSON `{files: [{path, content}]}`, or multipart .md files. */
async function readMarkdownFiles(req: FastifyRequest) {
  if (!req.isMultipart()) return validate(c.MarkdownFiles, req.body).files;
  const files: { path: string; content: string }[] = [];
  for await (const part of req.parts())
    if (part.type === 'file') files.push({ path: part.filename || `file-${files.length + 1}.md`, content: (await part.toBuffer()).toString('utf8') });
  return validate(c.MarkdownFiles, { files }).files;
}

/** The wiki: spaces, pages, revisions and diffs, links, translations, attachments, templates, import/export. */
export async function kbPageRoutes(http: HttpServer, app: AppContext) {
  const page = async (actor: Actor, id: string, countView = false) => presentPage(await views.getPage(app, actor, id, { countView }), actor);
  const space = async (actor: Actor, s: Awaited<ReturnType<typeof spaces.getSpace>>) => presentSpace(s, actor, await spaces.spaceOrganizations(app, s.id));

  // Spaces

  http.get('/api/v1/kb/spaces', {
    schema: { tags, response: { 200: z.object({ items: z.array(c.Space) }), ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return { items: await Promise.all((await spaces.listSpaces(app, actor)).map((s) => space(actor, s))) };
    },
  });
  http.post('/api/v1/kb/spaces', {
    schema: { tags, body: c.SpaceCreate, response: { 201: c.Space, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      return reply.code(201).send(await space(actor, await spaces.createSpace(app, actor, req.body)));
    },
  });
  http.get('/api/v1/kb/spaces/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Space, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return space(actor, await spaces.getSpace(app, actor, req.params.id));
    },
  });
  http.patch('/api/v1/kb/spaces/:id', {
    schema: { tags, params: IdParam, body: c.SpacePatch, response: { 200: c.Space, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return space(actor, await spaces.updateSpace(app, actor, req.params.id, req.body));
    },
  });
  http.get('/api/v1/kb/spaces/:id/wanted', {
    schema: { tags, params: IdParam, description: 'Titles linked to in the space that no page has yet (staff).', response: { 200: c.WantedPages, ...errorResponses } },
    handler: async (req) => {
      const wanted = await views.listWanted(app, actorOf(req), req.params.id);
      return { items: wanted.map((w) => ({ title: w.title, linkedFrom: w.linkedFrom.map(pageRef) })) };
    },
  });
  http.get('/api/v1/kb/spaces/:id/export', {
    schema: { tags, params: IdParam, description: 'Every page of the space as a Markdown file with front matter (staff).', response: { 200: c.SpaceExport, ...errorResponses } },
    handler: async (req) => transfer.exportSpace(app, actorOf(req), req.params.id),
  });
  http.post('/api/v1/kb/spaces/:id/import', {
    schema: {
      tags,
      params: IdParam,
      description: 'JSON `{files: [{path, content}]}` or multipart/form-data with .md files; front matter optional. All or nothing (staff).',
      response: { 200: c.ImportResult, ...errorResponses },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      return transfer.importSpace(app, actor, req.params.id, await readMarkdownFiles(req));
    },
  });

  http.get('/api/v1/kb/templates', {
    schema: { tags, response: { 200: c.TemplateList, ...errorResponses } },
    handler: async (req) => {
      actorOf(req);
      return { items: TEMPLATES };
    },
  });

  // Pages

  http.post('/api/v1/kb/pages', {
    schema: { tags, body: c.PageCreate, response: { 201: c.Page, ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const id = await pages.createPage(app, actor, req.body);
      const p = await page(actor, id);
      return reply.code(201).header('location', `/api/v1/kb/pages/${id}`).header('etag', `"${p.revision}"`).send(p);
    },
  });
  http.get('/api/v1/kb/pages', {
    schema: { tags, querystring: c.PageListQuery, response: { 200: c.PageList, ...errorResponses } },
    handler: async (req) => ({ items: (await views.listPages(app, actorOf(req), req.query)).map(presentListItem) }),
  });
  http.get('/api/v1/kb/pages/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Page, ...errorResponses } },
    handler: async (req, reply) => {
      const p = await page(actorOf(req), req.params.id, true);
      return reply.header('etag', `"${p.revision}"`).send(p);
    },
  });
  http.put('/api/v1/kb/pages/:id', {
    schema: {
      tags,
      params: IdParam,
      body: c.PageUpdate,
      description: 'Saves a change made on `baseRevision`; 409 `revision_conflict` with the revisions saved since, their diff and the current text.',
      response: { 200: c.Page, ...errorResponses },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      await pages.updatePage(app, actor, req.params.id, req.body);
      const p = await page(actor, req.params.id);
      return reply.header('etag', `"${p.revision}"`).send(p);
    },
  });
  http.delete('/api/v1/kb/pages/:id', {
    schema: { tags, params: IdParam, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await pages.deletePage(app, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  });
  http.post('/api/v1/kb/pages/:id/revert', {
    schema: { tags, params: IdParam, body: c.RevertBody, description: 'Restores an earlier revision as a new revision.', response: { 200: c.Page, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      return page(actor, await pages.revertPage(app, actor, req.params.id, req.body));
    },
  });
  http.post('/api/v1/kb/pages/:id/review', {
    schema: { tags, params: IdParam, description: 'Confirms that the page is still right (staff).', response: { 200: c.Page, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      await pages.reviewPage(app, actor, req.params.id);
      return page(actor, req.params.id);
    },
  });
  http.post('/api/v1/kb/pages/:id/status', {
    schema: {
      tags,
      params: IdParam,
      body: c.StatusChange,
      description:
        'Draft → review (staff), review → draft (staff), draft/review → published and published → draft (L3 or a manager; 403 otherwise); 409 `invalid_transition` or `status_unchanged`.',
      response: { 200: c.Page, ...errorResponses },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      await pages.setPageStatus(app, actor, req.params.id, req.body);
      return page(actor, req.params.id);
    },
  });
  http.get('/api/v1/kb/pages/:id/revisions', {
    schema: { tags, params: IdParam, response: { 200: c.RevisionList, ...errorResponses } },
    handler: async (req) => ({ items: (await views.listRevisions(app, actorOf(req), req.params.id)).map(presentRevision) }),
  });
  http.get('/api/v1/kb/pages/:id/revisions/:number', {
    schema: { tags, params: c.RevisionParams, response: { 200: c.RevisionDetail, ...errorResponses } },
    handler: async (req) => {
      const r = await views.getRevision(app, actorOf(req), req.params.id, req.params.number);
      return { ...presentRevision(r), body: r.body };
    },
  });
  http.get('/api/v1/kb/pages/:id/diff', {
    schema: { tags, params: IdParam, querystring: c.DiffQuery, response: { 200: c.Diff, ...errorResponses } },
    handler: async (req) => views.diffPage(app, actorOf(req), req.params.id, req.query.from, req.query.to),
  });
  http.get('/api/v1/kb/pages/:id/backlinks', {
    schema: { tags, params: IdParam, description: 'The pages that link here, as far as the caller may read them.', response: { 200: c.Backlinks, ...errorResponses } },
    handler: async (req) => ({ items: (await views.listBacklinks(app, actorOf(req), req.params.id)).map(pageRef) }),
  });
  http.post('/api/v1/kb/pages/:id/translations', {
    schema: { tags, params: IdParam, body: c.TranslationLink, response: { 200: c.Page, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      await pages.linkTranslation(app, actor, req.params.id, req.body.pageId);
      return page(actor, req.params.id);
    },
  });
  http.delete('/api/v1/kb/pages/:id/translations', {
    schema: { tags, params: IdParam, response: { 200: c.Page, ...errorResponses } },
    handler: async (req) => {
      const actor = actorOf(req);
      await pages.unlinkTranslation(app, actor, req.params.id);
      return page(actor, req.params.id);
    },
  });

  // Attachments

  http.post('/api/v1/kb/pages/:id/attachments', {
    schema: { tags, params: IdParam, description: 'multipart/form-data with files (staff); `![](attachment:name.png)` in the text shows one.', response: { 201: z.object({ items: z.array(c.Attachment) }), ...errorResponses } },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const files = await readFiles(req);
      const added = await attachments.addAttachments(app, actor, req.params.id, files);
      return reply.code(201).send({ items: added.map((a) => presentAttachment(req.params.id, a)) });
    },
  });
  http.get('/api/v1/kb/pages/:id/attachments/:attachmentId', {
    schema: { tags, params: AttachmentParams },
    handler: async (req, reply) => {
      const { attachment, stream } = await attachments.getAttachment(app, actorOf(req), req.params.id, req.params.attachmentId);
      return sendStoredFile(reply, { contentType: attachment.content_type, filename: attachment.filename, size: attachment.size }, stream);
    },
  });
  http.delete('/api/v1/kb/pages/:id/attachments/:attachmentId', {
    schema: { tags, params: AttachmentParams, response: { 200: Ok, ...errorResponses } },
    handler: async (req) => {
      await attachments.removeAttachment(app, actorOf(req), req.params.id, req.params.attachmentId);
      return { ok: true as const };
    },
  });
}
