import { z } from 'zod';
import { IsoInstant, Locale, Text } from './common.js';

/** The knowledge base API: spaces, pages and their history, attachments, search, suggestions, solutions, metrics. */

export const SpaceVisibility = z.enum(['internal', 'public', 'organizations']);
const SpaceKey = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -, up to 40');
const KbTag = z.string().trim().toLowerCase().regex(/^[\p{L}\p{N}_.:-]{1,40}$/u, 'letters, digits and _ . : - only, up to 40');
/** A page title: what `[[Title]]` links name, so without [ ] | and line breaks. */
export const PageTitle = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^[\]|\r\n\t]+$/, 'must not contain [ ] | or line breaks');
const Markdown = z.string().max(200_000);
const Summary = z.string().trim().max(500);
const Revision = z.number().int().positive();
const Id = z.string().uuid();

export const SpaceCreate = z.object({
  key: SpaceKey,
  name: Text(200),
  nameRu: Text(200).optional(),
  description: z.string().trim().max(2000).optional(),
  visibility: SpaceVisibility,
  /** For visibility `organizations`: the client companies whose people may read it. */
  organizationIds: z.array(Id).max(500).optional(),
});
export const SpacePatch = SpaceCreate.omit({ key: true }).partial();

export const Space = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  nameRu: z.string().nullable(),
  description: z.string(),
  visibility: SpaceVisibility,
  isDefault: z.boolean(),
  /** Staff only. */
  organizationIds: z.array(z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const SpaceRef = z.object({ id: z.string(), key: z.string(), name: z.string(), nameRu: z.string().nullable(), visibility: SpaceVisibility });
const PersonRef = z.object({ id: z.string(), name: z.string() });
const PageRef = z.object({ id: z.string(), title: z.string(), spaceId: z.string(), locale: Locale });

/** Draft → in review → published (and back to draft); only published pages reach the client side. */
export const PageStatus = z.enum(['draft', 'review', 'published']);

export const PageCreate = z.object({
  title: PageTitle,
  /** Leave out to publish at once (as before); `draft` or `review` keeps it from the client side. */
  status: z.enum(['draft', 'review']).optional(),
  /** Markdown; may be left out when a template gives the text. */
  body: Markdown.optional(),
  spaceId: Id.optional(),
  parentId: Id.nullable().optional(),
  tags: z.array(KbTag).max(30).optional(),
  locale: Locale.optional(),
  summary: Summary.optional(),
  template: z.string().max(40).optional(),
  /** Another page this one translates (in the other language). */
  translationOf: Id.optional(),
  ownerId: Id.optional(),
});

export const PageUpdate = z.object({
  body: Markdown.optional(),
  /** The revision the change was made on; a stale one is refused with 409 and what changed since. */
  baseRevision: Revision,
  title: PageTitle.optional(),
  summary: Summary.optional(),
  tags: z.array(KbTag).max(30).optional(),
  parentId: Id.nullable().optional(),
  locale: Locale.optional(),
  ownerId: Id.nullable().optional(),
});

export const StatusChange = z.object({
  status: PageStatus,
  /** What the person acted on: a page changed since is refused with 409 and what changed. */
  baseRevision: Revision.optional(),
});

export const RevertBody = z.object({
  revision: Revision,
  baseRevision: Revision.optional(),
  summary: Summary.optional(),
});

export const Attachment = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), url: z.string(), createdAt: z.string() });

export const Page = z.object({
  id: z.string(),
  space: SpaceRef,
  parentId: z.string().nullable(),
  breadcrumbs: z.array(z.object({ id: z.string(), title: z.string() })),
  title: z.string(),
  status: PageStatus,
  /** The Markdown source: staff only. */
  body: z.string().optional(),
  /** Sanitized HTML, links resolved as the reader may see them. */
  html: z.string(),
  revision: z.number(),
  locale: Locale,
  tags: z.array(z.string()),
  template: z.string().nullable(),
  translations: z.array(PageRef),
  attachments: z.array(Attachment),
  owner: PersonRef.nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: PersonRef.nullable().optional(),
  reviewedAt: z.string().nullable().optional(),
});

export const PageListQuery = z.object({
  spaceId: Id.optional(),
  tag: KbTag.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const PageListItem = z.object({
  id: z.string(),
  spaceId: z.string(),
  parentId: z.string().nullable(),
  title: z.string(),
  locale: Locale,
  status: PageStatus,
  template: z.string().nullable(),
  tags: z.array(z.string()),
  updatedAt: z.string(),
});
export const PageList = z.object({ items: z.array(PageListItem) });

export const RevisionItem = z.object({
  number: z.number(),
  title: z.string(),
  summary: z.string(),
  kind: z.enum(['created', 'edited', 'reverted', 'imported']),
  restoredFrom: z.number().nullable(),
  author: PersonRef.nullable(),
  createdAt: z.string(),
});
export const RevisionList = z.object({ items: z.array(RevisionItem) });
export const RevisionDetail = RevisionItem.extend({ body: z.string() });
export const RevisionParams = z.object({ id: z.string().min(1).max(64), number: z.coerce.number().int().positive() });

export const DiffQuery = z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() });
export const Diff = z.object({
  from: z.number(),
  to: z.number(),
  title: z.object({ from: z.string(), to: z.string(), changed: z.boolean() }),
  /** Line by line: each part added, removed or unchanged. */
  parts: z.array(z.object({ type: z.enum(['added', 'removed', 'unchanged']), lines: z.array(z.string()) })),
  /** The same as a unified diff. */
  unified: z.string(),
  added: z.number(),
  removed: z.number(),
});

