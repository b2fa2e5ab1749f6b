import { MergeView } from '@codemirror/merge';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import './FileDiff.css';
import { foldMarkers } from './foldMarkers';

interface Props {
  /** Shown above the two sides (the path relative to the run's folder). */
  name: string;
  before: string;
  after: string;
}

// Plain text in the theme's own colours (both palettes keep 4.5:1): the diff marks are the signal here, and a syntax
// palette would need its own contrast check per theme.
const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--raised)', color: 'var(--fg)', fontSize: 'var(--text-sm)' },
  '.cm-content': { fontFamily: 'var(--mono)' },
  '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
});

/** A side's editor, named for screen readers ("agent.mjs, before"). */
const sideExtensions = (label: string): Extension[] => [EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.contentAttributes.of({ 'aria-label': label }), theme, foldMarkers];

/**
 * One file of a candidate side by side (before | after), read-only, with the changed lines and characters marked
 * and long unchanged stretches collapsed: CodeMirror's MergeView, created once per text pair.
 */
export function FileDiff({ name, before, after }: Props): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const view = new MergeView({
      a: { doc: before, extensions: sideExtensions(`${name}, before`) },
      b: { doc: after, extensions: sideExtensions(`${name}, after`) },
      parent,
      gutter: true,
      highlightChanges: true,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    // The merge view is what scrolls: it takes the keyboard focus (arrow keys scroll it) and the group's name.
    view.dom.tabIndex = 0;
    view.dom.setAttribute('role', 'group');
    view.dom.setAttribute('aria-label', `Changes to ${name}: before on the left, after on the right`);
    return () => view.destroy();
  }, [name, before, after]);
  return (
    <figure className="file-diff" data-testid="file-diff" data-file={name}>
      <figcaption className="fd-head">
        <span className="mono fd-name">{name}</span>
        <span className="fd-sides" aria-hidden="true">
          <span>before</span>
          <span>after</span>
        </span>
      </figcaption>
      <div className="fd-body" ref={host} />
    </figure>
  );
}
