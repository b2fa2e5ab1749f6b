/**
 * The packaging config can't be exercised here (electron-builder needs the Electron download), so this checks what
 * can be: electron-builder's own loader and schema accept electron-builder.yml, and everything it points at exists.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  npmRebuild?: boolean;
  asarUnpack?: string[];
  fileAssociations?: { ext: string }[];
  extraResources?: { from: string; to: string }[];
  linux?: { target: string[]; icon: string };
  mac?: { target: string; icon: string };
  win?: { target: string; icon: string };
}

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation and names existing resources', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      getConfig: (dir: string, file: string | null, opts: null) => Promise<BuilderConfig>;
      validateConfiguration: (c: BuilderConfig, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const config = await getConfig(REPO, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.npmRebuild).toBe(false);
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
    expect(config.fileAssociations?.map((f) => f.ext)).toEqual(['agenttrace']);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect([config.mac?.target, config.win?.target]).toEqual(['dmg', 'nsis']);
    for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) {
      const png = fs.readFileSync(path.join(REPO, icon ?? 'missing'));
      // PNG signature, then IHDR width/height: the icon must be at least 512x512.
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    }
    const sample = config.extraResources?.find((r) => r.to === 'sample');
    expect(fs.existsSync(path.join(REPO, sample?.from ?? 'missing', 'sample.agenttrace'))).toBe(true);
  });
});