export const Backlinks = z.object({ items: z.array(PageRef) });
export const WantedPages = z.object({
  items: z.array(z.object({ title: z.string(), linkedFrom: z.array(PageRef) })),
});

export const TranslationLink = z.object({ pageId: Id });

export const Template = z.object({
  key: z.string(),
  name: z.object({ en: z.string(), ru: z.string() }),
  description: z.object({ en: z.string(), ru: z.string() }),
  body: z.object({ en: z.string(), ru: z.string() }),
});
export const TemplateList = z.object({ items: z.array(Template) });

// Search and suggestions

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(500),
  kind: z.enum(['page', 'ticket']).optional(),
  spaceId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const SearchResult = z.object({
  kind: z.enum(['page', 'ticket']),
  id: z.string(),
  title: z.string(),
  /** The title with matching words in <mark>; otherwise escaped HTML. */
  titleHighlight: z.string(),
  /** A passage with matching words in <mark>; otherwise escaped HTML. */
  snippet: z.string(),
  score: z.number(),
  space: SpaceRef.optional(),
  locale: Locale.optional(),
  /** A request: its number and status. */
  number: z.string().optional(),
  status: z.string().optional(),
  resolvedAt: z.string().optional(),
});
export const SearchResults = z.object({ items: z.array(SearchResult) });

export const SuggestQuery = z.object({
  text: z.string().trim().min(1).max(5000),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});

export const DeflectionCreate = z.object({
  pageId: Id,
  /** What the person was about to ask. */
  text: z.string().trim().max(5000).optional(),
});
export const Deflection = z.object({ id: z.number(), pageId: z.string(), createdAt: z.string() });

export const VoteBody = z.object({ helpful: z.boolean() });
export const Votes = z.object({ helpful: z.number(), notHelpful: z.number(), yours: z.boolean().nullable() });

// Requests and articles

export const SolutionLink = z.object({ pageId: Id });
export const Solutions = z.object({ items: z.array(PageRef.extend({ linkedAt: z.string() })) });
export const SolutionArticleCreate = z.object({
  spaceId: Id.optional(),
  title: PageTitle.optional(),
  locale: Locale.optional(),
});
export const RequestRef = z.object({ id: z.string(), number: z.string(), subject: z.string(), status: z.string(), resolvedAt: z.string() });
export const Related = z.object({
  solutions: z.array(PageRef.extend({ linkedAt: z.string() })),
  articles: z.array(SearchResult),
  similarRequests: z.array(SearchResult),
});

// Metrics and reports

export const Metrics = z.object({
  pageId: z.string(),
  title: z.string(),
  spaceId: z.string(),
  views: z.number(),
  usedAsSolution: z.number(),
  helpful: z.number(),
  notHelpful: z.number(),
  deflections: z.number(),
  reviewedAt: z.string().nullable(),
});
export const MetricsReportQuery = z.object({
  spaceId: Id.optional(),
  sort: z.enum(['views', 'usedAsSolution', 'helpful', 'notHelpful', 'deflections']).default('views'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const MetricsReport = z.object({ items: z.array(Metrics) });
export const UnreviewedQuery = z.object({
  days: z.coerce.number().int().min(1).max(3650).default(180),
  spaceId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const UnreviewedReport = z.object({
  days: z.number(),
  items: z.array(PageRef.extend({ reviewedAt: z.string().nullable(), owner: PersonRef.nullable() })),
});
export const UncapturedQuery = z.object({
  from: IsoInstant.optional(),
  to: IsoInstant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const UncapturedReport = z.object({
  items: z.array(RequestRef.extend({ line: z.string(), assignee: PersonRef.nullable() })),
});

// Import and export

/** A space as Markdown files: each with front matter (title, locale, tags, parent) and the body. */
export const MarkdownFiles = z.object({
  files: z
    .array(z.object({ path: z.string().trim().min(1).max(500), content: z.string().max(200_000) }))
    .min(1)
    .max(1000),
});
export const SpaceExport = z.object({ space: z.object({ key: z.string(), name: z.string() }), files: z.array(z.object({ path: z.string(), content: z.string() })) });
export const ImportResult = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  pages: z.array(z.object({ id: z.string(), title: z.string(), action: z.enum(['created', 'updated', 'unchanged']) })),
});
