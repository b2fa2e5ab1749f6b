/** `agenttrace ui`: the workbench in a browser, served on 127.0.0.1 with a per-launch token. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { NotFoundError } from '../../engine/errors.js';
import { packageRoot } from '../../engine/runner/sdkPaths.js';
import { memoryEvents } from '../../shared/rpc/memoryTransport.js';
import type { Command } from '../context.js';
import { openCliStore } from '../context.js';

export const uiCommand: Command = {
  spec: {
    name: 'ui',
    summary: 'Open the workbench in a browser (served on 127.0.0.1).',
    usage: 'ui [--port N] [--open]',
    positionals: [],
    options: [
      { name: 'port', type: 'int', min: 0, valueName: 'N', description: 'port to listen on (default: a free port)' },
      { name: 'open', type: 'boolean', description: 'open the URL in the default browser' },
    ],
  },
  async run(args, ctx) {
    // The built renderer sits in the package: out/renderer of a checkout (`npm run build`), shipped by `npm pack`.
    const rendererDir = path.join(packageRoot(), 'out', 'renderer');
    if (!existsSync(path.join(rendererDir, 'index.html'))) {
      throw new NotFoundError(`the workbench UI is not built (${rendererDir} is missing)`, 'in a checkout of agenttrace run `npm run build`; an installed package ships it, so reinstall agenttrace');
    }
    const store = openCliStore(ctx);
    // Store changes (other processes' runs included) reach the browser as events over the WebSocket.
    const events = memoryEvents();
    // Loaded on use: the host and the server bring the whole engine, groq-sdk and ws.
    const [{ createWorkbenchHost }, { startUiServer }] = await Promise.all([import('../../engine/api/workbenchHost.js'), import('../../server/uiServer.js')]);
    const host = createWorkbenchHost(store, {
      onRunUpdated: (data) => events.emit({ type: 'runUpdated', data }),
      record: { cwd: ctx.cwd, env: ctx.env },
      // Fix stages reach the page as events; the Groq key is held in this process's memory only (never written).
      fix: { onFixProgress: (data) => events.emit({ type: 'fixProgress', data }), cwd: ctx.cwd, env: ctx.env },
    });
    const server = await startUiServer({ dispatch: host.dispatch, rendererDir, port: args.options.port as number | undefined, events: events.subscribe });
    ctx.printer.out(`AgentTrace workbench: ${server.url}\n`);
    if (args.options.open) openBrowser(server.url);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    // Recordings started from the UI run in this process: they are stopped (and stored) before the store closes.
    await host.close();
    await server.close();
    store.close();
    return 0;
  },
};

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  spawn(cmd, args, { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
}
