import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as so from '../../../src/contracts/sso';
import { ApiError, get } from '../api/client';

export type SsoConfig = z.infer<typeof so.SsoConfig>;
export type SsoConfigBody = z.input<typeof so.SsoConfigBody>;
export type RoleRule = z.infer<typeof so.RoleRule>;
export type DirectoryConfig = z.infer<typeof so.DirectoryConfig>;
export type DirectoryConfigBody = z.input<typeof so.DirectoryConfigBody>;
export type SyncRun = z.infer<typeof so.SyncRun>;

/** A configuration that may not exist yet: null on 404. */
const orNull = async <T,>(path: string): Promise<T | null> => {
  try {
    return await get<T>(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
};

/** The IdP of an organization, or of the staff (organizationId null). */
export const ssoPath = (organizationId: string | null) => (organizationId ? `/organizations/${organizationId}/sso` : '/sso/staff');
export const useSsoConfig = (organizationId: string | null) =>
  useQuery({ queryKey: ['sso', organizationId ?? 'staff'], queryFn: () => orNull<SsoConfig>(ssoPath(organizationId)), retry: false });

export const useDirectoryConfig = (organizationId: string) =>
  useQuery({ queryKey: ['directory', organizationId], queryFn: () => orNull<DirectoryConfig>(`/organizations/${organizationId}/directory`), retry: false });
export const useSyncRuns = (organizationId: string) =>
  useQuery({ queryKey: ['directory', organizationId, 'runs'], queryFn: () => get<{ items: SyncRun[] }>(`/organizations/${organizationId}/directory/runs?limit=10`) });
