/** Small shared pieces: labelled fields with their error, money with its colour, badges, cards, table heads. */
import type { InputHTMLAttributes, ReactNode } from 'react';
import { formatPercent, formatUsd, NONE, tone } from '../lib/format.js';

export function Card({
  title,
  actions,
  children,
  className,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card ${className ?? ''}`}>
      <header className="card-header">
        <h2 className="card-title">{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  /** Something drawn inside the field's right edge (the eye toggle). */
  addon?: ReactNode;
}

/** A labelled input whose error is announced and tied to it with aria-describedby. */
export function Field({ id, label, error, hint, addon, className, ...input }: FieldProps) {
  const describedBy =
    [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-control">
        <input
          id={id}
          name={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          {...input}
        />
        {addon}
      </div>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A signed USDT figure in green or red; greyed and labelled when it is not live. */
export function Pnl({
  value,
  percent,
  stale,
}: {
  value: string | null | undefined;
  percent?: string | null;
  stale?: boolean;
}) {
  const cls = `pnl ${stale ? 'stale' : tone(value)}`;
  return (
    <span className={cls} title={stale ? 'Not live: the figure may have moved' : undefined}>
      {formatUsd(value, { signed: true })}
      {percent !== undefined && percent !== null && formatUsd(value) !== NONE ? (
        <span className="pnl-percent"> ({formatPercent(percent)})</span>
      ) : null}
    </span>
  );
}

export function Badge({ kind, children, title }: { kind: string; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${kind}`} title={title}>
      {children}
    </span>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** An error from the API, as a sentence, in an alert region. */
export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <p className="error-note" role="alert">
      {children}
    </p>
  );
}

/** A column header: its label; `num` right-aligns a column of figures; `hidden` is read to screen readers only. */
export type Column = string | { label: string; num?: boolean; hidden?: boolean };

/** A right-aligned column of figures. */
export const num = (label: string): Column => ({ label, num: true });

/** A table's column headers, one row. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => {
          const c = typeof column === 'string' ? { label: column } : column;
          return (
            <th key={c.label} scope="col" className={c.num ? 'num' : undefined}>
              {c.hidden ? <span className="sr-only">{c.label}</span> : c.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
