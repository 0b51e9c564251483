import { z } from 'zod';

/** What a file imports: organizations, people, or the plan and contract dates of existing organizations. */
export const ImportKind = z.enum(['organizations', 'people', 'contracts']);

export const ImportQuery = z.object({
  kind: ImportKind,
  dryRun: z.enum(['true', 'false']).optional().transform((v) => v !== 'false'),
});

const Bilingual = z.object({ en: z.string(), ru: z.string() });

/** One problem of a row: the column as headed in the file, a code, and its text in both languages. */
export const ImportProblem = z.object({ column: z.string(), field: z.string(), code: z.string(), message: Bilingual, detail: z.string().optional() });

export const ImportRow = z.object({
  row: z.number().int(),
  action: z.enum(['create', 'update']).nullable(),
  values: z.record(z.string(), z.string()),
  errors: z.array(ImportProblem),
});

export const ImportResult = z.object({
  kind: ImportKind,
  dryRun: z.boolean(),
  imported: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  errorCount: z.number().int(),
  /** Problems of the header row (row 1): missing or unknown columns. */
  headerErrors: z.array(ImportProblem),
  rows: z.array(ImportRow),
});
