import type { FastifyRequest } from 'fastify';
import { errorResponses } from '../../../contracts/common.js';
import { ImportQuery, ImportResult } from '../../../contracts/import.js';
import { Invalid } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import { actorOf } from '../http/auth.hooks.js';
import { assertAdmin } from '../identity.policy.js';
import { importSheet } from './import.service.js';
import { readTable } from './read-table.js';

/** The one uploaded file of a multipart request. */
async function readUpload(req: FastifyRequest) {
  if (!req.isMultipart()) throw new Invalid('Send the file as multipart/form-data', 'file');
  for await (const part of req.parts()) if (part.type === 'file') return { filename: part.filename || '', data: await part.toBuffer() };
  throw new Invalid('No file was sent', 'file');
}

/** Import of organizations, people and contracts from CSV or XLSX, with a preview (admins). */
export async function importRoutes(http: HttpServer, app: AppContext) {
  http.post('/api/v1/import', {
    schema: {
      tags: ['identity'],
      consumes: ['multipart/form-data'],
      description:
        'A CSV or XLSX file (first sheet; headers in English or Russian) of `kind` organizations, people or contracts. ' +
        '`dryRun` (the default) answers what each row would do and its problems; `dryRun=false` applies every row in one transaction, ' +
        'or none: with any problem the answer is 422 with the same rows and nothing is saved. Admins only.',
      querystring: ImportQuery,
      response: { 200: ImportResult, 422: ImportResult, ...errorResponses },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      assertAdmin(actor);
      const sheet = await readTable(await readUpload(req));
      const result = await importSheet(app, actor, req.query.kind, sheet, req.query.dryRun);
      return reply.code(result.errorCount && !result.dryRun ? 422 : 200).send(result);
    },
  });
}
