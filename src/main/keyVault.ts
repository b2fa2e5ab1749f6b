/** The Groq key under Electron's safeStorage (OS keychain / DPAPI / libsecret); the file logic is engine code. */
import { safeStorage } from 'electron';
import type { KeyVault } from '../engine/api/fixApi.js';
import { encryptedKeyVault } from '../engine/desktop/encryptedKeyVault.js';

export function safeStorageVault(home: string): KeyVault {
  return encryptedKeyVault(home, {
    available: () => safeStorage.isEncryptionAvailable(),
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (cipher) => safeStorage.decryptString(cipher),
  });
}
