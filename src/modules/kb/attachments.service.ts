import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { checkUpload, type UploadedFile } from '../tickets/index.js';
import { assertMayEdit } from './kb.policy.js';
import * as repo from './kb.repo.js';
import { loadReadablePage } from './pages.service.js';

/** Images and files on pages: checked and stored like a request's attachments. */

export async function addAttachments(app: AppContext, actor: Actor, pageId: string, files: UploadedFile[]) {
  assertMayEdit(actor);
  const { page } = await loadReadablePage(app.db, actor, pageId);
  const types = files.map((f) => checkUpload(f, app.config.attachmentMaxBytes));
  const keys: string[] = [];
  const ids = files.map(() => newId());
  try {
    for (const f of files) keys.push(await app.files.put(f.data));
    const now = app.clock.now().toISOString();
    await inTransaction(app.db, async (trx) => {
      for (const [i, f] of files.entries())
        await repo.insertAttachment(trx, { id: ids[i]!, page_id: page.id, filename: f.filename, content_type: types[i]!, size: f.data.length, file_key: keys[i]!, uploaded_by: actor.id, created_at: now });
      await recordAudit(trx, { entityType: 'kb_page', entityId: page.id, actorId: actor.id, action: 'attached', after: { files: files.map((f) => f.filename) } });
    });
  } catch (err) {
    await Promise.all(keys.map((k) => app.files.remove(k)));
    throw err;
  }
  const stored = await repo.listAttachments(app.db, page.id);
  return ids.map((id) => stored.find((a) => a.id === id)!);
}

export async function getAttachment(app: AppContext, actor: Actor, pageId: string, attachmentId: string) {
  const { page } = await loadReadablePage(app.db, actor, pageId);
  const a = await repo.findAttachment(app.db, page.id, attachmentId);
  if (!a) throw new NotFound('Attachment');
  return { attachment: a, stream: app.files.open(a.file_key) };
}

export async function removeAttachment(app: AppContext, actor: Actor, pageId: string, attachmentId: string) {
  assertMayEdit(actor);
  const { page } = await loadReadablePage(app.db, actor, pageId);
  const a = await repo.findAttachment(app.db, page.id, attachmentId);
  if (!a) throw new NotFound('Attachment');
  await inTransaction(app.db, async (trx) => {
    await repo.deleteAttachment(trx, a.id);
    await recordAudit(trx, { entityType: 'kb_page', entityId: page.id, actorId: actor.id, action: 'detached', before: { filename: a.filename } });
  });
  await app.files.remove(a.file_key);
}
