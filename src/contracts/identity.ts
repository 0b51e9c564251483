import { z } from 'zod';
import { Email, IsoDate, Locale, Text, TimeZone } from './common.js';
import * as ex from './examples.js';

export const Role = z.enum(['requester', 'client_manager', 'agent', 'manager', 'admin']);
export const Line = z.enum(['L1', 'L2', 'L3']);
export const Availability = z.enum(['available', 'busy', 'away', 'offline']);
export const Password = z.string().min(10, 'at least 10 characters').max(200);

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(200) }).meta({ example: ex.loginExample });
export const ForgotBody = z.object({ email: Email });
export const ResetBody = z.object({ token: z.string().min(10).max(200), password: Password });
export const ChangePasswordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: Password });

export const Person = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  organizationId: z.string().nullable(),
  line: Line.nullable(),
  languages: z.array(z.string()),
  skills: z.array(z.string()),
  locale: Locale,
  timeZone: z.string(),
  phone: z.string().nullable(),
  availability: Availability,
  active: z.boolean(),
});

export const Me = Person.extend({ csrfToken: z.string().optional(), mfaEnrolmentRequired: z.boolean().optional() });
export const LoginResponse = z.object({ user: Person, csrfToken: z.string(), mfaEnrolmentRequired: z.boolean().optional() }).meta({ example: ex.loginResponseExample });

export const MePatch = z
  .object({ name: Text(200), locale: Locale, timeZone: TimeZone, phone: z.string().trim().max(40).nullable(), availability: Availability })
  .partial();

export const PersonCreate = z.object({
  email: Email,
  name: Text(200),
  role: Role,
  organizationId: z.string().uuid().nullable().optional(),
  line: Line.nullable().optional(),
  languages: z.array(z.string().min(2).max(10)).max(20).optional(),
  skills: z.array(Text(60)).max(50).optional(),
  locale: Locale.optional(),
  timeZone: TimeZone.optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  availability: Availability.optional(),
  password: Password.optional(),
});
/** `email` too: a requester first known only by a phone number (SMS, calls) gets their real address once identified. */
export const PersonPatch = PersonCreate.omit({ password: true }).partial().extend({ active: z.boolean().optional() });
export const PeopleQuery = z.object({
  organizationId: z.string().uuid().optional(),
  role: z.string().optional().transform((s, ctx) => {
    if (!s) return undefined;
    const roles = s.split(',');
    for (const r of roles) if (!Role.safeParse(r).success) ctx.addIssue({ code: 'custom', message: `unknown role ${r}` });
    return roles as z.infer<typeof Role>[];
  }),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const ApiTokenCreate = z.object({
  name: Text(100),
  /** Only GET requests; anything else is refused 403 read_only_token. */
  readOnly: z.boolean().optional(),
  /** After this instant the token is refused 401 token_expired. */
  expiresAt: z.string().datetime({ offset: true }).nullable().optional(),
}).meta({ example: ex.apiTokenCreateExample });
export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  readOnly: z.boolean(),
  expiresAt: z.string().nullable(),
});
export const NewApiToken = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string(),
  createdAt: z.string(),
  readOnly: z.boolean(),
  expiresAt: z.string().nullable(),
}).meta({ example: ex.newApiTokenExample });

const Domain = z.string().trim().toLowerCase().regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, 'not a domain name');
export const OrganizationCreate = z.object({
  name: Text(200),
  planId: z.string().uuid().nullable().optional(),
  domains: z.array(Domain).max(50).optional(),
  contractStartsOn: IsoDate.nullable().optional(),
  contractEndsOn: IsoDate.nullable().optional(),
  contractOptions: z.array(Text(60)).max(20).optional(),
  unknownSenderPolicy: z.enum(['create', 'refuse']).optional(),
});
export const OrganizationPatch = OrganizationCreate.partial();
export const Organization = z.object({
  id: z.string(),
  name: z.string(),
  planId: z.string().nullable(),
  domains: z.array(z.string()),
  contractStartsOn: z.string().nullable(),
  contractEndsOn: z.string().nullable(),
  contractOptions: z.array(z.string()),
  unknownSenderPolicy: z.enum(['create', 'refuse']),
});

export const Coverage = z.enum(['business_hours', 'extended_hours', 'round_the_clock']);
export const PlanCreate = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/),
  name: Text(100),
  coverage: Coverage,
  includedHours: z.number().int().min(0).max(10_000),
  channels: z.array(z.enum(['web', 'email', 'sms', 'phone', 'api'])).min(1),
  description: z.string().max(2000).optional(),
});
export const PlanPatch = PlanCreate.omit({ code: true }).partial();
export const Plan = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  coverage: Coverage,
  includedHours: z.number(),
  channels: z.array(z.string()),
  description: z.string(),
});

export const GroupCreate = z.object({
  name: Text(100),
  description: z.string().max(1000).optional(),
  memberIds: z.array(z.string().uuid()).max(500).optional(),
});
export const GroupPatch = z.object({ name: Text(100).optional(), description: z.string().max(1000).optional() });
export const GroupMembers = z.object({ memberIds: z.array(z.string().uuid()).max(500) });
export const Group = z.object({ id: z.string(), name: z.string(), description: z.string(), memberIds: z.array(z.string()) });
