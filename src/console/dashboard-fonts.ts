import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The queue dashboard's page asks Google Fonts for IBM Plex; a government intranet reaches no such host. The
 * page is rewritten to load the same faces from the gateway, out of the @fontsource packages.
 */
const FACES: Array<{ family: string; pkg: string; weights: number[] }> = [
  { family: 'IBM Plex Sans', pkg: '@fontsource/ibm-plex-sans', weights: [400, 500, 600] },
  { family: 'IBM Plex Mono', pkg: '@fontsource/ibm-plex-mono', weights: [400, 500] },
];
const EXTERNAL_FONTS = /<link[^>]+fonts\.(googleapis|gstatic)\.com[^>]*>/g;
const FILE = /^[a-z0-9-]+-latin-[456]00-normal\.woff2$/;

function fontFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'files', file);
}

export function serveDashboardFonts(scope: FastifyInstance, basePath: string): void {
  const css = FACES.flatMap(({ family, pkg, weights }) =>
    weights.map((w) => {
      const file = `${pkg.split('/')[1]}-latin-${w}-normal.woff2`;
      return `@font-face{font-family:'${family}';font-style:normal;font-display:swap;font-weight:${w};src:url(fonts/${file}) format('woff2')}`;
    }),
  ).join('\n');
  scope.get(`${basePath}/fonts.css`, (_, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(css));
  scope.get(`${basePath}/fonts/:file`, async (request, reply) => {
    const { file } = request.params as { file: string };
    const face = FACES.find((f) => file.startsWith(`${f.pkg.split('/')[1]}-`));
    if (!face || !FILE.test(file)) return reply.code(404).send();
    return reply.type('font/woff2').header('cache-control', 'public, max-age=86400').send(await readFile(fontFile(face.pkg, file)));
  });
  scope.addHook('onSend', async (_, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    return payload.replace(EXTERNAL_FONTS, '').replace('</head>', '<link href="fonts.css" rel="stylesheet"></head>');
  });
}
