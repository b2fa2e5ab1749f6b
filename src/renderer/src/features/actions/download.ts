/**
 * Saves bytes the host sent as a file: the browser's download (in Electron, its save dialog). The object URL is
 * revoked once the download has been handed to the browser.
 */
export function saveBase64File(fileName: string, dataB64: string, mime = 'application/octet-stream'): void {
  const bin = atob(dataB64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
