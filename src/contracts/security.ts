import { z } from 'zod';
import { IsoInstant, Text } from './common.js';
import { Person } from './identity.js';

/** The answer to a right password when a second factor is enrolled: the sign-in waits for it. */
export const SecondFactorNeeded = z.object({
  secondFactor: z.literal(true),
  /** Short-lived (minutes); sent back with the code or the passkey's answer. */
  pendingToken: z.string(),
  methods: z.array(z.enum(['totp', 'recovery', 'passkey'])),
});
export const SignedIn = z.object({
  user: Person,
  csrfToken: z.string(),
  /** The staff policy needs a second factor the person lacks: the session opens enrolment only. */
  mfaEnrolmentRequired: z.boolean().optional(),
});

export const CodeBody = z.object({
  pendingToken: z.string().min(10).max(200),
  /** Six digits from the authenticator app, or a recovery code. */
  code: z.string().trim().min(6).max(20),
  rememberDevice: z.boolean().optional(),
});

export const TotpStart = z.object({ secret: z.string(), otpauthUri: z.string(), qrCodeUrl: z.string() });
export const TotpConfirm = z.object({ code: z.string().trim().min(6).max(10) });
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export const PasswordBody = z.object({ password: z.string().min(1).max(200) });

export const Passkey = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
export const MfaStatus = z.object({
  totp: z.boolean(),
  totpEnrolling: z.boolean(),
  recoveryCodesLeft: z.number(),
  passkeys: z.array(Passkey),
  rememberedDevices: z.array(z.object({ id: z.string(), userAgent: z.string().nullable(), createdAt: z.string(), expiresAt: z.string() })),
  /** The staff policy applies to this person. */
  required: z.boolean(),
  /** How long "remember this device" lasts; 0: not offered. */
  rememberDays: z.number(),
});

export const SecuritySettings = z.object({ staffMfaRequired: z.boolean() });
export const SecuritySettingsPatch = SecuritySettings.partial();

/** WebAuthn options as @simplewebauthn/browser takes them. */
export const WebAuthnOptions = z.object({ challengeId: z.string(), options: z.record(z.string(), z.unknown()) });
export const PasskeyRegister = z.object({ challengeId: z.string().min(1).max(64), name: Text(100), response: z.record(z.string(), z.unknown()) });
export const PasskeyOptionsBody = z.object({ pendingToken: z.string().min(10).max(200).optional() });
export const PasskeySignIn = z.object({
  challengeId: z.string().min(1).max(64),
  response: z.record(z.string(), z.unknown()),
  pendingToken: z.string().min(10).max(200).optional(),
  rememberDevice: z.boolean().optional(),
});

export const Session = z.object({
  id: z.string(),
  current: z.boolean(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string(),
});
export const SessionParam = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'not a session id') });
export const UserSessionParam = z.object({ id: z.string().min(1).max(64), sessionId: z.string().regex(/^[0-9a-f]{64}$/, 'not a session id') });
export const EndAllBody = z.object({ revokeTokens: z.boolean().optional() });

export const TokenOptions = z.object({ readOnly: z.boolean().optional(), expiresAt: IsoInstant.nullable().optional() });
