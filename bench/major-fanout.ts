/**
 * A major incident's public update, fanned out in the reply's own transaction: the time of one public
 * reply on a parent with BENCH_MAJOR_CHILDREN open children (default 200; each child's requester
 * notified, each affected IT manager once), as a ratio to the same reply on a request that is no
 * major incident, in the same run. SQLite (a temporary DATA_DIR) with the demo data.
 *
 * `npx tsx bench/major-fanout.ts`, or `benchMajorFanout()` from `npm run bench`.
 * Env: BENCH_MAJOR_CHILDREN, BENCH_MAJOR_ROUNDS (replies measured each way, the median is reported; default 5).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openContext } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import { seedDemo } from '../src/demo/seed.js';
import { toActor } from '../src/modules/identity/auth.service.js';
import { findUserByEmail } from '../src/modules/identity/identity.repo.js';
import { declareMajor, linkChildren } from '../src/modules/problems/major.service.js';
import { addComment, createTicket } from '../src/modules/tickets/index.js';

const CHILDREN = Number(process.env.BENCH_MAJOR_CHILDREN ?? 200);
const ROUNDS = Number(process.env.BENCH_MAJOR_ROUNDS ?? 5);
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchMajorFanout(): Promise<object[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-bench-major-'));
  const ctx = await openContext(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0' }));
  try {
    const app = ctx.app;
    await seedDemo(app);
    const actor = async (email: string) => toActor((await findUserByEmail(app.db, email))!);
    const [alice, bob, carol, agent] = [await actor('alice@client-a.test'), await actor('bob@client-b.test'), await actor('carol@client-c.test'), await actor('l1@demo.test')];
    const parent = await createTicket(app, carol, { subject: 'Mail server down', description: 'No mail.' });
    const plain = await createTicket(app, carol, { subject: 'Printer', description: 'Blank pages.' });
    await declareMajor(app, agent, parent, { title: 'Mail outage' });
    const children: string[] = [];
    for (let i = 0; i < CHILDREN; i++) children.push(await createTicket(app, i % 2 ? bob : alice, { subject: `No mail #${i}`, description: 'No mail.' }));
    await linkChildren(app, agent, parent, children);
    log(`major-fanout: ${CHILDREN} children linked`);
    const reply = async (ticketId: string) => {
      const t0 = performance.now();
      await addComment(app, agent, ticketId, { body: 'An update: mail is back within the hour.', internal: false });
      return performance.now() - t0;
    };
    const outbox = async () => Number((await app.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    await reply(plain); // warm the statements and the JIT
    const baseline: number[] = [];
    const fanout: number[] = [];
    let mails = 0;
    for (let r = 0; r < ROUNDS; r++) {
      baseline.push(await reply(plain));
      const before = await outbox();
      fanout.push(await reply(parent));
      mails = (await outbox()) - before;
    }
    const [replyMs, baselineReplyMs] = [median(fanout), median(baseline)];
    return [
      {
        name: `major-fanout: one public update to ${CHILDREN} children (sqlite)`,
        children: CHILDREN,
        mailsPerUpdate: mails,
        replyMs: Number(replyMs.toFixed(1)),
        baselineReplyMs: Number(baselineReplyMs.toFixed(1)),
        ratio: Number((replyMs / baselineReplyMs).toFixed(2)),
      },
    ];
  } finally {
    await ctx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const line of await benchMajorFanout()) console.log(JSON.stringify(line));
}
