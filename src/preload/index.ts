/** Preload: exposes exactly `call`, `onEvent` and `pathForFile` to the renderer (contextIsolation on). */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type PreloadBridge, type RpcResult, type WorkbenchEvent } from '../shared/rpc/contract.js';

const bridge: PreloadBridge = {
  call: (method, params) => ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params) as Promise<RpcResult<unknown>>,
  onEvent: (cb) => {
    const listener = (_e: Electron.IpcRendererEvent, event: WorkbenchEvent): void => cb(event);
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('agenttrace', bridge);
