/**
 * The AutoFix Engine's settings (`$AGENTTRACE_HOME/autofix-settings.json`): model, whether to use AI, and the
 * workbench's auto-apply preference. Never the key: that lives in the host's KeyVault (safeStorage or memory).
 * A missing or unreadable file means the defaults; a write goes through a temp file and a rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_GROQ_MODEL } from '../afe/groqModels.js';

export interface AfeSettings {
  model: string;
  useAi: boolean;
  /** Auto-apply a candidate that is "fixed" (not simulated) with score >= 0.9. Off by default. */
  autoApply: boolean;
}

const FILE = 'autofix-settings.json';

export function loadAfeSettings(home: string): AfeSettings {
  const defaults: AfeSettings = { model: DEFAULT_GROQ_MODEL, useAi: true, autoApply: false };
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(home, FILE), 'utf8')) as Partial<Record<keyof AfeSettings, unknown>>;
    return {
      model: typeof raw.model === 'string' && raw.model.trim() ? raw.model.trim() : defaults.model,
      useAi: typeof raw.useAi === 'boolean' ? raw.useAi : defaults.useAi,
      autoApply: raw.autoApply === true,
    };
  } catch {
    return defaults;
  }
}

export function saveAfeSettings(home: string, s: AfeSettings): void {
  fs.mkdirSync(home, { recursive: true });
  const file = path.join(home, FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ model: s.model, useAi: s.useAi, autoApply: s.autoApply }, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
