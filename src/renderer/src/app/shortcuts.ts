/** Every keyboard shortcut of the workbench, by where it works: the `?` dialog lists exactly these. */
export interface ShortcutGroup {
  where: string;
  keys: { keys: string[]; what: string }[];
}

export const SHORTCUTS: ShortcutGroup[] = [
  {
    where: 'Anywhere',
    keys: [
      { keys: ['?'], what: 'Show this list of shortcuts' },
      { keys: ['Esc'], what: 'Close a dialog or panel' },
      { keys: ['Tab', 'Shift+Tab'], what: 'Move between controls' },
    ],
  },
  {
    where: 'Traces list',
    keys: [
      { keys: ['j', '↓'], what: 'Next run' },
      { keys: ['k', '↑'], what: 'Previous run' },
      { keys: ['Enter', 'Space'], what: 'Open the run' },
    ],
  },
  {
    where: 'Timeline',
    keys: [
      { keys: ['j', '↓'], what: 'Next step' },
      { keys: ['k', '↑'], what: 'Previous step' },
      { keys: ['PageDown', 'PageUp'], what: 'A page of steps down or up' },
      { keys: ['Home', 'End'], what: 'First or last step' },
      { keys: ['→', 'Enter'], what: 'Unfold a group of values' },
      { keys: ['←'], what: 'Fold the group' },
      { keys: ['/'], what: 'Find in the timeline' },
      { keys: ['Esc'], what: 'In the find box: clear it and go back to the timeline' },
    ],
  },
  {
    where: 'Branch graph',
    keys: [
      { keys: ['Tab'], what: 'Move to the next run node' },
      { keys: ['Enter', 'Space'], what: 'Open that run' },
    ],
  },
  {
    where: 'Inspector and panes',
    keys: [
      { keys: ['←', '→'], what: 'On the inspector tabs: previous or next tab' },
      { keys: ['←', '→', '↑', '↓'], what: 'On a pane divider: resize the panes' },
    ],
  },
  {
    where: 'Edit & fork',
    keys: [
      { keys: ['Ctrl+Enter', '⌘+Enter'], what: 'Run the branch with the edit' },
      { keys: ['Esc'], what: 'Cancel the edit' },
    ],
  },
];
