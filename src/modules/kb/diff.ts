import { createTwoFilesPatch, diffLines } from 'diff';

/** Two revisions' texts compared: line by line, and as a unified diff. */
export interface RevisionText {
  number: number;
  title: string;
  body: string;
}

const linesOf = (value: string) => value.replace(/\n$/, '').split('\n');

/** A readable diff between two revisions of a page (the older first). */
export function diffRevisions(from: RevisionText, to: RevisionText) {
  const parts = diffLines(from.body, to.body).map((c) => ({
    type: c.added ? ('added' as const) : c.removed ? ('removed' as const) : ('unchanged' as const),
    lines: linesOf(c.value),
  }));
  const count = (type: 'added' | 'removed') => parts.filter((p) => p.type === type).reduce((n, p) => n + p.lines.length, 0);
  return {
    from: from.number,
    to: to.number,
    title: { from: from.title, to: to.title, changed: from.title !== to.title },
    parts,
    unified: createTwoFilesPatch(`revision ${from.number}`, `revision ${to.number}`, from.body, to.body, undefined, undefined, { context: 3 }),
    added: count('added'),
    removed: count('removed'),
  };
}
