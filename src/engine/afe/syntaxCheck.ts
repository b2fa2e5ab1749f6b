/**
 * Syntax check of a patched file before a candidate is kept: a candidate that does not even parse is dropped with a
 * note instead of costing a validation replay. The parser is TypeScript's (`transpileModule` with reportDiagnostics
 * reports syntactic diagnostics only, no type check), which reads JS, ESM, CJS, JSX and TS alike. TypeScript is
 * loaded lazily: where it is not installed, CommonJS files are compiled with node's vm.Script inside the CommonJS
 * wrapper, and other files are left to the validation replay (reported as unchecked, never as broken).
 */
import path from 'node:path';
import vm from 'node:vm';

export type SyntaxResult = { ok: true; checked: boolean } | { ok: false; message: string };

type TsModule = typeof import('typescript');
let tsLoad: Promise<TsModule | null> | undefined;

async function loadTs(): Promise<TsModule | null> {
  tsLoad ??= import('typescript').then(
    (m) => ((m as { default?: TsModule }).default ?? m) as TsModule,
    () => null,
  );
  return tsLoad;
}

const CHECKED_EXT = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx']);

/** Checks that `text`, the new content of `file`, parses. Files that are not JS/TS (json, md…) pass unchecked. */
export async function checkSyntax(file: string, text: string): Promise<SyntaxResult> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    try {
      JSON.parse(text);
      return { ok: true, checked: true };
    } catch (e) {
      return { ok: false, message: (e as Error).message.split('\n')[0] };
    }
  }
  if (!CHECKED_EXT.has(ext)) return { ok: true, checked: false };

  const ts = await loadTs();
  if (ts) {
    const out = ts.transpileModule(text, {
      fileName: path.basename(file),
      reportDiagnostics: true,
      compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve, target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext },
    });
    const first = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
    if (!first) return { ok: true, checked: true };
    const where = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
    const msg = ts.flattenDiagnosticMessageText(first.messageText, ' ');
    return { ok: false, message: where ? `line ${where.line + 1}: ${msg}` : msg };
  }

  if (ext === '.cjs' || (ext === '.js' && !/^\s*(import|export)\s/m.test(text))) {
    try {
      // Compiled, never run: the wrapper is the one node puts around every CommonJS module.
      new vm.Script(`(function (exports, require, module, __filename, __dirname) {${text.replace(/^#!.*/, '')}\n})`, { filename: file });
      return { ok: true, checked: true };
    } catch (e) {
      return { ok: false, message: (e as Error).message.split('\n')[0] };
    }
  }
  return { ok: true, checked: false };
}
