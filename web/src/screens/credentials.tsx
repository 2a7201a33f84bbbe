/**
 * The Binance API key and secret: typed with a show/hide toggle, sent once, then only ever shown
 * masked (the server never returns them); replaceable, deletable behind a confirmation, testable.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../api/errors.js';
import {
  useCredentials,
  useDeleteCredentials,
  useSaveCredentials,
  useTestCredentials,
} from '../api/queries.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { EyeToggle } from '../components/eye-toggle.js';
import { Card, Empty, ErrorNote, Field } from '../components/ui.js';
import { type FieldErrors, validateApiKeyForm } from '../lib/validate.js';

export function CredentialsPanel() {
  const status = useCredentials();
  const save = useSaveCredentials();
  const remove = useDeleteCredentials();
  const test = useTestCredentials();
  const [editing, setEditing] = useState(false);
  const [apiKey, setApiKey] = useState('');
  const [apiSecret, setApiSecret] = useState('');
  const [showKey, setShowKey] = useState(false);
  const [showSecret, setShowSecret] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const configured = status.data?.configured ?? false;
  const showForm = !configured || editing;

  const clear = () => {
    // The secret should not outlive its use in this page's memory.
    setApiKey('');
    setApiSecret('');
    setShowKey(false);
    setShowSecret(false);
    setErrors({});
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateApiKeyForm({ apiKey, apiSecret });
    setErrors(found);
    setNote(null);
    if (Object.keys(found).length > 0) {
      document.getElementById(Object.keys(found)[0]!)?.focus();
      return;
    }
    try {
      const saved = await save.mutateAsync({ apiKey: apiKey.trim(), apiSecret: apiSecret.trim() });
      clear();
      setEditing(false);
      setNote({ ok: true, text: `Key ${saved.apiKey ?? ''} saved (encrypted on the server).` });
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      setNote({ ok: false, text: errorMessage(err) });
    }
  }

  function runTest() {
    setNote(null);
    const typed = apiKey !== '' || apiSecret !== '';
    if (typed) {
      const found = validateApiKeyForm({ apiKey, apiSecret });
      setErrors(found);
      if (Object.keys(found).length > 0) return;
    }
    test.mutate(typed ? { apiKey: apiKey.trim(), apiSecret: apiSecret.trim() } : undefined, {
      onSuccess: (r) =>
        setNote({ ok: r.ok, text: `Connection test ${r.ok ? 'passed' : 'failed'}: ${r.message}` }),
      onError: (e) => setNote({ ok: false, text: errorMessage(e) }),
    });
  }

  return (
    <Card title="Binance API key">
      {status.isError ? <ErrorNote>{errorMessage(status.error)}</ErrorNote> : null}
      {status.isPending ? <Empty>Loading…</Empty> : null}
      {configured && !editing ? (
        <div className="key-status">
          <p>
            Stored key: <code data-testid="masked-key">{status.data?.apiKey}</code>
          </p>
          <p className="muted">Encrypted on the server and never shown again in full.</p>
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setEditing(true)}>
              Replace
            </button>
            <button type="button" className="button" onClick={runTest} disabled={test.isPending}>
              {test.isPending ? 'Testing…' : 'Test connection'}
            </button>
            <button
              type="button"
              className="button button-danger-outline"
              onClick={() => setConfirmDelete(true)}
            >
              Delete key
            </button>
          </div>
        </div>
      ) : null}
      {status.isSuccess && showForm ? (
        <form noValidate onSubmit={submit} aria-label="Binance API key" autoComplete="off">
          {!configured ? (
            <p className="muted">
              Needed for REAL mode only. Use a key with futures trading and no withdrawals.
            </p>
          ) : null}
          <Field
            id="apiKey"
            label="API key"
            type={showKey ? 'text' : 'password'}
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            error={errors.apiKey}
            addon={<EyeToggle shown={showKey} onToggle={() => setShowKey((v) => !v)} what="API key" />}
          />
          <Field
            id="apiSecret"
            label="API secret"
            type={showSecret ? 'text' : 'password'}
            autoComplete="off"
            spellCheck={false}
            value={apiSecret}
            onChange={(e) => setApiSecret(e.target.value)}
            error={errors.apiSecret}
            addon={
              <EyeToggle shown={showSecret} onToggle={() => setShowSecret((v) => !v)} what="API secret" />
            }
          />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : configured ? 'Replace key' : 'Save key'}
            </button>
            <button
              type="button"
              className="button"
              onClick={runTest}
              disabled={test.isPending || (!configured && (!apiKey || !apiSecret))}
            >
              {test.isPending ? 'Testing…' : 'Test connection'}
            </button>
            {configured ? (
              <button
                type="button"
                className="button"
                onClick={() => {
                  clear();
                  setEditing(false);
                }}
              >
                Cancel
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
      {note ? (
        <p className={note.ok ? 'ok-note' : 'error-note'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      ) : null}
      <ConfirmDialog
        open={confirmDelete}
        title="Delete the stored Binance key?"
        confirmLabel="Delete key"
        danger
        busy={remove.isPending}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: (r) =>
              setNote({
                ok: true,
                text: r.deleted
                  ? `Key deleted.${r.mode === 'PAPER' ? ' You are in PAPER mode.' : ''}`
                  : 'No key was stored.',
              }),
            onError: (e) => setNote({ ok: false, text: errorMessage(e) }),
            onSettled: () => setConfirmDelete(false),
          })
        }
      >
        <p>
          REAL trading stops working without a key; a REAL account goes back to PAPER. The server refuses
          while REAL positions are open.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
