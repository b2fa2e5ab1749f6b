import { useState } from 'react';
import './ClampedText.css';

/** Where a long text is cut: at most `maxLines` lines and `maxChars` characters; `hidden` counts what is cut. */
export function clampText(text: string, maxChars = 600, maxLines = 10): { shown: string; hidden: number } {
  let cut = text.length > maxChars ? maxChars : text.length;
  let nl = -1;
  for (let i = 0; i < maxLines; i++) {
    nl = text.indexOf('\n', nl + 1);
    if (nl < 0) break;
  }
  if (nl >= 0 && nl < cut) cut = nl;
  return { shown: text.slice(0, cut), hidden: text.length - cut };
}

/** A message text cut to a few lines with "Show more" (and back): a 40-message conversation stays scannable. */
export function ClampedText({ text, className }: { text: string; className?: string }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const { shown, hidden } = clampText(text);
  return (
    <div className={`clamped ${className ?? ''}`}>
      <span className="clamped-text">{open || hidden === 0 ? text : `${shown}…`}</span>
      {hidden > 0 && (
        <button type="button" className="clamped-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : `Show more (${hidden.toLocaleString()} more characters)`}
        </button>
      )}
    </div>
  );
}
