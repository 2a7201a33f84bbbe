/**
 * Settings: trading parameters (validated here with the server's own words, and the server's
 * per-field answers shown beside the same fields), the PAPER/REAL switch behind a confirmation,
 * and the Binance key (see credentials.tsx).
 */
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/errors.js';
import { useCredentials, useSettings, useUpdateSettings } from '../api/queries.js';
import type { Settings, SettingsChange } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Card, Empty, ErrorNote, Field } from '../components/ui.js';
import { formatUsd } from '../lib/format.js';
import { type FieldErrors, SCAN_PROFILES, type ScanProfile, validateSettingsForm } from '../lib/validate.js';
import { CredentialsPanel } from './credentials.js';

interface Form {
  fixedMargin: string;
  leverage: string;
  minConfidence: string;
  scanProfile: string;
  autoTrade: boolean;
}

const formOf = (s: Settings): Form => ({
  fixedMargin: s.fixedMargin,
  leverage: String(s.leverage),
  minConfidence: String(s.minConfidence),
  scanProfile: s.scanProfile,
  autoTrade: s.autoTrade,
});

function changesOf(form: Form, saved: Settings): SettingsChange {
  const change: SettingsChange = {};
  if (form.fixedMargin.trim() !== saved.fixedMargin) change.fixedMargin = form.fixedMargin.trim();
  if (Number(form.leverage) !== saved.leverage) change.leverage = Number(form.leverage);
  if (Number(form.minConfidence) !== saved.minConfidence) change.minConfidence = Number(form.minConfidence);
  if (form.scanProfile !== saved.scanProfile) change.scanProfile = form.scanProfile as ScanProfile;
  if (form.autoTrade !== saved.autoTrade) change.autoTrade = form.autoTrade;
  return change;
}

function TradingForm({ saved }: { saved: Settings }) {
  const update = useUpdateSettings();
  const [form, setForm] = useState<Form>(() => formOf(saved));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [dirty, setDirty] = useState(false);

  // Follow changes made elsewhere (another tab, the header's stop button) unless mid-edit.
  useEffect(() => {
    if (!dirty) setForm(formOf(saved));
  }, [saved, dirty]);

  const set = (key: keyof Form) => (value: string | boolean) => {
    setForm((f) => ({ ...f, [key]: value }));
    setDirty(true);
    setNote(null);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateSettingsForm(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setNote({ ok: false, text: 'Fix the highlighted fields.' });
      document.getElementById(Object.keys(found)[0]!)?.focus();
      return;
    }
    const change = changesOf(form, saved);
    if (Object.keys(change).length === 0) {
      setNote({ ok: true, text: 'Nothing to save.' });
      setDirty(false);
      return;
    }
    try {
      await update.mutateAsync(change);
      setDirty(false);
      setNote({ ok: true, text: 'Settings saved.' });
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors(err.fields);
      setNote({ ok: false, text: errorMessage(err) });
    }
  }

  return (
    <form noValidate onSubmit={submit} aria-label="Trading settings" className="settings-form">
      <Field
        id="fixedMargin"
        label="Margin per trade (USDT)"
        inputMode="decimal"
        autoComplete="off"
        value={form.fixedMargin}
        onChange={(e) => set('fixedMargin')(e.target.value)}
        error={errors.fixedMargin}
      />
      <Field
        id="leverage"
        label="Leverage"
        inputMode="numeric"
        autoComplete="off"
        value={form.leverage}
        onChange={(e) => set('leverage')(e.target.value)}
        error={errors.leverage}
        hint="1 to 125; each order is also held to the symbol's own maximum."
      />
      <Field
        id="minConfidence"
        label="Minimum confidence (%)"
        inputMode="numeric"
        autoComplete="off"
        value={form.minConfidence}
        onChange={(e) => set('minConfidence')(e.target.value)}
        error={errors.minConfidence}
        hint="Signals below this are not traded for you."
      />
      <div className={`field ${errors.scanProfile ? 'field-invalid' : ''}`}>
        <label htmlFor="scanProfile">Scan profile</label>
        <select
          id="scanProfile"
          value={form.scanProfile}
          onChange={(e) => set('scanProfile')(e.target.value)}
          aria-describedby={errors.scanProfile ? 'scanProfile-error' : 'scanProfile-hint'}
        >
          {SCAN_PROFILES.map((p) => (
            <option key={p} value={p}>
              {p} ({p === 'aggressive' ? 'every 30 s' : p === 'normal' ? 'every minute' : 'every 5 min'})
            </option>
          ))}
        </select>
        {errors.scanProfile ? (
          <p id="scanProfile-error" className="field-error" role="alert">
            {errors.scanProfile}
          </p>
        ) : null}
      </div>
      <div className="field field-check">
        <input
          id="autoTrade"
          type="checkbox"
          checked={form.autoTrade}
          onChange={(e) => set('autoTrade')(e.target.checked)}
        />
        <label htmlFor="autoTrade">
          Auto-trading: open trades for me when a signal meets my minimum confidence
        </label>
      </div>
      {note ? (
        <p className={note.ok ? 'ok-note' : 'error-note'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save settings'}
        </button>
        {dirty ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setForm(formOf(saved));
              setErrors({});
              setDirty(false);
              setNote(null);
            }}
          >
            Discard changes
          </button>
        ) : null}
      </div>
    </form>
  );
}

