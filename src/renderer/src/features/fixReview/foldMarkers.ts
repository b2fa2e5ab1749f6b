/**
 * The collapsed stretches of unchanged lines in a merge view, made visible and operable. CodeMirror's merge package
 * draws them as "⦚ 12 unchanged lines ⦚" with the ⦚ glyph from CSS `content`, a character the UI's fonts lack
 * (Chromium shows empty boxes), and as a div that only a mouse can open. Here each one gets an SVG chevron (no font
 * involved), a button role with a label and tooltip, and Enter/Space to expand it like a click does.
 */
import { EditorView, ViewPlugin, type ViewUpdate } from '@codemirror/view';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The class of the drawn marker; the e2e spec checks for it. */
export const FOLD_MARKER_CLASS = 'fd-fold-marker';

/** "Unfold": two chevrons pointing apart, drawn in the text colour. */
function chevrons(): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', FOLD_MARKER_CLASS);
  svg.setAttribute('viewBox', '0 0 12 12');
  svg.setAttribute('width', '12');
  svg.setAttribute('height', '12');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', 'M3 4.5 6 1.5 9 4.5M3 7.5 6 10.5 9 7.5');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '1.5');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  return svg;
}

/** Gives the collapsed blocks not seen yet their marker, role, label and keys. */
function markCollapsed(view: EditorView): void {
  for (const el of view.contentDOM.querySelectorAll<HTMLElement>('.cm-collapsedLines:not([data-fold-marked])')) {
    const label = `Show ${el.textContent?.trim() || 'unchanged lines'}`;
    el.dataset.foldMarked = '';
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', label);
    el.title = label;
    el.tabIndex = 0;
    el.prepend(chevrons());
    el.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      // The merge package expands on click (both sides) and the block leaves the page: the focus goes to the scroller
      // (found before the click, when the block is still in it).
      const scroller = el.closest<HTMLElement>('.cm-mergeView');
      el.click();
      scroller?.focus({ preventScroll: true });
    });
  }
}

/**
 * Marks the blocks after each DOM update (a measure request's write phase runs once the view has drawn them; mutations
 * inside a widget are ignored by the editor, so adding to it does not count as an edit).
 */
export const foldMarkers = [
  ViewPlugin.fromClass(
    class {
      constructor(readonly view: EditorView) {
        this.schedule();
      }
      update(u: ViewUpdate): void {
        if (u.docChanged || u.viewportChanged || u.transactions.length > 0) this.schedule();
      }
      schedule(): void {
        this.view.requestMeasure({ key: this, read: () => null, write: () => markCollapsed(this.view) });
      }
    },
  ),
  // The package's ⦚ glyphs go; the drawn chevron takes their place.
  EditorView.theme({
    '.cm-collapsedLines': { display: 'flex', alignItems: 'center', gap: '8px', '&:before': { content: 'none' }, '&:after': { content: 'none' } },
    // The package paints a light band (its dark one needs a dark editor theme): the app's palette in both instead,
    // one class more specific than the package's light/dark rules.
    '.cm-content .cm-collapsedLines': { color: 'var(--muted)', background: 'var(--panel)' },
    [`.${FOLD_MARKER_CLASS}`]: { flex: 'none', pointerEvents: 'none' },
    '.cm-collapsedLines:focus-visible': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
  }),
];
