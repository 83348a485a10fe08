import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { fetchJson, readerChanged, sendJson, setCsrfToken } from "./client";

export type Role = "admin" | "planner" | "staff";
export interface SessionUser {
  id: number;
  name: string;
  displayName: string | null;
  role: Role;
}
interface SessionState {
  user: SessionUser | null;
  loaded: boolean;
  signIn(name: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** May this user edit compounds, gates, buildings and items? */
  canEdit: boolean;
  isAdmin: boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    fetchJson<{ user: SessionUser | null; csrfToken: string | null }>("/api/session")
      .then((s) => {
        setUser(s.user);
        setCsrfToken(s.csrfToken);
      })
      .catch(() => {
        /* shown as signed out */
      })
      .finally(() => setLoaded(true));
  }, []);
  const signIn = useCallback(async (name: string, password: string) => {
    const s = await sendJson<{ user: SessionUser; csrfToken: string }>("POST", "/api/session", { name, password });
    setCsrfToken(s.csrfToken);
    setUser(s.user);
    readerChanged();
  }, []);
  const signOut = useCallback(async () => {
    await sendJson("DELETE", "/api/session");
    setCsrfToken(null);
    setUser(null);
    readerChanged();
  }, []);
  const canEdit = user?.role === "admin" || user?.role === "planner";
  return <SessionContext.Provider value={{ user, loaded, signIn, signOut, canEdit, isAdmin: user?.role === "admin" }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}
