import { useMemo, useState } from 'react';
import { flattenJson, type ChangeMark } from '../../../../shared/model/jsonTree';
import type { Json } from '../../../../shared/trace/types';
import './JsonTree.css';

interface Props {
  value: Json;
  /** Path of the value in the step's state (`tracked`, `globals`, `frames.0.locals`): matches the changed paths. */
  rootPath: string;
  label: string;
  marks: Map<string, ChangeMark>;
  /** Levels open by default (below them, only paths leading to a change open). */
  openDepth?: number;
}

/** A collapsible JSON tree; values changed since the previous step are highlighted, their containers open. */
export function JsonTree({ value, rootPath, label, marks, openDepth = 1 }: Props): React.JSX.Element {
  // Explicit open/close choices by path; everything else follows the default (open along changes).
  const [choices, setChoices] = useState<Record<string, boolean>>({});
  const rows = useMemo(() => flattenJson(value, { rootPath, rootKey: label, marks, openDepth, isExpanded: (p) => choices[p] }), [value, rootPath, label, marks, openDepth, choices]);
  const toggle = (path: string, open: boolean): void => setChoices((c) => ({ ...c, [path]: !open }));

  return (
    <div className="json-tree mono" role="tree" aria-label={label}>
      {rows.map((r) => (
        <div
          key={r.path}
          role="treeitem"
          aria-level={r.depth + 1}
          aria-expanded={r.expandable ? r.expanded : undefined}
          className={`jt-row${r.mark === 'self' ? ' jt-changed' : r.mark === 'inside' ? ' jt-inside' : ''}`}
          data-path={r.path}
          style={{ paddingLeft: 8 + r.depth * 14 }}
        >
          {r.expandable ? (
            <button type="button" className="jt-toggle" aria-label={`${r.expanded ? 'Collapse' : 'Expand'} ${r.key}`} onClick={() => toggle(r.path, r.expanded)}>
              {r.expanded ? '▾' : '▸'}
            </button>
          ) : (
            <span className="jt-toggle" aria-hidden="true" />
          )}
          <span className="jt-key">{r.key}</span>
          {r.more === undefined && <span className="jt-colon">:</span>}
          <span className={`jt-val jt-${r.type}`}>{r.expandable && r.expanded ? '' : r.preview}</span>
          {r.mark === 'self' && <span className="jt-flag">changed</span>}
        </div>
      ))}
    </div>
  );
}
