/** Show/hide a secret: a real button, labelled for screen readers, reachable by keyboard. */
export function EyeToggle({ shown, onToggle, what }: { shown: boolean; onToggle(): void; what: string }) {
  return (
    <button
      type="button"
      className="eye"
      onClick={onToggle}
      aria-pressed={shown}
      aria-label={shown ? `Hide ${what}` : `Show ${what}`}
      title={shown ? `Hide ${what}` : `Show ${what}`}
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          d="M12 5c-5 0-9 4.5-10 7 1 2.5 5 7 10 7s9-4.5 10-7c-1-2.5-5-7-10-7zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8z"
          fill="currentColor"
        />
        {shown ? null : <path d="M3 3l18 18" stroke="currentColor" strokeWidth="2" />}
      </svg>
    </button>
  );
}
