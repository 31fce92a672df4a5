import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { setToken } from '../api/client';
import { detectRole, type Role } from '../api/roles';

/**
 * The session: the client token lives in sessionStorage only (gone when the tab closes; never in
 * localStorage, cookies or URLs, never logged). The role is asked of the API on every load.
 */
const KEY = 'juntos-hub.token';

interface Session {
  token: string | null;
  role: Role | null;
  /** Why the last session ended (expired/revoked token), shown on the sign-in page. */
  ended: 'expired' | null;
  signIn(token: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setTok] = useState<string | null>(() => sessionStorage.getItem(KEY));
  const [role, setRole] = useState<Role | null>(null);
  const [ended, setEnded] = useState<'expired' | null>(null);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(KEY);
    setToken(null);
    setTok(null);
    setRole(null);
    queryClient.clear();
  }, [queryClient]);

  const expire = useCallback(() => {
    signOut();
    setEnded('expired');
  }, [signOut]);

  const signIn = useCallback(
    async (t: string) => {
      const r = await detectRole(t);
      sessionStorage.setItem(KEY, t);
      setToken(t, expire);
      setTok(t);
      setRole(r);
      setEnded(null);
    },
    [expire],
  );

  // A token kept from earlier in this browser session: ask the API its role again.
  useEffect(() => {
    if (!token || role) return;
    setToken(token, expire);
    detectRole(token).then(setRole, expire);
  }, [token, role, expire]);

  const value = useMemo(() => ({ token, role, ended, signIn, signOut }), [token, role, ended, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in role (pages under the shell are only rendered with one). */
export function useRole(): Role {
  const { role } = useSession();
  if (!role) throw new Error('no role');
  return role;
}
