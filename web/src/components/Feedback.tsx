import { type FormEvent, useState } from "react";
import { FEEDBACK_MAX_CHARS, FEEDBACK_TOPICS, type FeedbackTopic, solveProof } from "../../../shared/feedback";
import { fetchJson, sendJson, useApiTask } from "../api/client";
import type { FeedbackCounts } from "../api/resources";
import { type MessageKey, useI18n } from "../i18n";
import { ErrorBox } from "./States";

// Residents' feedback in the compound card: the published counts per topic (never the text), and
// the form anyone may use, without an account. Sending first solves the app's offline challenge.

export type CompoundCounts = FeedbackCounts["compounds"][number];

/** Published messages per topic, most first; `data-total` for the tests. */
export function FeedbackTopics({ topics, total }: { topics: CompoundCounts["topics"]; total: number }) {
  const { t } = useI18n();
  if (total === 0) return <p className="note">{t("feedback.none")}</p>;
  const rows = FEEDBACK_TOPICS.filter((k) => (topics[k] ?? 0) > 0).sort((a, b) => (topics[b] ?? 0) - (topics[a] ?? 0));
  return (
    <>
      <p className="note" data-testid="feedback-total" data-total={total}>
        {t("feedback.total", { count: total })}
      </p>
      <ul className="feedback-topics" data-testid="feedback-topics">
        {rows.map((k) => (
          <li key={k} data-topic={k} data-count={topics[k]}>
            <span>{t(`feedback.topic.${k}` as MessageKey)}</span>
            <span className="count">{topics[k]}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

type Phase = "editing" | "solving" | "sending" | "sent";

/** The form: topic, message (with what is left of the limit), the privacy note, send. */
export function FeedbackForm({ compoundId, onSent }: { compoundId: number; onSent(): void }) {
  const { t } = useI18n();
  const [topic, setTopic] = useState<FeedbackTopic>("parking");
  const [message, setMessage] = useState("");
  const [phase, setPhase] = useState<Phase>("editing");
  const { error, run } = useApiTask();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(async () => {
      setPhase("solving");
      try {
        const c = await fetchJson<{ challenge: string; bits: number }>("/api/feedback/challenge");
        const nonce = await solveProof(c.challenge, c.bits);
        setPhase("sending");
        await sendJson("POST", "/api/feedback", { compoundId, topic, message, challenge: c.challenge, nonce });
        setPhase("sent");
        setMessage("");
        onSent();
      } catch (err) {
        setPhase("editing");
        throw err;
      }
    });
  };
  if (phase === "sent")
    return (
      <p className="note ok" role="status" data-testid="feedback-sent">
        {t("feedback.thanks")}
      </p>
    );
  const busy = phase === "solving" || phase === "sending";
  return (
    <form className="feedback-form" data-testid="feedback-form" onSubmit={submit} aria-busy={busy}>
      <label>
        {t("field.topic")}
        <select name="topic" value={topic} onChange={(e) => setTopic(e.target.value as FeedbackTopic)} disabled={busy}>
          {FEEDBACK_TOPICS.map((k) => (
            <option key={k} value={k}>
              {t(`feedback.topic.${k}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("field.message")}
        <textarea
          name="message"
          value={message}
          maxLength={FEEDBACK_MAX_CHARS}
          rows={4}
          required
          onChange={(e) => setMessage(e.target.value)}
          disabled={busy}
        />
      </label>
      <small className="hint">{t("feedback.charsLeft", { count: FEEDBACK_MAX_CHARS - message.length })}</small>
      <p className="note">{t("feedback.privacy")}</p>
      {error && <ErrorBox error={error} />}
      <button type="submit" disabled={busy || message.trim() === ""} data-testid="feedback-send" data-phase={phase}>
        {phase === "solving" ? t("feedback.solving") : phase === "sending" ? t("feedback.sending") : t("feedback.send")}
      </button>
    </form>
  );
}

/** The compound card's section: the counts, and "leave a message" opening the form. */
export function CompoundFeedback({ compoundId, counts, onSent }: { compoundId: number; counts?: CompoundCounts; onSent(): void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <section data-testid="compound-feedback">
      <h3>{t("feedback.title")}</h3>
      <FeedbackTopics topics={counts?.topics ?? {}} total={counts?.total ?? 0} />
      {open ? (
        <>
          <FeedbackForm compoundId={compoundId} onSent={onSent} />
          <button type="button" className="link" onClick={() => setOpen(false)}>
            {t("feedback.cancel")}
          </button>
        </>
      ) : (
        <button type="button" data-testid="feedback-leave" onClick={() => setOpen(true)}>
          {t("feedback.leave")}
        </button>
      )}
    </section>
  );
}
