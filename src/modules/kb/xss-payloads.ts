import { SANITIZE } from './markdown.js';

/**
 * Script-injection attempts in Markdown and raw HTML that a page must render harmlessly: the unit
 * tests of the sanitizer and the API tests of page rendering both run them.
 */
export const XSS_PAYLOADS: string[] = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<IMG SRC="jav&#x09;ascript:alert(1);">',
  '<img src="x" srcset="javascript:alert(1)">',
  '<img src=x:alert(alt) onerror=eval(src) alt=0>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<a href="&#x6A;avascript:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="//evil.example/">x</a>',
  '<a href="https://ok.example/" onclick="alert(1)" target="_blank">x</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<p style="width: expression(alert(1))">x</p>',
  '<td style="text-align:left;background:url(javascript:alert(1))">x</td>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="https://evil.example/">',
  '<form action="javascript:alert(1)"><input type="submit"></form>',
  '<input onfocus=alert(1) autofocus>',
  '<details open ontoggle=alert(1)>',
  '<body onload=alert(1)>',
  '<video><source onerror="alert(1)"></video>',
  '<marquee onstart=alert(1)>x</marquee>',
  '<template><script>alert(1)</script></template>',
  '<xmp><script>alert(1)</script></xmp>',
  '<span class="x" id="y" data-x="1" onmouseover="alert(1)">x</span>',
  '[x](javascript:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x](javascript&#58;alert(1))',
  '[x](<javascript:alert(1)>)',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x](data:image/png;base64,iVBORw0KGgo=)',
  '[x]: javascript:alert(1)\n\n[x]',
  '<javascript:alert(1)>',
  '[[<img src=x onerror=alert(1)>]]',
  '[[x" onmouseover="alert(1)]]',
  '[[javascript:alert(1)]]',
  '[[Page|<script>alert(1)</script>]]',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
];

/**
 * What in rendered HTML could run a script, as a browser would read it: a tag or attribute not on
 * the allow-list, an event handler, a URL with a scheme other than http(s) or mailto (or
 * protocol-relative), a style other than text alignment. Empty when the HTML is harmless.
 */
export function harmfulParts(html: string): string[] {
  const problems: string[] = [];
  const allowedTags = new Set(SANITIZE.allowedTags as string[]);
  const allowedAttrs = SANITIZE.allowedAttributes as Record<string, string[]>;
  for (const tag of html.matchAll(/<\/?([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    const name = tag[1]!.toLowerCase();
    if (!allowedTags.has(name)) problems.push(`tag <${name}>`);
    for (const attr of tag[2]!.matchAll(/([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const attrName = attr[1]!.toLowerCase();
      // Entities are not decoded: any left in a URL is suspicious by itself.
      const value = (attr[2] ?? attr[3] ?? attr[4] ?? '').replace(/&#x?[0-9a-f]+;?|&[a-z]+;/gi, '?');
      if (attrName.startsWith('on')) problems.push(`event handler ${attrName}`);
      if (!(allowedAttrs[name] ?? []).includes(attrName)) problems.push(`attribute ${attrName} on <${name}>`);
      if (attrName === 'href' || attrName === 'src') {
        // Browsers skip white space and control characters inside a scheme (java\tscript:).
        const compact = [...value].filter((ch) => ch.charCodeAt(0) > 0x20).join('').toLowerCase();
        const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
        if (scheme !== undefined && !['http', 'https', 'mailto'].includes(scheme)) problems.push(`${attrName} with scheme ${scheme}`);
        if (compact.startsWith('//')) problems.push(`protocol-relative ${attrName}`);
      }
      if (attrName === 'style' && !/^text-align:(left|right|center);?$/.test(value)) problems.push(`style ${value}`);
    }
  }
  for (const m of html.matchAll(/<(script|iframe|object|embed|svg|math|style|form|input|base|meta|link)\b/gi)) problems.push(`element ${m[1]}`);
  return problems;
}
