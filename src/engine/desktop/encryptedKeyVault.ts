/**
 * The desktop app's KeyVault for the Groq key: the key is encrypted by the OS (Electron's safeStorage, passed in as
 * a cipher so this file stays free of electron) and only the ciphertext is written, to `groq-key.bin` in the
 * AgentTrace home. Where the OS offers no encryption (a Linux session without a keyring), nothing is written and
 * the key is held in memory only, and the vault says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { KeyVault } from '../api/fixApi.js';

export interface KeyCipher {
  available(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

export const KEY_FILE = 'groq-key.bin';

export function encryptedKeyVault(home: string, cipher: KeyCipher): KeyVault {
  const file = path.join(home, KEY_FILE);
  if (!cipher.available()) {
    let key: string | undefined;
    return { get: () => key, set: (k) => void (key = k), storage: 'memory' };
  }
  let cached: string | undefined;
  let loaded = false;
  return {
    storage: 'safeStorage',
    get: () => {
      if (!loaded) {
        loaded = true;
        try {
          cached = cipher.decrypt(fs.readFileSync(file)) || undefined;
        } catch {
          // No key saved yet, or one the OS can no longer decrypt (another user, a reset keyring): ask again.
          cached = undefined;
        }
      }
      return cached;
    },
    set: (k) => {
      cached = k;
      loaded = true;
      if (k === undefined) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(home, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, cipher.encrypt(k), { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
  };
}
