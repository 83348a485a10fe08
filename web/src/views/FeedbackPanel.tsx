import { useState } from "react";
import { FEEDBACK_STATUSES, type FeedbackStatus } from "../../../shared/feedback";
import type { FeedbackMessage } from "../../../server/schemas/feedback";
import { sendJson, useApi, useApiTask } from "../api/client";
import { useSession } from "../api/session";
import { EditError } from "../components/editor/EditError";
import { Empty, ErrorBox, Loading } from "../components/States";
import { type MessageKey, useI18n } from "../i18n";

// The moderation queue (意见审核) for signed-in staff: residents' messages by state, newest first;
// publish, reject, or merge a duplicate into a published message; export for the bureau. The
// text is shown as text (React escapes it): a message is never markup.

const PAGE = 50;

export function FeedbackPanel({ onModerated, onZoomTo }: { onModerated(): void; onZoomTo(compoundId: number): void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [status, setStatus] = useState<FeedbackStatus>("pending");
  const [shown, setShown] = useState(PAGE);
  const list = useApi<{ items: FeedbackMessage[]; numberMatched: number }>(user ? `/api/feedback?status=${status}&limit=${shown}` : null, { perReader: true });
  if (!user)
    return (
      <div className="panel">
        <p className="note">{t("feedback.queue.signIn")}</p>
      </div>
    );
  return (
    <div className="panel" data-testid="feedback-panel">
      <h2>{t("feedback.queue.title")}</h2>
      <div className="segmented">
        {FEEDBACK_STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={s === status}
            className={s === status ? "active" : ""}
            data-testid={`feedback-status-${s}`}
            onClick={() => {
              setStatus(s);
              setShown(PAGE);
            }}
          >
            {t(`feedback.status.${s}` as MessageKey)}
          </button>
        ))}
      </div>
      <p className="export-links">
        {t("feedback.queue.export")}: <a href={`/api/feedback/export.csv?status=${status}`}>CSV</a> ·{" "}
        <a href={`/api/feedback/export.xlsx?status=${status}`}>XLSX</a>
      </p>
      {list.isLoading && !list.data && <Loading />}
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && (
        <>
          <p className="note" data-testid="feedback-count" data-count={list.data.numberMatched}>
            {t("feedback.queue.count", { count: list.data.numberMatched })}
          </p>
          {list.data.items.length === 0 ? (
            <Empty text={t("feedback.queue.empty")} />
          ) : (
            <ol className="feedback-queue">
              {list.data.items.map((m) => (
                <QueueItem
                  key={`${m.id}:${m.version}`}
                  m={m}
                  onZoomTo={onZoomTo}
                  onDone={() => {
                    list.reload();
                    onModerated();
                  }}
                />
              ))}
            </ol>
          )}
          {list.data.numberMatched > list.data.items.length && (
            <button type="button" onClick={() => setShown((n) => n + PAGE)}>
              {t("feedback.queue.more")}
            </button>
          )}
        </>
      )}
    </div>
  );
}

function QueueItem({ m, onDone, onZoomTo }: { m: FeedbackMessage; onDone(): void; onZoomTo(id: number): void }) {
  const { t, lang } = useI18n();
  const { busy, error, run } = useApiTask();
  const [into, setInto] = useState("");
  const act = (body: Record<string, unknown>) =>
    run(async () => {
      await sendJson("POST", `/api/feedback/${m.id}/moderation`, { ...body, version: m.version });
      onDone();
    });
  return (
    <li data-testid="feedback-item" data-id={m.id} data-status={m.status} aria-busy={busy}>
      <header>
        <span className="id">#{m.id}</span> <span className="badge">{t(`feedback.topic.${m.topic}` as MessageKey)}</span>{" "}
        {m.compoundId !== null ? (
          <button type="button" className="link" onClick={() => onZoomTo(m.compoundId!)}>
            {m.compoundName}
          </button>
        ) : (
          <span>{t("feedback.queue.noCompound")}</span>
        )}{" "}
        <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleString(lang, { dateStyle: "short", timeStyle: "short" })}</time>
      </header>
      <p className="message" data-testid="feedback-text">
        {m.message}
      </p>
      {m.mergedInto !== null && <p className="note">{t("feedback.queue.mergedInto", { id: m.mergedInto })}</p>}
      <div className="actions">
        {m.status !== "published" && m.status !== "merged" && (
          <button type="button" data-testid="feedback-publish" disabled={busy} onClick={() => act({ action: "publish" })}>
            {t("feedback.queue.publish")}
          </button>
        )}
        {m.status !== "rejected" && m.status !== "merged" && (
          <button type="button" data-testid="feedback-reject" disabled={busy} onClick={() => act({ action: "reject" })}>
            {t("feedback.queue.reject")}
          </button>
        )}
        {m.status === "pending" && (
          <span className="merge">
            <input
              type="number"
              min={1}
              value={into}
              aria-label={t("feedback.queue.mergeInto")}
              placeholder={t("feedback.queue.mergeInto")}
              onChange={(e) => setInto(e.target.value)}
            />
            <button type="button" disabled={busy || !into} onClick={() => act({ action: "merge", into: Number(into) })}>
              {t("feedback.queue.merge")}
            </button>
          </span>
        )}
      </div>
      {error && <EditError error={error} onReload={onDone} />}
    </li>
  );
}
