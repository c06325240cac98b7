import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { User, WorkspaceMember } from '../api/types';

export const personName = (u: Pick<User, 'firstName' | 'lastName' | 'email'>): string => `${u.firstName} ${u.lastName}`.trim() || u.email;

/** The workspace's members (for the autocomplete and for showing mentions by name); empty if they cannot be read. */
export function useMembers(): WorkspaceMember[] {
  const [members, setMembers] = useState<WorkspaceMember[]>([]);
  useEffect(() => {
    let live = true;
    api<WorkspaceMember[]>('GET', '/workspaces/members').then((m) => live && setMembers(m), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  return members;
}