function ModeSwitch({ saved }: { saved: Settings }) {
  const update = useUpdateSettings();
  const credentials = useCredentials();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const choose = (mode: 'PAPER' | 'REAL') => {
    setError(null);
    if (mode === saved.mode) return;
    if (mode === 'PAPER') {
      update.mutate({ mode: 'PAPER' }, { onError: (e) => setError(errorMessage(e)) });
      return;
    }
    if (!credentials.data?.configured) {
      setError('REAL mode needs your Binance API key and secret: store them below first.');
      return;
    }
    setAsking(true);
  };

  const confirmReal = () =>
    update.mutate(
      { mode: 'REAL', confirmReal: true },
      {
        onError: (e) => {
          const fields = e instanceof ApiError ? Object.values(e.fields) : [];
          setError(fields.length > 0 ? `Cannot switch to REAL: ${fields.join('; ')}.` : errorMessage(e));
        },
        onSettled: () => setAsking(false),
      },
    );

  return (
    <fieldset className="mode-switch">
      <legend>Trading mode</legend>
      {(['PAPER', 'REAL'] as const).map((mode) => (
        <label
          key={mode}
          className={`mode-option ${saved.mode === mode ? 'mode-selected' : ''} mode-${mode.toLowerCase()}`}
        >
          <input
            type="radio"
            name="mode"
            value={mode}
            checked={saved.mode === mode}
            onChange={() => choose(mode)}
            disabled={update.isPending}
          />
          <span>
            <strong>{mode}</strong>
            <span className="muted">
              {mode === 'PAPER'
                ? ' simulated wallet, no real money'
                : ' orders on Binance with your key: real money'}
            </span>
          </span>
        </label>
      ))}
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      <ConfirmDialog
        open={asking}
        title="Switch to REAL trading?"
        confirmLabel="Switch to REAL"
        danger
        busy={update.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={confirmReal}
      >
        <p>
          From now on, trades are placed on Binance with your key {credentials.data?.apiKey ?? ''} and real
          money: {formatUsd(saved.fixedMargin)} margin per trade at {saved.leverage}× leverage
          {saved.autoTrade ? ', opened automatically while auto-trading is on' : ''}.
        </p>
        <p>Losses are real. You can switch back to PAPER or press Panic at any time.</p>
      </ConfirmDialog>
    </fieldset>
  );
}

export function SettingsScreen() {
  const settings = useSettings();
  useEffect(() => {
    document.title = 'Settings · NeuroTrade';
  }, []);
  return (
    <div className="grid">
      <Card title="Trading">
        {settings.isError ? <ErrorNote>{errorMessage(settings.error)}</ErrorNote> : null}
        {settings.isPending ? <Empty>Loading settings…</Empty> : null}
        {settings.data ? <ModeSwitch saved={settings.data} /> : null}
        {settings.data ? <TradingForm saved={settings.data} /> : null}
      </Card>
      <CredentialsPanel />
    </div>
  );
}
