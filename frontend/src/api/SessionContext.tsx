import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { makeClient } from './client';
import { loadSession, saveSession, type Session } from './session';

interface SessionApi {
  session: Session | null;
  /** Why the last session ended, shown on the sign-in page. */
  endedBecause: string | null;
  signIn(session: Session): void;
  signOut(reason?: string): void;
}

const Ctx = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [endedBecause, setEndedBecause] = useState<string | null>(null);

  const signIn = useCallback((s: Session) => {
    saveSession(s);
    setEndedBecause(null);
    setSession(s);
  }, []);
  const signOut = useCallback((reason?: string) => {
    saveSession(null);
    setEndedBecause(reason ?? null);
    setSession(null);
  }, []);

  const key = session?.key;
  const client = useMemo(
    () =>
      key
        ? makeClient(key, () =>
            signOut('The service no longer accepts this API key (revoked?). Sign in again.'),
          )
        : null,
    [key, signOut],
  );
  const api = useMemo(
    () => ({ session, endedBecause, signIn, signOut }),
    [session, endedBecause, signIn, signOut],
  );
  return (
    <Ctx.Provider value={api}>
      {client ? <UrqlProvider value={client}>{children}</UrqlProvider> : children}
    </Ctx.Provider>
  );
}

export function useSession(): SessionApi {
  const api = useContext(Ctx);
  if (!api) throw new Error('useSession outside SessionProvider');
  return api;
}

/** The signed-in session; only for pages behind the sign-in guard. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn without a session');
  return session;
}
