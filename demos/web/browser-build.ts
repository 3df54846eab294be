import { build } from 'esbuild';

/**
 * Bundle TypeScript for the browser with esbuild — one ES module, minified,
 * tree-shaken, every dependency (rxjs included) inside; the build fails on
 * any static `node:` import — and return its code and the files it took
 * (paths relative to the working directory). The input is a file or, with
 * `resolveDir`, source text.
 */
export async function buildForBrowser(
  input: { file: string } | { contents: string; resolveDir: string },
): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    ...('file' in input
      ? { entryPoints: [input.file] }
      : { stdin: { contents: input.contents, resolveDir: input.resolveDir, loader: 'ts' } }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}
