import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { problemText } from "../api/problems";
import { useSession } from "../api/session";
import { useI18n, type MessageKey } from "../i18n";

/** Sign-in button and form in the header; the signed-in user's name and a sign-out button. */
export function SignIn() {
  const { t, lookup } = useI18n();
  const { user, signIn, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (user) {
    return (
      <div className="session" data-testid="session">
        <span>{t("auth.signedInAs", { name: user.displayName ?? user.name, role: t(`role.${user.role}` as MessageKey) })}</span>
        <button type="button" data-testid="sign-out" onClick={() => void signOut()}>
          {t("auth.signOut")}
        </button>
      </div>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(name, password);
      setOpen(false);
      setPassword("");
    } catch (err) {
      setError(t("auth.failed", { message: err instanceof ApiError ? problemText(lookup, err) : String(err) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="session">
      <button type="button" data-testid="sign-in" onClick={() => setOpen(!open)}>
        {t("auth.signIn")}
      </button>
      {open && (
        <form className="popover" onSubmit={submit} data-testid="sign-in-form">
          <label>
            {t("auth.name")}
            {/* biome-ignore lint/a11y/noAutofocus: the form opens when the user asks to sign in; the name field is where they type next */}
            <input autoFocus autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} data-testid="sign-in-name" />
          </label>
          <label>
            {t("auth.password")}
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="sign-in-password"
            />
          </label>
          {error && (
            <p className="state error" role="alert" data-testid="error">
              {error}
            </p>
          )}
          <div className="row">
            <button type="submit" disabled={busy || !name || !password}>
              {t("auth.submit")}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t("auth.cancel")}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
